"""The events of what is due and paid: payments suspended, resumed and ended, amounts re-computed,
late corrections, settlements of months already paid, and every change of the entitlement schedule.

Declared apart from ``Household`` to keep modules small; their stored topics are unchanged
(``domain.household:Household.<Name>``, see ``domain.household_events.Event``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.assessment import Assessment
from domain.enrolment import Entitlement, MonthCorrection, Status, Step, parts_of
from domain.household_enrolment_events import decided
from domain.household_events import Event
from domain.values import ZERO, first_of_next_month

if TYPE_CHECKING:
    from domain.household import Household


class AmountAdjusted(Event):
    """The monthly amount was re-computed from ``effective_on`` because a policy parameter changed."""

    enrolment_id: UUID
    decision_id: UUID
    assessment: Assessment
    previous_amount: Decimal
    monthly_amount: Decimal
    cause: str

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        e.last_assessment = self.assessment
        e.record_entitlement(
            Entitlement(
                self.effective_on,
                self.monthly_amount,
                e.beneficiaries_on(self.effective_on),
                parts_of(self.assessment),
                True,
                self.decision_id,
            )
        )


class PaymentsCorrected(Event):
    """Facts learned late changed what was due for months already paid: per month, arrears (补发)
    or an overpayment to recover (追回); ``effective_on`` is the date the late fact took effect.

    ``assessments`` holds one assessment per corrected month and, last, the one for
    ``amount_from``: the first month not yet paid, whose payroll carries the month lines.
    ``monthly_amount`` is the new amount from then, or None when it does not change or when that
    last assessment finds the enrolment no longer eligible (a decision to terminate is then due).
    """

    enrolment_id: UUID
    decision_id: UUID
    months: tuple[MonthCorrection, ...]
    assessments: tuple[Assessment, ...]
    monthly_amount: Decimal | None
    amount_from: date | None

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        e.record_corrections(self.months)
        if self.assessments:
            e.last_assessment = self.assessments[-1]
        if self.monthly_amount is None and self.assessments and not self.assessments[-1].eligible:
            e.next_review_due = self.effective_on  # no longer eligible: due for a decision now
        if self.monthly_amount is not None and self.amount_from is not None:
            e.record_entitlement(
                Entitlement(
                    self.amount_from,
                    self.monthly_amount,
                    e.beneficiaries_on(self.amount_from),
                    parts_of(self.assessments[-1] if self.assessments else None),
                    True,
                    self.decision_id,
                )
            )


class PaymentsSettled(Event):
    """What was due for months already paid changed after payment — a fact, a parameter or a
    decision recorded late — and the payroll of ``amount_from`` settles it: per month, what was
    paid (with what earlier settlements gave) and what is due as now known, arrears (补发) or a
    recovery (追回); ``assessments`` price the months where a rule ran."""

    enrolment_id: UUID
    decision_id: UUID
    months: tuple[MonthCorrection, ...]
    assessments: tuple[Assessment, ...]
    amount_from: date

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        e.record_corrections(self.months)


class EntitlementChanged(Event):
    """What is due changed from ``effective_on`` (a month's first day): a parameter, a fact, an age
    reached or another enrolment the amount depends on. Records the new amount, its parts, the
    beneficiaries, whether the rules still find the enrolment eligible, the assessment that found
    it, the amount before, and the cause (``parameter``, ``fact``, ``age``, ``dependency``,
    ``decision``) whose details are in ``reason``."""

    enrolment_id: UUID
    decision_id: UUID
    assessment: Assessment | None
    previous_amount: Decimal
    monthly_amount: Decimal
    parts: dict[str, Decimal]
    beneficiaries: tuple[UUID, ...]
    eligible: bool
    cause: str

    def apply(self, aggregate: Household) -> None:
        # ``last_assessment`` stays the one the last decision stood on: a review compares against it.
        e = decided(aggregate, self)
        e.record_entitlement(
            Entitlement(
                self.effective_on,
                self.monthly_amount,
                tuple(self.beneficiaries),
                tuple(sorted(self.parts.items())),
                self.eligible,
                self.decision_id,
                self.cause,
            )
        )


class BenefitSuspended(Event):
    """Payments were suspended from ``effective_on``, with a reason code and text."""

    enrolment_id: UUID
    reason_code: str

    def apply(self, aggregate: Household) -> None:
        e = aggregate.enrolments[self.enrolment_id]
        e.steps.append(Step(self.effective_on, Status.SUSPENDED, e.monthly_amount))


class BenefitResumed(Event):
    """Suspended payments resumed from ``effective_on``."""

    enrolment_id: UUID
    resumed_status: Status

    def apply(self, aggregate: Household) -> None:
        e = aggregate.enrolments[self.enrolment_id]
        e.steps.append(Step(self.effective_on, self.resumed_status, e.monthly_amount))


class EnrolmentTerminated(Event):
    """The enrolment ended on ``effective_on``; no payment is due for later months."""

    enrolment_id: UUID
    decision_id: UUID
    reason_code: str

    def apply(self, aggregate: Household) -> None:
        e = decided(aggregate, self)
        # Termination takes effect the next month: the month containing the date is still paid.
        e.steps.append(Step(first_of_next_month(self.effective_on), Status.TERMINATED, ZERO, self.decision_id))
