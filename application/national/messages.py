"""What a province tells the nation about a household: its enrolments' dated periods, and nothing personal.

A household message is the state of one household's enrolments after one of its events — for each
enrolment its program, status and the same dated periods the province's own views hold (status,
monthly amount, beneficiaries in force), so that the national figures are the provinces' figures
by construction. Beneficiaries travel as HMAC-SHA256 of their ID numbers under the *national* key
(the same person has the same hash in every province; the hash cannot be reversed without the
key); names, ID numbers and addresses never leave the province. The household and enrolment ids
are the province's random UUIDs: they let a finding sent back be put on the right desk. A payments
message carries a payroll batch's monthly payments (amount and head count each), from which the
nation counts funds, household-months and person-months as the provinces do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from application.views.periods import Tracked, household_views
from application.views.rows import PeriodRow
from domain.members import Member
from domain.payroll import Payment

VERSION = 1


def person_hash(key: bytes, id_number: str) -> str:
    """The national hash of a person: HMAC-SHA256 of the ID number (upper case) under the national key."""
    return hmac.new(key, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Origin:
    """Where a message comes from: the province, its store, and the notification it reduces."""

    province: str
    store_id: str
    notification_id: int

    @property
    def msg_id(self) -> str:
        """JetStream's de-duplication id: the same notification re-sent is the same message."""
        return f"{self.store_id}:{self.notification_id}"


def household_message(tracked: Tracked, key: bytes, origin: Origin) -> dict[str, Any] | None:
    """The national message for a household's state (None for a household that never applied for anything)."""
    h = tracked.household
    if not h.enrolments:
        return None
    views = household_views(tracked)
    hashes = {pid: person_hash(key, m.id_number.value) for pid, m in _everyone(tracked).items()}
    by_enrolment: dict[str, list[dict[str, Any]]] = {}
    for p in views.periods:
        by_enrolment.setdefault(str(p.enrolment_id), []).append(_period(p, hashes))
    return {
        "v": VERSION,
        "kind": "household",
        "province": origin.province,
        "store": origin.store_id,
        "notification_id": origin.notification_id,
        "household": str(h.id),
        "county": h.division_code[:6],
        "area_type": str(h.area_type),
        "enrolments": [
            {
                "enrolment": str(e.enrolment_id),
                "program": e.program,
                "status": e.status,
                "periods": by_enrolment.get(str(e.enrolment_id), []),
            }
            for e in views.enrolments
        ],
    }


def payments_message(payments: Sequence[Payment], origin: Origin) -> dict[str, Any]:
    """The national message for a batch of monthly payments issued: amounts and head counts, no persons."""
    return {
        "v": VERSION,
        "kind": "payments",
        "province": origin.province,
        "store": origin.store_id,
        "notification_id": origin.notification_id,
        "payments": [
            {
                "household": str(p.household_id),
                "enrolment": str(p.enrolment_id),
                "program": str(p.program),
                "county": p.division_code[:6],
                "month": p.month.isoformat(),
                "amount": str(p.amount),
                "persons": len(p.beneficiaries),
            }
            for p in payments
        ],
    }


def _everyone(tracked: Tracked) -> dict[Any, Member]:
    h = tracked.household
    return {**h.former_members, **h.members}


def _period(p: PeriodRow, hashes: dict[Any, str]) -> dict[str, Any]:
    return {
        "from": p.from_date.isoformat(),
        "to": p.to_date.isoformat() if p.to_date else None,
        "status": p.status,
        "monthly": str(p.monthly_amount),
        "persons": len(p.beneficiaries),
        "beneficiaries": sorted(hashes[b] for b in p.beneficiaries if b in hashes),
    }


def content(message: dict[str, Any]) -> str:
    """The message without its origin: two messages with the same content change nothing nationally."""
    body = {k: v for k, v in message.items() if k not in ("notification_id",)}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, sort_keys=True, separators=(",", ":")).encode()


REQUIRED = {
    "household": {"province", "store", "notification_id", "household", "county", "enrolments"},
    "payments": {"province", "store", "notification_id", "payments"},
}


def decode(data: bytes) -> dict[str, Any]:
    """A national message read back; ValueError for one of another version or shape (json errors are ValueErrors)."""
    message: dict[str, Any] = json.loads(data)
    if not isinstance(message, dict) or message.get("v") != VERSION:
        raise ValueError(f"not a national message of version {VERSION}")
    missing = REQUIRED.get(message.get("kind", ""), {"kind"}) - set(message)
    if missing:
        raise ValueError(f"national message lacks {sorted(missing)}")
    return message
