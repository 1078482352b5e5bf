"""Handlers and steps of the elderly programs: a member's residence registration; the end of a person's
elderly allowance and home-care subsidy at their death; a missed verification's suspension lifted by the
verification itself (docs/rules.md, "The elderly allowance and the home-care subsidy")."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from application import claims
from application.base import CaseworkBase
from application.commands import RecordResidence
from domain.enrolment import FINAL, Enrolment, Status
from domain.household import Household
from domain.rules.programs import ELDERLY
from domain.values import Context, Program

DEATH = "DEATH"
DEATH_TEXT = "本人死亡，终止发放 the beneficiary died"
#: The reason code of a suspension for a missed annual verification (年审/生存认证).
VERIFICATION_MISSED = "VERIFICATION_MISSED"


def record_residence(app: CaseworkBase, cmd: RecordResidence, h: Household, others: list[Aggregate]) -> None:
    h.record_residence(cmd.person_id, cmd.residence, ctx=cmd.meta.context)


def end_at_death(app: CaseworkBase, h: Household, person_id: UUID, ctx: Context, others: list[Aggregate]) -> None:
    """Terminate the dead person's open elderly enrolments from the death (what was paid for the months
    after it is settled as a recovery, 追回, by the next payroll)."""
    for e in list(h.enrolments.values()):
        if e.program not in ELDERLY or person_id not in e.beneficiaries or e.status in FINAL:
            continue
        if e.status not in (Status.APPROVED, Status.ACTIVE, Status.SUSPENDED):
            continue
        on = max(ctx.effective_on, e.last_step.effective_on)
        claims.close_by_rule(app, h, e.enrolment_id, (DEATH, DEATH_TEXT), on, ctx, others)


def resume_for_verification(h: Household, e: Enrolment, ctx: Context) -> None:
    """A suspended elderly allowance is waiting for its verification: the verification (a review) lifts
    the suspension from its date, then the review runs the rules as for any enrolment being paid."""
    if e.program is Program.ELDERLY_ALLOWANCE and e.status_on(ctx.effective_on) is Status.SUSPENDED:
        h.resume(e.enrolment_id, ctx=ctx)
