"""JSON transcodings for every non-JSON type stored in events.

Names are stored with each value: never change a transcoding's ``name``. A ``StrEnum`` is a ``str``
and is stored as its plain value (JSON never asks for a transcoding); a tuple is stored as a list.
Value objects come back typed through pydantic (``DataclassAsDict``); the fields of the events
themselves are typed by the mapper (``infrastructure.mapping``).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding
from pydantic import TypeAdapter

from domain.assessment import Assessment, Reason
from domain.circumstances import Assets, Circumstances, CostItem, IncomeItem
from domain.disability import DisabilityCertificate
from domain.enrolment import MonthCorrection
from domain.members import Disability, Member
from domain.payroll import CorrectionLine, Payment
from domain.policy import ParameterValue
from domain.residence import Residence
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


class DataclassAsDict(Transcoding):
    """A frozen dataclass value object stored as a dict of its fields.

    Decoding is pydantic's: the dict is validated against the dataclass's type hints (enums from their
    stored strings, tuples from lists, nested value objects, Decimal, dates), and the dataclass's own
    ``__post_init__`` checks still run. A field added later with a default is filled in for old records."""

    def __init__(self, cls: type, name: str):
        self.type = cls
        self.name = name
        self._fields = [f.name for f in dataclasses.fields(cls)]
        self._adapter: TypeAdapter[Any] = TypeAdapter(cls)

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self._adapter.validate_python(data)


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
    (Residence, "residence"),
    (DisabilityCertificate, "disability_certificate"),
)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register the project's transcodings on an application's transcoder."""
    transcoder.register(DateAsISO())
    transcoder.register(IdNumberAsStr())
    for cls, name in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls, name))
