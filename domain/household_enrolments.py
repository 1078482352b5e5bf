"""Commands from an application to the county's decision: filing, withdrawal, the township's
review, the deadline's extension, approval and rejection — with the checks every step shares.

Plain functions: each checks its rules and records one event through ``Household.record``, which
adds the context's date, actor, reason and request id. ``Household`` names them as its commands.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.assessment import Assessment
from domain.enrolment import FINAL, Enrolment, Status, TownshipOpinion
from domain.errors import FourEyesViolation, InvalidValue, NotFound, RuleViolation, TransitionForbidden
from domain.household_enrolment_events import (
    ApplicationApproved,
    ApplicationFiled,
    ApplicationRejected,
    ApplicationWithdrawn,
    DecisionDeadlineExtended,
    TownshipReviewRecorded,
)
from domain.household_events import Event
from domain.rules.programs import ENROLLING, PERSONAL, parse_terms
from domain.values import Actor, Context, Program

if TYPE_CHECKING:
    from domain.household import Household


def file_application(
    h: Household,
    program: Program,
    beneficiaries: tuple[UUID, ...],
    *,
    terms: dict[str, Any] | None = None,
    ctx: Context,
) -> UUID:
    h.check_effective(ctx.effective_on)
    program = Program(program)
    if program not in ENROLLING:
        raise InvalidValue(f"{program} is granted, not applied for", field="program", rule="program-enrols")
    checked_terms = parse_terms(program, terms or {})
    if program in PERSONAL and len(beneficiaries) != 1:
        raise InvalidValue(
            f"a {program} application names exactly one person", field="beneficiaries", rule="one-beneficiary"
        )
    if not beneficiaries:
        raise InvalidValue("name at least one beneficiary", field="beneficiaries", rule="beneficiaries-required")
    if len(set(beneficiaries)) != len(beneficiaries):
        raise InvalidValue("a beneficiary is named twice", field="beneficiaries", rule="beneficiary-duplicate")
    for i, pid in enumerate(beneficiaries):
        if pid not in h.members:
            raise NotFound(f"beneficiary {pid} is not a member", field=f"beneficiaries[{i}]", rule="member-known")
    for e in h.enrolments.values():
        state = e.status_on(ctx.effective_on) or e.status
        if e.program == program and state not in FINAL and set(e.beneficiaries) & set(beneficiaries):
            raise RuleViolation(
                f"a {program} enrolment {e.enrolment_id} already covers a named beneficiary",
                field="beneficiaries",
                rule="enrolment-open",
            )
    enrolment_id = uuid4()
    h.record(
        ApplicationFiled,
        ctx,
        enrolment_id=enrolment_id,
        program=program,
        beneficiaries=tuple(beneficiaries),
        terms=checked_terms,
    )
    return enrolment_id


def withdraw_application(h: Household, enrolment_id: UUID, *, ctx: Context) -> None:
    e = step(h, enrolment_id, ctx.effective_on, allowed={Status.APPLIED, Status.REVIEWED}, action="withdraw")
    h.record(ApplicationWithdrawn, ctx, enrolment_id=e.enrolment_id)


def record_township_review(
    h: Household,
    enrolment_id: UUID,
    *,
    assessment: Assessment,
    investigated_on: date,
    findings: str,
    opinion: TownshipOpinion,
    notice_days: int,
    ctx: Context,
) -> UUID:
    e = step(h, enrolment_id, ctx.effective_on, allowed={Status.APPLIED}, action="record a township review")
    if investigated_on < e.applied_on or investigated_on > ctx.effective_on:
        raise InvalidValue(
            "the investigation falls between the application and the opinion",
            field="investigated_on",
            rule="investigation-date",
        )
    opinion = TownshipOpinion(opinion)
    notice = opinion is TownshipOpinion.APPROVE and notice_days > 0
    return decide(
        h,
        TownshipReviewRecorded,
        ctx,
        e.enrolment_id,
        investigated_on=investigated_on,
        findings=findings,
        opinion=opinion,
        assessment=assessment,
        notice_starts=ctx.effective_on if notice else None,
        notice_ends=date.fromordinal(ctx.effective_on.toordinal() + notice_days - 1) if notice else None,
    )


def extend_decision_deadline(
    h: Household, enrolment_id: UUID, *, working_days: int, deadline_working_days: int, ctx: Context
) -> None:
    """Extend the deadline for the county's decision from ``deadline_working_days`` to ``working_days``
    after the application, once, before the decision, for a stated reason."""
    e = step(
        h, enrolment_id, ctx.effective_on, allowed={Status.APPLIED, Status.REVIEWED}, action="extend the deadline of"
    )
    if not ctx.reason or not ctx.reason.strip():
        raise InvalidValue("a reason for the extension is required", field="reason", rule="reason-required")
    if e.deadline_working_days is not None:
        raise RuleViolation(
            f"the decision deadline was already extended to {e.deadline_working_days} working days",
            field="enrolment_id",
            rule="deadline-extended-once",
        )
    if working_days <= deadline_working_days:
        raise RuleViolation(
            f"an extension to {working_days} working days does not extend {deadline_working_days}",
            field="working_days",
            rule="deadline-extension-longer",
        )
    h.record(DecisionDeadlineExtended, ctx, enrolment_id=e.enrolment_id, extended_to_working_days=working_days)


def approve(h: Household, enrolment_id: UUID, *, benefits_from: date, next_review_due: date, ctx: Context) -> UUID:
    e = step(h, enrolment_id, ctx.effective_on, allowed={Status.REVIEWED}, action="approve")
    review = e.township_review
    assert review is not None
    check_four_eyes(e, ctx.actor)
    if review.notice_ends is not None and ctx.effective_on <= review.notice_ends:
        raise RuleViolation(
            f"the public notice runs until {review.notice_ends}; approve after it ends",
            field="effective_on",
            rule="notice-not-ended",
        )
    if not review.assessment.eligible:
        raise RuleViolation(
            "the township assessment found the application not eligible",
            field="enrolment_id",
            rule="assessment-not-eligible",
        )
    return decide(
        h,
        ApplicationApproved,
        ctx,
        e.enrolment_id,
        assessment_decision_id=review.decision_id,
        monthly_amount=review.assessment.monthly_amount,
        benefits_from=benefits_from,
        next_review_due=next_review_due,
    )


def reject(h: Household, enrolment_id: UUID, *, reason_code: str, ctx: Context) -> UUID:
    return decide_for_reason(h, enrolment_id, ApplicationRejected, {Status.REVIEWED}, "reject", reason_code, ctx)


def decide_for_reason(
    h: Household,
    enrolment_id: UUID,
    event_class: type[Event],
    allowed: set[Status],
    action: str,
    reason_code: str,
    ctx: Context,
) -> UUID:
    """A decision that ends an application or an enrolment for a stated reason (a rejection, a termination):
    allowed from ``allowed`` only, by someone other than who filed or reviewed it, with a reason code and text."""
    e = step(h, enrolment_id, ctx.effective_on, allowed=allowed, action=action)
    check_four_eyes(e, ctx.actor)
    check_reason(reason_code, ctx.reason)
    return decide(h, event_class, ctx, e.enrolment_id, reason_code=reason_code)


def decide(h: Household, event_class: type[Event], ctx: Context, enrolment_id: UUID, **fields: Any) -> UUID:
    """Record a decision on an enrolment under a new decision id and return the id: every decision is
    named, so a later step, a payroll line or an auditor can cite the one it stood on."""
    decision_id = uuid4()
    h.record(event_class, ctx, enrolment_id=enrolment_id, decision_id=decision_id, **fields)
    return decision_id


def step(
    h: Household,
    enrolment_id: UUID,
    effective_on: date,
    *,
    allowed: set[Status] | frozenset[Status],
    action: str,
) -> Enrolment:
    """The enrolment, if the step dated ``effective_on`` may follow its last step from one of ``allowed``."""
    h.check_effective(effective_on)
    e = h.enrolment(enrolment_id)
    if effective_on < e.last_step.effective_on:
        raise InvalidValue(
            f"effective date {effective_on} is before the enrolment's last step on {e.last_step.effective_on}",
            field="effective_on",
            rule="effective-before-last-step",
        )
    status = e.status_on(effective_on)
    if status not in allowed:
        raise TransitionForbidden(
            f"cannot {action} an enrolment that is {status} on {effective_on}",
            field="enrolment_id",
            rule=f"transition-from-{status}",
        )
    return e


def check_four_eyes(e: Enrolment, actor: Actor) -> None:
    """The decider is not who recorded the application or the township opinion (four eyes)."""
    recorders = {e.applied_by} | ({e.township_review.recorded_by} if e.township_review else set())
    if actor.user_id in recorders:
        raise FourEyesViolation(
            "the decider may not be the user who recorded the application or the township opinion",
            field="actor",
            rule="four-eyes",
        )


def check_reason(reason_code: str, reason: str | None) -> None:
    """A decision that ends or pauses payments states a reason code and a reason text."""
    if not reason_code or not reason_code.strip():
        raise InvalidValue("a reason code is required", field="reason_code", rule="reason-required")
    if not reason or not reason.strip():
        raise InvalidValue("a reason text is required", field="reason", rule="reason-required")
