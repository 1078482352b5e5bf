"""The mapper that gives decoded events their declared types, through pydantic.

The library's ``Mapper`` decrypts a stored record and decodes its JSON with the registered
transcodings (``infrastructure.transcodings``): dates, UUIDs, Decimals and value objects come back as
objects, but a field declared as an enum comes back as the string stored, a tuple as a list, and a
dict declared as a ``TypedDict`` untyped. ``TypedMapper`` then validates each field of the event
against the event class's type hints with a ``pydantic.TypeAdapter`` made once per class and field,
so ``apply`` methods receive what their annotations promise and need not re-cast.

Writing is unchanged: the stored format stays the library's JSON with its ``_type_``/``_data_``
transcodings, so records written before and after this mapper are one format (a release can be rolled
back, and nothing old needs a second reader); see docs/architecture.md, "Persistence and mapping".
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from pydantic import ConfigDict, PydanticUserError, TypeAdapter

#: Fields the library sets itself (already typed), and the types JSON and the transcodings give back as
#: they are (a field of these, or of a union of them, needs no typing).
_LIBRARY_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})
_AS_DECODED: frozenset[Any] = frozenset({str, int, bool, float, type(None), UUID, date, datetime, Decimal, Any})
_CONFIG = ConfigDict(arbitrary_types_allowed=True)


class TypedMapper(Mapper[UUID]):
    """The library's mapper, with each decoded event's fields validated against its annotations."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        state = vars(event)
        for name, adapter in field_adapters(type(event)):
            if name in state:  # an event stored before the field existed keeps it absent (upcasters fill it)
                state[name] = adapter.validate_python(state[name])
        return event


@cache
def field_adapters(cls: type) -> tuple[tuple[str, TypeAdapter[Any]], ...]:
    """One adapter per field of an event class whose declared type JSON does not give back as is."""
    adapters = []
    for name, hint in typing.get_type_hints(cls).items():
        if name in _LIBRARY_FIELDS or typing.get_origin(hint) is typing.ClassVar or _as_decoded(hint):
            continue
        adapters.append((name, _adapter(hint)))
    return tuple(adapters)


def _as_decoded(hint: Any) -> bool:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(_as_decoded(arg) for arg in typing.get_args(hint))
    return hint in _AS_DECODED


def _adapter(hint: Any) -> TypeAdapter[Any]:
    """A dataclass or TypedDict carries its own pydantic config; anything else gets ours."""
    try:
        return TypeAdapter(hint, config=_CONFIG)
    except PydanticUserError:  # pydantic refuses a config for types that carry their own
        return TypeAdapter(hint)
