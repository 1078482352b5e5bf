"""The disability subsidies' own writes and consequences: recording a member's certificate, and ending
the living subsidies of a household whose dibao ended (docs/rules.md, "The disability subsidies")."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from application import claims
from application.base import CaseworkBase
from application.commands import RecordDisabilityCertificate
from domain.enrolment import FINAL, Status
from domain.errors import RuleViolation
from domain.household import Household
from domain.rules import programs
from domain.values import Context, Program

#: The reason code of a living subsidy ended because the household's dibao ended.
DIBAO_ENDED = "DIBAO_ENDED"
#: Enrolments already decided: an application still waiting is refused at its review instead.
DECIDED = frozenset({Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT})


def record_certificate(
    app: CaseworkBase, cmd: RecordDisabilityCertificate, h: Household, others: list[Aggregate]
) -> None:
    app.check_date(cmd.certificate.issued_on, "issued_on")
    h.record_disability_certificate(cmd.person_id, cmd.certificate, ctx=cmd.meta.context)


def end_with_dibao(
    app: CaseworkBase, h: Household, ctx: Context, others: list[Aggregate], *, ends: date | None = None
) -> list[UUID]:
    """After a dibao enrolment's termination decided on ``ctx.effective_on`` (in effect from ``ends``, the
    next month's first day): terminate the same way, with the reason, every decided living subsidy of the
    household whose rules no longer find it eligible once the dibao has ended (no other dibao of the
    household stands, no margin rule reaches it); release their claims."""
    on = ends or ctx.effective_on
    ended: list[UUID] = []
    for e in list(h.enrolments.values()):
        if e.program is not Program.DISABILITY_LIVING or e.status in FINAL or e.status_on(on) not in DECIDED:
            continue
        if still_eligible(app, h, e.enrolment_id, on):
            continue
        when = max(ctx.effective_on, e.last_step.effective_on)
        text = f"家庭退出低保，困难残疾人生活补贴随之终止 the household's dibao ends from {on}" + (
            f": {ctx.reason}" if ctx.reason else ""
        )
        ended.append(claims.close_by_rule(app, h, e.enrolment_id, (DIBAO_ENDED, text), when, ctx, others))
    return ended


def still_eligible(app: CaseworkBase, h: Household, enrolment_id: UUID, on: date) -> bool:
    """Whether the rules still find the living subsidy eligible on the day (a rule that cannot run — a
    parameter missing — does not keep it open once the dibao has ended)."""
    e = h.enrolment(enrolment_id)
    try:
        params = app.policy().snapshot(h.division_code, on)
        return programs.assess(h, e.program, e.beneficiaries, e.terms, on, params).eligible
    except RuleViolation:
        return False


def when_dibao_ends(
    app: CaseworkBase, h: Household, enrolment_id: UUID, ctx: Context, others: list[Aggregate]
) -> list[UUID]:
    """``end_with_dibao`` if the enrolment is a dibao enrolment that has just ended."""
    e = h.enrolment(enrolment_id)
    if e.program is not Program.DIBAO or e.status is not Status.TERMINATED:
        return []
    return end_with_dibao(app, h, ctx, others, ends=e.last_step.effective_on)


def review_cap(h: Household, program: Program, beneficiaries: tuple[UUID, ...], due: date) -> date:
    """The next review of a disability subsidy falls no later than the day the certificate lapses: its
    expiry is a review item on the worklist (docs/rules.md)."""
    if program not in programs.DISABILITY or not beneficiaries:
        return due
    certificate = h.certificate_on(beneficiaries[0], date.max)
    if certificate is None:
        return due
    return min(due, certificate.valid_until)
