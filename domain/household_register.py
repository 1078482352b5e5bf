"""The commands of the register of households in difficulty and of the "may qualify" notices.

Plain functions taking the household and a ``Context`` (date, actor, reason, request id), named on
``Household``; each checks its rules, then records one event (``domain.household_register_events``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.errors import InvalidValue, NotFound, RuleViolation
from domain.household_register_events import (
    Notice,
    QualificationNoticeActedOn,
    QualificationNoticeDismissed,
    QualificationNoticeRaised,
    RegisterEntered,
    RegisterLeft,
)
from domain.rules.may_qualify import Candidate
from domain.rules.register import decision_on, enrolled_on
from domain.values import Context, Program

if TYPE_CHECKING:
    from domain.household import Household


def _reason_given(ctx: Context) -> None:
    if not (ctx.reason or "").strip():
        raise InvalidValue("a decision on the register states its reason", field="reason", rule="reason-required")


def enter_register(h: Household, *, ctx: Context) -> None:
    """Enter the household in the register from ``ctx.effective_on`` by a caseworker's decision."""
    h.check_effective(ctx.effective_on)
    _reason_given(ctx)
    current = decision_on(h.register_decisions, ctx.effective_on)
    if current is not None and current.entered:
        raise RuleViolation(
            f"the household is in the register by a decision from {current.effective_on}",
            field="effective_on",
            rule="register-already-entered",
        )
    h.record(RegisterEntered, ctx)


def leave_register(h: Household, *, ctx: Context) -> None:
    """Take the household out of the register from ``ctx.effective_on`` by a caseworker's decision; refused
    while dibao or tekun pays (those households are in the register by law: end the enrolment instead)."""
    h.check_effective(ctx.effective_on)
    _reason_given(ctx)
    for program in (Program.DIBAO, Program.TEKUN):
        if enrolled_on(h, program, ctx.effective_on):
            raise RuleViolation(
                f"a {program} enrolment pays on {ctx.effective_on}: the household is in the register while it does",
                field="effective_on",
                rule="register-by-enrolment",
            )
    current = decision_on(h.register_decisions, ctx.effective_on)
    if current is not None and not current.entered:
        raise RuleViolation(
            f"the household was taken out of the register from {current.effective_on}",
            field="effective_on",
            rule="register-already-left",
        )
    h.record(RegisterLeft, ctx)


def open_notices(h: Household, program: Program | None = None) -> list[Notice]:
    """The notices not yet dismissed or acted on (of one program)."""
    return [n for n in h.notices.values() if n.status == "open" and (program is None or n.program == program)]


def raise_notice(h: Household, found: Candidate, *, trigger: str, ctx: Context) -> UUID:
    """Raise a "may qualify" notice for a program the household appears eligible for from ``ctx.effective_on``."""
    notice_id = uuid4()
    h.record(
        QualificationNoticeRaised,
        ctx,
        notice_id=notice_id,
        program=found.program,
        beneficiaries=found.beneficiaries,
        eligible_from=found.assessment.assessed_on,
        monthly_amount=found.assessment.monthly_amount,
        enrolled_amount=found.enrolled_amount,
        trigger=trigger,
        assessment=found.assessment,
    )
    return notice_id


def notice(h: Household, notice_id: UUID) -> Notice:
    try:
        return h.notices[notice_id]
    except KeyError:
        raise NotFound(f"no notice {notice_id} in this household", field="notice_id", rule="notice-known") from None


def dismiss_notice(h: Household, notice_id: UUID, *, ctx: Context) -> None:
    """A caseworker dismisses an open notice, saying why."""
    found = notice(h, notice_id)
    if found.status != "open":
        raise RuleViolation(f"the notice is {found.status} already", field="notice_id", rule="notice-open")
    if not (ctx.reason or "").strip():
        raise InvalidValue("dismissing a notice states why", field="reason", rule="reason-required")
    h.check_effective(ctx.effective_on)
    h.record(QualificationNoticeDismissed, ctx, notice_id=notice_id)


def act_on_notice(h: Household, notice_id: UUID, enrolment_id: UUID, *, ctx: Context) -> None:
    """An application for the notice's program closes it."""
    if notice(h, notice_id).status == "open":
        h.record(QualificationNoticeActedOn, ctx, notice_id=notice_id, enrolment_id=enrolment_id)
