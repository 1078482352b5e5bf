"""Who counts in the household (共同生活家庭成员), 《最低生活保障审核确认办法》(民发〔2021〕57号)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.assessment import Finding
from domain.members import Absence, LabourCapacity, Member, Relation, SchoolStatus
from domain.policy import STATUTORY_DEFAULTS
from domain.rules.dibao.codes import (
    COUNT_TEXT,
    COUNTED_CHILD_FULL_TIME_STUDENT,
    COUNTED_CHILD_NO_LABOUR_CAPACITY,
    COUNTED_HEAD_OR_SPOUSE,
    COUNTED_MEMBERS,
    COUNTED_MINOR_CHILD,
    COUNTED_SUPPORT_DUTY,
    MEMBER_ABSENT_MISSING,
    MEMBER_ABSENT_PRISON,
    MEMBER_ABSENT_REHABILITATION,
    NO_SUPPORT_RELATION,
    NOT_RESIDENT,
    reason,
)
from domain.rules.dibao.facts import DibaoFacts

_ABSENCE_CODES: dict[Absence, str] = {
    Absence.PRISON: MEMBER_ABSENT_PRISON,
    Absence.COMPULSORY_REHABILITATION: MEMBER_ABSENT_REHABILITATION,
    Absence.DECLARED_MISSING: MEMBER_ABSENT_MISSING,
}

#: Member status: person → (counted, the code saying why).
Status = dict[UUID, tuple[bool, str]]


def counted(member: Member, on: date, adult_age: int = STATUTORY_DEFAULTS["person.adult_age"]) -> tuple[bool, str]:
    """Whether the member counts in the household on ``on``, and why. A child counts as a minor until
    ``adult_age`` (the parameter ``person.adult_age``; the statutory 18 where none is given)."""
    if member.absence is not None:
        return False, _ABSENCE_CODES[Absence(member.absence)]
    if not member.resident:
        return False, NOT_RESIDENT
    if member.relation in (Relation.HEAD, Relation.SPOUSE):
        return True, COUNTED_HEAD_OR_SPOUSE
    if member.relation == Relation.CHILD:
        if member.age_on(on) < adult_age:
            return True, COUNTED_MINOR_CHILD
        if member.labour_capacity == LabourCapacity.NONE:
            return True, COUNTED_CHILD_NO_LABOUR_CAPACITY
        if member.school_status == SchoolStatus.FULL_TIME:
            return True, COUNTED_CHILD_FULL_TIME_STUDENT
    if member.support_duty:
        return True, COUNTED_SUPPORT_DUTY
    return False, NO_SUPPORT_RELATION


def member_status(facts: DibaoFacts, adult_age: int) -> Status:
    """Every member's status on the assessment date."""
    return {m.person_id: counted(m, facts.on, adult_age) for m in facts.members}


def counted_members(facts: DibaoFacts, status: Status) -> Finding[frozenset[UUID]]:
    """The counted members; a reason for each member not counted, and the count."""
    reasons = [
        reason(code, f"member {m.person_id} is not counted: {COUNT_TEXT[code]}")
        for m in facts.members
        for ok, code in (status[m.person_id],)
        if not ok
    ]
    ids = frozenset(pid for pid, (ok, _) in status.items() if ok)
    reasons.append(reason(COUNTED_MEMBERS, f"{len(ids)} of {len(facts.members)} members are counted in the household"))
    return Finding(ids, tuple(reasons))
