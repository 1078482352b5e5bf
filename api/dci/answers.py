"""The DCI answers: the callback header, one ``search_response`` item per search, and the beneficiary
records (IBR 1.0.0's Beneficiary: the member's identifier and the programme enrolment), paginated.

What a record holds is the standard's fields and no more: the identifier the client sent, the sex and
birth date that identifier already spells, the relation to the head of household, and for the enrolment
the programme, its state, its dates and the monthly cash benefit. Never a name, an address, an account
or another member.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from api.dci.messages import VERSION, MsgHeader, Pagination
from application.dci import EnrolmentFound
from domain.enrolment import Status
from domain.values import IdNumber, Program

#: The identifier type this registry answers with: the national ID number (居民身份证号码).
ID_TYPE = "NID"
#: The language of the status messages (ISO 639-3, as the standard asks).
LOCALE = "eng"
RECEIVER = "jiuzhu"  # this registry's sender id in its answers
NOT_FOUND = "err.request.not_found: no beneficiary enrolled in a programme this client may see has this identifier"

PROGRAMME_NAMES: dict[Program, str] = {
    Program.DIBAO: "最低生活保障 (minimum living allowance, dibao)",
    Program.TEKUN: "特困人员救助供养 (support for persons in extreme poverty, tekun)",
    Program.ORPHAN: "孤儿基本生活保障 (orphans' basic living allowance)",
    Program.UNSUPPORTED_CHILD: "事实无人抚养儿童基本生活保障 (allowance for de facto unsupported children)",
    Program.TEMPORARY: "临时救助 (temporary assistance)",
}

#: The enrolment status an agency is told, in the standard's words (its example says "Active").
ENROLMENT_STATUS: dict[Status, str] = {
    Status.APPROVED: "Approved",  # decided, benefits start on enrolment_date
    Status.ACTIVE: "Active",
    Status.SUSPENDED: "Suspended",
    Status.GRADUAL_EXIT: "Exiting",  # still paid while the gradual exit lasts
    Status.TERMINATED: "Exited",
}


def header(request: MsgHeader, now: datetime, count: int) -> dict[str, Any]:
    """The callback header (``MsgCallbackHeader``) of an answer to ``request``."""
    return {
        "version": VERSION,
        "message_id": uuid.uuid4().hex,
        "message_ts": now.isoformat(),
        "action": "on-search",
        "status": "succ",
        "total_count": count,
        "completed_count": count,
        "sender_id": RECEIVER,
        "receiver_id": request.sender_id,
        "is_msg_encrypted": False,
    }


def envelope(request: MsgHeader, transaction_id: str, items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    message = {"transaction_id": transaction_id, "correlation_id": uuid.uuid4().hex, "search_response": items}
    return {"header": header(request, now, len(items)), "message": message}


def rejected(reference_id: str, now: datetime, code: str, why: str) -> dict[str, Any]:
    """A search item this registry cannot answer, with the standard's reason code."""
    return {
        "reference_id": reference_id,
        "timestamp": now.isoformat(),
        "status": "rjct",
        "status_reason_code": code,
        "status_reason_message": why[:999],
        "locale": LOCALE,
    }


@dataclass(frozen=True)
class Page:
    size: int
    number: int

    @classmethod
    def of(cls, given: Pagination | None) -> Page:
        return cls(given.page_size, given.page_number) if given is not None else cls(20, 1)


def answered(reference_id: str, now: datetime, records: list[dict[str, Any]], page: Page) -> dict[str, Any]:
    """A search item answered: one page of records; none at all is the not-found answer."""
    start = (page.number - 1) * page.size
    item: dict[str, Any] = {
        "reference_id": reference_id,
        "timestamp": now.isoformat(),
        "status": "succ",
        "data": {"version": VERSION, "reg_records": records[start : start + page.size]},
        "pagination": {"page_size": page.size, "page_number": page.number, "total_count": len(records)},
        "locale": LOCALE,
    }
    if not records:
        item["status_reason_message"] = NOT_FOUND
    return item


def programme(found: EnrolmentFound, on: date) -> dict[str, Any]:
    """The ``programme_identifier`` part of a Beneficiary record: the enrolment and its benefit."""
    return {
        "programme": {"programme_identifier": found.program.value, "programme_name": PROGRAMME_NAMES[found.program]},
        "enrolment_date": found.enrolled_on.isoformat() if found.enrolled_on else "",
        "enrolment_status": ENROLMENT_STATUS[found.status],
        "status_change_date": found.status_changed_on.isoformat(),
        "benefits": {
            "benefit_type": "Cash",
            "benefit_date": on.replace(day=1).isoformat(),
            "benefit_value": f"CNY {found.monthly_amount:.2f}",
            "benefit_frequency": "Monthly",
        },
    }


def beneficiary(id_number: IdNumber, found: EnrolmentFound, on: date) -> dict[str, Any]:
    """One Beneficiary record of a search: the member as the identifier shows them, and one enrolment."""
    identifier = [{"identifier_type": ID_TYPE, "identifier_value": id_number.value}]
    person = {
        "identifier": identifier,
        "sex": "M" if id_number.sex.value == "male" else "F",
        "birth_date": id_number.birth_date.isoformat(),
    }
    return {
        "@type": "Beneficiary",
        "member": {
            "member_identifier": identifier,
            "demographic_info": {"person": person},
            "relationship_head": found.relation.value,
        },
        "programme_identifier": programme(found, on),
    }
