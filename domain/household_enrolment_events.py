"""The events of an enrolment's life up to and including its reviews: application, township review,
county decision, deadline, periodic review, and migration from a bureau's existing roll (suspension,
resumption and termination are payment events: ``domain.household_payment_events``).

Declared apart from ``Household`` to keep modules small; their stored topics are unchanged
(``domain.household:Household.<Name>``, see ``domain.household_events.Event``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from domain.assessment import Assessment
from domain.enrolment import (
    Enrolment,
    Entitlement,
    ReviewOutcome,
    Status,
    Step,
    TownshipOpinion,
    TownshipReview,
    parts_of,
)
from domain.household_events import Event
from domain.values import ZERO, Program, first_of_next_month

if TYPE_CHECKING:
    from domain.household import Household


class Decision(Protocol):
    """A decision event: it names the enrolment it is about and the id later events cite it by."""

    @property
    def enrolment_id(self) -> UUID: ...

    @property
    def decision_id(self) -> UUID: ...


def decided(aggregate: Household, event: Decision) -> Enrolment:
    """The enrolment a decision is about, with the decision kept under its event's name: how a later
    step or an auditor tells which decision an amount or a status stood on."""
    e = aggregate.enrolments[event.enrolment_id]
    e.decisions[event.decision_id] = type(event).__name__
    return e


class Opening(Protocol):
    """An event that opens an enrolment: for a program and beneficiaries, from its date on."""

    @property
    def enrolment_id(self) -> UUID: ...

    @property
    def program(self) -> Program: ...

    @property
    def beneficiaries(self) -> tuple[UUID, ...]: ...

    @property
    def effective_on(self) -> date: ...


def opened(aggregate: Household, event: Opening, applied_by: str, **more: Any) -> Enrolment:
    """The household's new enrolment as an application or a roll import opens it (``more``: what the
    opening event knows beyond the application, such as the migrated roll's dates)."""
    enrolment = Enrolment(
        enrolment_id=event.enrolment_id,
        program=event.program,
        beneficiaries=event.beneficiaries,
        applied_on=event.effective_on,
        applied_by=applied_by,
        **more,
    )
    aggregate.enrolments[event.enrolment_id] = enrolment
    return enrolment


