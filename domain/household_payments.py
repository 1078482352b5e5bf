"""Commands on an enrolment being paid: periodic review, suspension, resumption, termination (by a
decision or by the calendar), and what is due and paid — a changed entitlement, a late correction,
a settlement of months already paid.

Plain functions, like ``domain.household_enrolments``; ``Household`` names them as its commands.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.assessment import Assessment
from domain.enrolment import FINAL, PAYABLE, Entitlement, MonthCorrection, ReviewOutcome, Status
from domain.entitlement import Found
from domain.errors import InvalidValue, RuleViolation, TransitionForbidden
from domain.household_enrolment_events import ReviewCompleted
from domain.household_enrolments import check_reason, decide, decide_for_reason, step
from domain.household_payment_events import (
    BenefitResumed,
    BenefitSuspended,
    EnrolmentTerminated,
    EntitlementChanged,
    PaymentsCorrected,
    PaymentsSettled,
)
from domain.values import ZERO, Actor, Context

if TYPE_CHECKING:
    from domain.household import Household


def complete_review(
    h: Household,
    enrolment_id: UUID,
    *,
    assessment: Assessment,
    outcome: ReviewOutcome,
    beneficiaries: tuple[UUID, ...],
    exit_until: date | None,
    next_review_due: date | None,
    ctx: Context,
) -> UUID:
    e = step(h, enrolment_id, ctx.effective_on, allowed=PAYABLE, action="review")
    outcome = ReviewOutcome(outcome)
    if outcome is ReviewOutcome.GRADUAL_EXIT and (exit_until is None or exit_until <= ctx.effective_on):
        raise InvalidValue("a gradual exit needs an end after the review", field="exit_until", rule="gradual-exit-end")
    current = e.entitlement_on(ctx.effective_on)
    before = current.amount if current is not None and current.eligible else e.monthly_amount
    amount = {
        ReviewOutcome.CONTINUED: before,
        ReviewOutcome.ADJUSTED: assessment.monthly_amount,
        ReviewOutcome.GRADUAL_EXIT: before,
        ReviewOutcome.TERMINATED: ZERO,
    }[outcome]
    return decide(
        h,
        ReviewCompleted,
        ctx,
        e.enrolment_id,
        outcome=outcome,
        assessment=assessment,
        beneficiaries=tuple(beneficiaries),
        monthly_amount=amount,
        exit_until=exit_until,
        next_review_due=next_review_due,
    )


def suspend(h: Household, enrolment_id: UUID, *, reason_code: str, ctx: Context) -> None:
    e = step(h, enrolment_id, ctx.effective_on, allowed=PAYABLE, action="suspend")
    check_reason(reason_code, ctx.reason)
    h.record(BenefitSuspended, ctx, enrolment_id=e.enrolment_id, reason_code=reason_code)


def resume(h: Household, enrolment_id: UUID, *, ctx: Context) -> None:
    e = step(h, enrolment_id, ctx.effective_on, allowed={Status.SUSPENDED}, action="resume")
    before = [s.status for s in e.steps if s.status is not Status.SUSPENDED][-1]
    resumed = Status.GRADUAL_EXIT if before is Status.GRADUAL_EXIT else Status.ACTIVE
    h.record(BenefitResumed, ctx, enrolment_id=e.enrolment_id, resumed_status=resumed)


#: An enrolment may be terminated once approved and until it has ended.
TERMINABLE = {Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT}


def terminate(h: Household, enrolment_id: UUID, *, reason_code: str, ctx: Context) -> UUID:
    return decide_for_reason(h, enrolment_id, EnrolmentTerminated, TERMINABLE, "terminate", reason_code, ctx)


def close_by_calendar(
    h: Household,
    enrolment_id: UUID,
    *,
    reason_code: str,
    reason: str,
    effective_on: date,
    actor: Actor,
    request_id: str | None = None,
) -> UUID:
    """Record the termination the calendar has already brought about (ageing out, gradual exit's end).
    Keyword arguments, not a ``Context``: the calendar job calls it with its own date and actor."""
    e = h.enrolment(enrolment_id)
    if e.status in FINAL:
        raise TransitionForbidden(
            f"the enrolment is already {e.status}", field="enrolment_id", rule=f"transition-from-{e.status}"
        )
    if effective_on < e.last_step.effective_on:
        raise InvalidValue(
            "the calendar's date is before the enrolment's last step",
            field="effective_on",
            rule="effective-before-last-step",
        )
    return decide(
        h,
        EnrolmentTerminated,
        Context(effective_on, actor, reason, request_id),
        enrolment_id,
        reason_code=reason_code,
    )


def change_entitlement(
    h: Household,
    enrolment_id: UUID,
    *,
    found: Found,
    previous: Entitlement | None,
    cause: str,
    reason: str,
    effective_on: date,
    actor: Actor,
    request_id: str | None = None,
) -> UUID:
    """Record that what is due changed from a month on (``domain.entitlement.reconcile`` finds it and
    passes the month, the trigger's actor and request id as keywords)."""
    h.enrolment(enrolment_id)
    new = found.entitlement
    return decide(
        h,
        EntitlementChanged,
        Context(effective_on, actor, reason, request_id),
        enrolment_id,
        assessment=found.assessment,
        previous_amount=previous.amount if previous is not None and previous.eligible else ZERO,
        monthly_amount=new.amount,
        parts=dict(new.parts),
        beneficiaries=tuple(new.beneficiaries),
        eligible=new.eligible,
        cause=cause,
    )


def correct_payments(
    h: Household,
    enrolment_id: UUID,
    *,
    months: tuple[MonthCorrection, ...],
    assessments: tuple[Assessment, ...],
    monthly_amount: Decimal | None,
    amount_from: date | None,
    ctx: Context,
) -> UUID:
    """Record the arrears or overpayments that facts learned late imply for months already paid."""
    h.check_effective(ctx.effective_on)
    e = h.enrolment(enrolment_id)
    if not ctx.reason or not ctx.reason.strip():
        raise InvalidValue("a correction states its reason", field="reason", rule="reason-required")
    current = e.entitlement_on(amount_from) if amount_from is not None else None
    going_forward = monthly_amount is not None and (current is None or monthly_amount != current.amount)
    ineligible = bool(assessments) and not assessments[-1].eligible
    if not any(c.difference for c in months) and not going_forward and not ineligible:
        raise RuleViolation(
            "the facts as now known give the same amounts as were paid: nothing to correct",
            field="effective_on",
            rule="no-difference",
        )
    return decide(
        h,
        PaymentsCorrected,
        ctx,
        enrolment_id,
        months=tuple(months),
        assessments=tuple(assessments),
        monthly_amount=monthly_amount if going_forward else None,
        amount_from=amount_from,
    )


def settle_payments(
    h: Household,
    enrolment_id: UUID,
    *,
    months: tuple[MonthCorrection, ...],
    assessments: tuple[Assessment, ...] = (),
    amount_from: date,
    ctx: Context,
) -> UUID:
    """Record, for months already paid, the difference between what was paid and what is due as
    now known; the payroll of ``amount_from`` carries the lines."""
    e = h.enrolment(enrolment_id)
    if not any(c.difference for c in months):
        raise RuleViolation("nothing to settle", field="months", rule="no-difference")
    return decide(
        h,
        PaymentsSettled,
        ctx,
        e.enrolment_id,
        months=tuple(c for c in months if c.difference),
        assessments=assessments,
        amount_from=amount_from,
    )
