"""Commands on enrolments: application, township review, county decision, review, suspension,
resumption, termination, adjustments and late corrections.

A mixin of ``Household`` (kept apart to keep modules small); the events are declared on the aggregate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.assessment import Assessment
from domain.enrolment import (
    FINAL,
    PAYABLE,
    Enrolment,
    Entitlement,
    MonthCorrection,
    ReviewOutcome,
    Status,
    TownshipOpinion,
)
from domain.entitlement import Found
from domain.errors import FourEyesViolation, InvalidValue, NotFound, RuleViolation, TransitionForbidden
from domain.rules.programs import ENROLLING, PERSONAL, parse_terms
from domain.values import Actor, Program

if TYPE_CHECKING:
    from domain.household import Household

ZERO = Decimal("0.00")


class EnrolmentCommands:
    def file_application(
        self: Household,
        program: Program,
        beneficiaries: tuple[UUID, ...],
        *,
        terms: dict[str, Any] | None = None,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        self._check_effective(effective_on)
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
            if pid not in self.members:
                raise NotFound(f"beneficiary {pid} is not a member", field=f"beneficiaries[{i}]", rule="member-known")
        for e in self.enrolments.values():
            state = e.status_on(effective_on) or e.status
            if e.program == program and state not in FINAL and set(e.beneficiaries) & set(beneficiaries):
                raise RuleViolation(
                    f"a {program} enrolment {e.enrolment_id} already covers a named beneficiary",
                    field="beneficiaries",
                    rule="enrolment-open",
                )
        enrolment_id = uuid4()
        self.trigger_event(
            self.ApplicationFiled,
            enrolment_id=enrolment_id,
            program=program,
            beneficiaries=tuple(beneficiaries),
            terms=checked_terms,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return enrolment_id

    def withdraw_application(
        self: Household,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        e = self._step(enrolment_id, effective_on, allowed={Status.APPLIED, Status.REVIEWED}, action="withdraw")
        self.trigger_event(
            self.ApplicationWithdrawn,
            enrolment_id=e.enrolment_id,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def record_township_review(
        self: Household,
        enrolment_id: UUID,
        *,
        assessment: Assessment,
        investigated_on: date,
        findings: str,
        opinion: TownshipOpinion,
        notice_days: int,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed={Status.APPLIED}, action="record a township review")
        if investigated_on < e.applied_on or investigated_on > effective_on:
            raise InvalidValue(
                "the investigation falls between the application and the opinion",
                field="investigated_on",
                rule="investigation-date",
            )
        opinion = TownshipOpinion(opinion)
        notice = opinion is TownshipOpinion.APPROVE and notice_days > 0
        decision_id = uuid4()
        self.trigger_event(
            self.TownshipReviewRecorded,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            investigated_on=investigated_on,
            findings=findings,
            opinion=opinion,
            assessment=assessment,
            notice_starts=effective_on if notice else None,
            notice_ends=date.fromordinal(effective_on.toordinal() + notice_days - 1) if notice else None,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def extend_decision_deadline(
        self: Household,
        enrolment_id: UUID,
        *,
        working_days: int,
        deadline_working_days: int,
        effective_on: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> None:
        """Extend the deadline for the county's decision from ``deadline_working_days`` to ``working_days``
        after the application, once, before the decision, for a stated reason."""
        e = self._step(
            enrolment_id, effective_on, allowed={Status.APPLIED, Status.REVIEWED}, action="extend the deadline of"
        )
        if not reason or not reason.strip():
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
        self.trigger_event(
            self.DecisionDeadlineExtended,
            enrolment_id=e.enrolment_id,
            extended_to_working_days=working_days,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def approve(
        self: Household,
        enrolment_id: UUID,
        *,
        benefits_from: date,
        next_review_due: date,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed={Status.REVIEWED}, action="approve")
        review = e.township_review
        assert review is not None
        self._check_four_eyes(e, actor)
        if review.notice_ends is not None and effective_on <= review.notice_ends:
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
        decision_id = uuid4()
        self.trigger_event(
            self.ApplicationApproved,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            assessment_decision_id=review.decision_id,
            monthly_amount=review.assessment.monthly_amount,
            benefits_from=benefits_from,
            next_review_due=next_review_due,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def reject(
        self: Household,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed={Status.REVIEWED}, action="reject")
        self._check_four_eyes(e, actor)
        _check_reason(reason_code, reason)
        decision_id = uuid4()
        self.trigger_event(
            self.ApplicationRejected,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def complete_review(
        self: Household,
        enrolment_id: UUID,
        *,
        assessment: Assessment,
        outcome: ReviewOutcome,
        beneficiaries: tuple[UUID, ...],
        exit_until: date | None,
        next_review_due: date | None,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed=PAYABLE, action="review")
        outcome = ReviewOutcome(outcome)
        if outcome is ReviewOutcome.GRADUAL_EXIT and (exit_until is None or exit_until <= effective_on):
            raise InvalidValue(
                "a gradual exit needs an end after the review", field="exit_until", rule="gradual-exit-end"
            )
        current = e.entitlement_on(effective_on)
        before = current.amount if current is not None and current.eligible else e.monthly_amount
        amount = {
            ReviewOutcome.CONTINUED: before,
            ReviewOutcome.ADJUSTED: assessment.monthly_amount,
            ReviewOutcome.GRADUAL_EXIT: before,
            ReviewOutcome.TERMINATED: ZERO,
        }[outcome]
        decision_id = uuid4()
        self.trigger_event(
            self.ReviewCompleted,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            outcome=outcome,
            assessment=assessment,
            beneficiaries=tuple(beneficiaries),
            monthly_amount=amount,
            exit_until=exit_until,
            next_review_due=next_review_due,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def suspend(
        self: Household,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> None:
        e = self._step(enrolment_id, effective_on, allowed=PAYABLE, action="suspend")
        _check_reason(reason_code, reason)
        self.trigger_event(
            self.BenefitSuspended,
            enrolment_id=e.enrolment_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def resume(
        self: Household,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        e = self._step(enrolment_id, effective_on, allowed={Status.SUSPENDED}, action="resume")
        before = [s.status for s in e.steps if s.status is not Status.SUSPENDED][-1]
        resumed = Status.GRADUAL_EXIT if before is Status.GRADUAL_EXIT else Status.ACTIVE
        self.trigger_event(
            self.BenefitResumed,
            enrolment_id=e.enrolment_id,
            resumed_status=resumed,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def terminate(
        self: Household,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(
            enrolment_id,
            effective_on,
            allowed={Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT},
            action="terminate",
        )
        self._check_four_eyes(e, actor)
        _check_reason(reason_code, reason)
        decision_id = uuid4()
        self.trigger_event(
            self.EnrolmentTerminated,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def close_by_calendar(
        self: Household,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID:
        """Record the termination the calendar has already brought about (ageing out, gradual exit's end)."""
        e = self.enrolment(enrolment_id)
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
        decision_id = uuid4()
        self.trigger_event(
            self.EnrolmentTerminated,
            enrolment_id=enrolment_id,
            decision_id=decision_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def change_entitlement(
        self: Household,
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
        """Record that what is due changed from a month on (``domain.entitlement.reconcile`` finds it)."""
        self.enrolment(enrolment_id)
        new = found.entitlement
        decision_id = uuid4()
        self.trigger_event(
            self.EntitlementChanged,
            enrolment_id=enrolment_id,
            decision_id=decision_id,
            assessment=found.assessment,
            previous_amount=previous.amount if previous is not None and previous.eligible else ZERO,
            monthly_amount=new.amount,
            parts=dict(new.parts),
            beneficiaries=tuple(new.beneficiaries),
            eligible=new.eligible,
            cause=cause,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def correct_payments(
        self: Household,
        enrolment_id: UUID,
        *,
        months: tuple[MonthCorrection, ...],
        assessments: tuple[Assessment, ...],
        monthly_amount: Decimal | None,
        amount_from: date | None,
        effective_on: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> UUID:
        """Record the arrears or overpayments that facts learned late imply for months already paid."""
        self._check_effective(effective_on)
        e = self.enrolment(enrolment_id)
        if not reason or not reason.strip():
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
        decision_id = uuid4()
        self.trigger_event(
            self.PaymentsCorrected,
            enrolment_id=enrolment_id,
            decision_id=decision_id,
            months=tuple(months),
            assessments=tuple(assessments),
            monthly_amount=monthly_amount if going_forward else None,
            amount_from=amount_from,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def settle_payments(
        self: Household,
        enrolment_id: UUID,
        *,
        months: tuple[MonthCorrection, ...],
        assessments: tuple[Assessment, ...] = (),
        amount_from: date,
        effective_on: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> UUID:
        """Record, for months already paid, the difference between what was paid and what is due as
        now known; the payroll of ``amount_from`` carries the lines."""
        e = self.enrolment(enrolment_id)
        if not any(c.difference for c in months):
            raise RuleViolation("nothing to settle", field="months", rule="no-difference")
        decision_id = uuid4()
        self.trigger_event(
            self.PaymentsSettled,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            months=tuple(c for c in months if c.difference),
            assessments=assessments,
            amount_from=amount_from,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def _step(
        self: Household,
        enrolment_id: UUID,
        effective_on: date,
        *,
        allowed: set[Status] | frozenset[Status],
        action: str,
    ) -> Enrolment:
        self._check_effective(effective_on)
        e = self.enrolment(enrolment_id)
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

    @staticmethod
    def _check_four_eyes(e: Enrolment, actor: Actor) -> None:
        recorders = {e.applied_by} | ({e.township_review.recorded_by} if e.township_review else set())
        if actor.user_id in recorders:
            raise FourEyesViolation(
                "the decider may not be the user who recorded the application or the township opinion",
                field="actor",
                rule="four-eyes",
            )


def _check_reason(reason_code: str, reason: str) -> None:
    if not reason_code or not reason_code.strip():
        raise InvalidValue("a reason code is required", field="reason_code", rule="reason-required")
    if not reason or not reason.strip():
        raise InvalidValue("a reason text is required", field="reason", rule="reason-required")