class ApplicationFiled(Event):
    """An application for a program was filed for the named beneficiaries."""

    enrolment_id: UUID
    program: Program
    beneficiaries: tuple[UUID, ...]
    terms: dict[str, Any]

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 (dibao only) had no program-specific ``terms``."""
        state["terms"] = {}

    def apply(self, aggregate: Household) -> None:
        enrolment = opened(aggregate, self, self.actor.user_id, terms=dict(self.terms))
        enrolment.steps.append(Step(self.effective_on, Status.APPLIED, ZERO))


class ApplicationWithdrawn(Event):
    """The applicant withdrew the application before a decision."""

    enrolment_id: UUID

    def apply(self, aggregate: Household) -> None:
        e = aggregate.enrolments[self.enrolment_id]
        e.steps.append(Step(self.effective_on, Status.WITHDRAWN, ZERO))


class TownshipReviewRecorded(Event):
    """The township recorded its investigation and opinion; the rules ran; a notice started."""

    enrolment_id: UUID
    decision_id: UUID
    investigated_on: date
    findings: str
    opinion: TownshipOpinion
    assessment: Assessment
    notice_starts: date | None
    notice_ends: date | None

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        e.township_review = self.state(TownshipReview, recorded_by=self.actor.user_id)
        e.last_assessment = self.assessment
        e.steps.append(Step(self.effective_on, Status.REVIEWED, ZERO, self.decision_id))
        # what the county would pay from the next month if it approved now
        if self.assessment.eligible and e.township_review.opinion is TownshipOpinion.APPROVE:
            e.record_entitlement(
                Entitlement(
                    first_of_next_month(self.effective_on),
                    self.assessment.monthly_amount,
                    tuple(e.beneficiaries),
                    parts_of(self.assessment),
                    True,
                    self.decision_id,
                )
            )


class ApplicationApproved(Event):
    """The county approved the application at the amount the township assessment found."""

    enrolment_id: UUID
    decision_id: UUID
    assessment_decision_id: UUID
    monthly_amount: Decimal
    benefits_from: date
    next_review_due: date

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        e.benefits_from = self.benefits_from
        e.next_review_due = self.next_review_due
        e.steps.append(Step(self.effective_on, Status.APPROVED, self.monthly_amount, self.decision_id))
        assessment = e.township_review.assessment if e.township_review else None
        e.record_entitlement(
            Entitlement(
                self.benefits_from,
                self.monthly_amount,
                tuple(e.beneficiaries),
                parts_of(assessment),
                True,
                self.decision_id,
            )
        )


class DecisionDeadlineExtended(Event):
    """In a special case the decision deadline was extended to this many working days after the
    application (the reason says why)."""

    enrolment_id: UUID
    extended_to_working_days: int

    def apply(self, aggregate: Household) -> None:
        aggregate.enrolments[self.enrolment_id].deadline_working_days = self.extended_to_working_days


class ApplicationRejected(Event):
    """The county rejected the application, with a reason code and text."""

    enrolment_id: UUID
    decision_id: UUID
    reason_code: str

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        e.steps.append(Step(self.effective_on, Status.REJECTED, ZERO, self.decision_id))


class ReviewCompleted(Event):
    """A periodic review re-ran the rules on current facts and decided the outcome."""

    enrolment_id: UUID
    decision_id: UUID
    outcome: ReviewOutcome
    assessment: Assessment
    beneficiaries: tuple[UUID, ...]
    monthly_amount: Decimal
    exit_until: date | None
    next_review_due: date | None

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        outcome = self.outcome
        e.beneficiaries = self.beneficiaries
        e.last_assessment = self.assessment
        e.next_review_due = self.next_review_due
        status = {
            ReviewOutcome.CONTINUED: Status.ACTIVE,
            ReviewOutcome.ADJUSTED: Status.ACTIVE,
            ReviewOutcome.GRADUAL_EXIT: Status.GRADUAL_EXIT,
            ReviewOutcome.TERMINATED: Status.TERMINATED,
        }[outcome]
        if outcome is ReviewOutcome.GRADUAL_EXIT:
            e.exit_until = self.exit_until
            e.exit_amount = self.monthly_amount
        on = first_of_next_month(self.effective_on) if status is Status.TERMINATED else self.effective_on
        e.steps.append(Step(on, status, self.monthly_amount, self.decision_id))
        if status is not Status.TERMINATED:
            parts = parts_of(self.assessment) if outcome is ReviewOutcome.ADJUSTED else _parts_on(e, on)
            e.record_entitlement(
                Entitlement(on, self.monthly_amount, tuple(self.beneficiaries), parts, True, self.decision_id)
            )


def _parts_on(e: Enrolment, on: date) -> tuple[tuple[str, Decimal], ...]:
    entry = e.entitlement_on(on)
    return entry.parts if entry is not None else ()


class EnrolmentMigrated(Event):
    """An enrolment was brought over from a bureau's existing roll, at the amount the roll records —
    not a decision this service took: the county approved it on ``approved_on`` under its old system.

    ``effective_on`` is the roll's as-of date; nothing before it is known here, so the enrolment is
    priced from ``benefits_from`` (the as-of month, or the month after a later approval) at
    ``monthly_amount`` until a review re-runs the rules. The source names the file (its SHA-256),
    sheet and first row of the household, and who imported it."""

    enrolment_id: UUID
    decision_id: UUID
    program: Program
    beneficiaries: tuple[UUID, ...]
    monthly_amount: Decimal
    approved_on: date
    benefits_from: date
    next_review_due: date
    as_of: date
    source_file_hash: str
    source_sheet: str
    source_row: int
    imported_by: str

    def apply(self, aggregate: Household) -> None:
        opened(
            aggregate, self, self.imported_by, benefits_from=self.benefits_from, next_review_due=self.next_review_due
        )
        enrolment = decided(aggregate, self)
        enrolment.steps.append(Step(self.effective_on, Status.APPROVED, self.monthly_amount, self.decision_id))
        enrolment.record_entitlement(
            Entitlement(self.benefits_from, self.monthly_amount, tuple(self.beneficiaries), (), True, self.decision_id)
        )
