"""Handlers of the writes on enrolments: apply, township review, county decision, review, suspension,
resumption, termination. Each receives the household ``Casework.handle`` loaded and checked; the rules
run on the facts in effect on the command's date, whenever they were recorded."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from application import claims, disability, elderly
from application.base import CaseworkBase
from application.commands import (
    Approve,
    FileApplication,
    RecordTownshipReview,
    Reject,
    Resume,
    Review,
    Suspend,
    Terminate,
    Withdraw,
)
from domain.enrolment import ReviewOutcome
from domain.facts import facts_on
from domain.household import Household
from domain.person_index import PersonIndex
from domain.policy import ParameterSnapshot
from domain.rules import programs, schedule
from domain.rules.dibao import counted
from domain.rules.review import review_outcome
from domain.values import Actor, Context, Program, first_of_next_month


def file_application(app: CaseworkBase, cmd: FileApplication, h: Household, others: list[Aggregate]) -> UUID:
    on, ctx = cmd.meta.effective_on, cmd.meta.context
    eid = h.file_application(cmd.program, cmd.beneficiaries, terms=cmd.terms, ctx=ctx)
    programs.precheck(h, Program(cmd.program), cmd.beneficiaries, on, app.policy().snapshot(h.division_code, on))
    claims.claim(app, h, eid, ctx, others)
    return eid


def withdraw(app: CaseworkBase, cmd: Withdraw, h: Household, others: list[Aggregate]) -> None:
    h.withdraw_application(cmd.enrolment_id, ctx=cmd.meta.context)
    claims.release(app, h, cmd.enrolment_id, cmd.meta.context, others)


def record_township_review(app: CaseworkBase, cmd: RecordTownshipReview, h: Household, others: list[Aggregate]) -> UUID:
    app.check_date(cmd.investigated_on, "investigated_on")
    on, e = cmd.meta.effective_on, h.enrolment(cmd.enrolment_id)
    params = app.policy().snapshot(h.division_code, on)
    facts = facts_on(h, on)  # the facts in effect on the opinion's date, whenever recorded
    assessment = programs.assess(facts, e.program, e.beneficiaries, e.terms, on, params, enrolment_id=cmd.enrolment_id)
    return h.record_township_review(
        cmd.enrolment_id,
        assessment=assessment,
        investigated_on=cmd.investigated_on,
        findings=cmd.findings,
        opinion=cmd.opinion,
        notice_days=params.count("dibao.public_notice_days") if e.program in programs.NOTICED else 0,
        ctx=cmd.meta.context,
    )


def approve(app: CaseworkBase, cmd: Approve, h: Household, others: list[Aggregate]) -> UUID:
    on, e = cmd.meta.effective_on, h.enrolment(cmd.enrolment_id)
    params = app.policy().snapshot(h.division_code, on)
    starts = schedule.benefits_start(on, params)
    return h.approve(
        cmd.enrolment_id,
        benefits_from=starts,
        next_review_due=next_review(h, e.program, e.beneficiaries, starts, params),
        ctx=cmd.meta.context,
    )


def reject(app: CaseworkBase, cmd: Reject, h: Household, others: list[Aggregate]) -> UUID:
    did = h.reject(cmd.enrolment_id, reason_code=cmd.reason_code, ctx=cmd.meta.context)
    claims.release(app, h, cmd.enrolment_id, cmd.meta.context, others)
    return did


def review(app: CaseworkBase, cmd: Review, h: Household, others: list[Aggregate]) -> UUID:
    """Re-run the rules on the facts of the review's date and decide: continue, adjust, exit or end."""
    on, e = cmd.meta.effective_on, h.enrolment(cmd.enrolment_id)
    elderly.resume_for_verification(h, e, cmd.meta.context)
    params = app.policy().snapshot(h.division_code, on)
    previous = e.last_assessment
    facts = facts_on(h, on)  # the facts in effect on the review's date, whenever recorded
    if e.program is Program.DIBAO and previous is not None and not previous.individual:
        adult = params.count_in_force("person.adult_age")
        covered = tuple(m.person_id for m in facts.members.values() if counted(m, on, adult)[0])
    else:
        covered = tuple(p for p in e.beneficiaries if p in facts.members)
    beneficiaries = covered or e.beneficiaries
    assessment = programs.assess(facts, e.program, beneficiaries, e.terms, on, params, enrolment_id=cmd.enrolment_id)
    current = e.entitlement_on(on)
    paying = current.amount if current is not None and current.eligible else e.monthly_amount
    outcome = review_outcome(paying, previous, assessment)
    if outcome is ReviewOutcome.GRADUAL_EXIT and e.program is not Program.DIBAO:
        outcome = ReviewOutcome.TERMINATED  # gradual exit is a dibao measure (docs/rules.md)
    continuing = outcome in (ReviewOutcome.CONTINUED, ReviewOutcome.ADJUSTED)
    exiting = outcome is ReviewOutcome.GRADUAL_EXIT
    did = h.complete_review(
        cmd.enrolment_id,
        assessment=assessment,
        outcome=outcome,
        beneficiaries=covered,
        exit_until=schedule.gradual_exit_until(on, params) if exiting else None,
        next_review_due=next_review(h, e.program, covered, on, params) if continuing else None,
        ctx=cmd.meta.context,
    )
    if outcome is ReviewOutcome.TERMINATED:
        claims.release(app, h, cmd.enrolment_id, cmd.meta.context, others)
        disability.when_dibao_ends(app, h, cmd.enrolment_id, cmd.meta.context, others)
    return did


def suspend(app: CaseworkBase, cmd: Suspend, h: Household, others: list[Aggregate]) -> None:
    h.suspend(cmd.enrolment_id, reason_code=cmd.reason_code, ctx=cmd.meta.context)


def resume(app: CaseworkBase, cmd: Resume, h: Household, others: list[Aggregate]) -> None:
    h.resume(cmd.enrolment_id, ctx=cmd.meta.context)


def terminate(app: CaseworkBase, cmd: Terminate, h: Household, others: list[Aggregate]) -> UUID:
    did = h.terminate(cmd.enrolment_id, reason_code=cmd.reason_code, ctx=cmd.meta.context)
    claims.release(app, h, cmd.enrolment_id, cmd.meta.context, others)
    disability.when_dibao_ends(app, h, cmd.enrolment_id, cmd.meta.context, others)
    return did


# ------------------------------------------------------------------------------------- rules


def next_review(
    h: Household, program: Program, beneficiaries: tuple[UUID, ...], start: date, params: ParameterSnapshot
) -> date:
    """When the enrolment is next reviewed: the program's interval, or dibao's by the people covered."""
    key = programs.review_interval_key(program)
    if key is None:
        covered = tuple(h.members[p] for p in beneficiaries if p in h.members)
        return schedule.next_review_due(start, covered, params)
    return disability.review_cap(h, program, beneficiaries, first_of_next_month(start, params.count(key)))


class EnrolmentCommands(CaseworkBase):
    """The base ``application.jobs.Jobs`` extends (that module belongs to the calendar job): the
    person index and the release of an ended enrolment's claims, with the job's arguments."""

    def person_index(self, index_id: UUID) -> PersonIndex:
        return claims.person_index(self, index_id)

    def _release(
        self, h: Household, enrolment_id: UUID, on: date, actor: Actor, request_id: str | None, others: list[Aggregate]
    ) -> None:
        claims.release(self, h, enrolment_id, Context(on, actor, None, request_id), others)
