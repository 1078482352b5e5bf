"""JSON-ready copies of stored values, as the auditor shows events and decisions (``application.audit``).

Every event carries the same base fields (who, when, why, which request); ``BASE_FIELDS`` names them
so an answer can show each event's own fields apart. ID numbers are shown masked.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.values import IdNumber

BASE_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "effective_on",
    "actor",
    "reason",
    "request_id",
}


def plain(value: Any) -> Any:
    """A JSON-ready copy of a stored value; ID numbers are masked."""
    if isinstance(value, IdNumber):
        return value.masked()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value
