"""JSON transcodings for every non-JSON type stored in events.

Names are stored with each value: never change a transcoding's ``name``. A ``StrEnum`` is a ``str``
and is stored as its plain value (JSON never asks for a transcoding); dataclass transcodings below
turn such strings back into enums, and lists back into tuples, from the dataclass's type hints.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.assessment import Assessment, Reason
from domain.circumstances import Assets, Circumstances, CostItem, IncomeItem
from domain.enrolment import MonthCorrection
from domain.members import Disability, Member
from domain.payroll import CorrectionLine, Payment
from domain.policy import ParameterValue
from domain.rules.children import ParentStatus
from domain.values import Actor, IdNumber


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class IdNumberAsStr(Transcoding):
    type = IdNumber
    name = "id_number"

    def encode(self, obj: IdNumber) -> str:
        return obj.value

    def decode(self, data: str) -> IdNumber:
        return IdNumber(data)


def _coercer(hint: Any) -> Callable[[Any], Any] | None:
    """How to turn a JSON-decoded value back into the type a dataclass field declares, worked out once
    per field (None: the value as it is).

    Enums from their stored strings (in a union, the first enum member type, strings only), tuples
    from lists (each item as the first type argument says); ``None`` stays ``None``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        enum = next((a for a in typing.get_args(hint) if isinstance(a, type) and issubclass(a, Enum)), None)
        if enum is None:
            return None
        return lambda value: enum(value) if isinstance(value, str) else value
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda value: None if value is None else hint(value)
    if origin is tuple:
        args = typing.get_args(hint)
        inner = _coercer(args[0]) if args else None
        if inner is None:
            return lambda value: tuple(value) if isinstance(value, list) else value
        return lambda value: tuple(None if v is None else inner(v) for v in value) if isinstance(value, list) else value
    return None


class DataclassAsDict(Transcoding):
    """A frozen dataclass value object stored as a dict of its fields."""

    def __init__(self, cls: type, name: str):
        self.type = cls
        self.name = name
        self._fields = [f.name for f in dataclasses.fields(cls)]
        self._hints = typing.get_type_hints(cls)
        self._coercers = {k: _coercer(hint) for k, hint in self._hints.items()}

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        coercers = self._coercers
        return self.type(**{k: v if v is None or (c := coercers[k]) is None else c(v) for k, v in data.items()})


#: (class, stored name). Stored names are permanent.
VALUE_OBJECTS: tuple[tuple[type, str], ...] = (
    (Actor, "actor"),
    (Disability, "disability"),
    (Member, "member"),
    (IncomeItem, "income_item"),
    (CostItem, "cost_item"),
    (Assets, "assets"),
    (Circumstances, "circumstances"),
    (Reason, "reason"),
    (ParameterValue, "parameter_value"),
    (Assessment, "assessment"),
    (ParentStatus, "parent_status"),
    (MonthCorrection, "month_correction"),
    (Payment, "payroll_payment"),
    (CorrectionLine, "payroll_correction_line"),
)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register the project's transcodings on an application's transcoder."""
    transcoder.register(DateAsISO())
    transcoder.register(IdNumberAsStr())
    for cls, name in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls, name))
