"""An enrolment: one application for one program, and everything decided on it since.

The enrolment is an entity inside the household aggregate; the household's events change it.
Its status on a date is derived from the dated steps it has taken, so a benefit that starts next
month or a gradual exit that runs out needs no clock-driven event to be right on any date.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.assessment import Assessment
from domain.values import ZERO, Program


class Status(StrEnum):
    APPLIED = "applied"
    REVIEWED = "reviewed"
    WITHDRAWN = "withdrawn"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    GRADUAL_EXIT = "gradual_exit"
    TERMINATED = "terminated"


#: States in which a monthly payment is due (docs/rules.md, "Reports").
PAYABLE = frozenset({Status.ACTIVE, Status.GRADUAL_EXIT})
#: States after which nothing more can happen to the enrolment.
FINAL = frozenset({Status.WITHDRAWN, Status.REJECTED, Status.TERMINATED})


class TownshipOpinion(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class ReviewOutcome(StrEnum):
    CONTINUED = "continued"
    ADJUSTED = "adjusted"
    GRADUAL_EXIT = "gradual_exit"
    TERMINATED = "terminated"


@dataclass(frozen=True, slots=True)
class MonthCorrection:
    """For one month already paid: what was paid and what, as now known, was due."""

    month: date
    paid: Decimal
    due: Decimal

    @property
    def difference(self) -> Decimal:
        """Positive: arrears owed to the household (补发); negative: overpayment to recover (追回)."""
        return self.due - self.paid


@dataclass(frozen=True, slots=True)
class Step:
    """The enrolment entered ``status`` on ``effective_on`` paying ``monthly_amount``."""

    effective_on: date
    status: Status
    monthly_amount: Decimal
    decision_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Entitlement:
    """From ``effective_on`` on (a month's first day, or a decision's date for entries recorded before
    the schedule was kept apart), what the rules give the enrolment while it is paid: the amount, its
    parts (tekun: basic living and care subsidy), the beneficiaries it covers, and whether the rules
    still find it eligible (not eligible: nothing is due)."""

    effective_on: date
    amount: Decimal
    beneficiaries: tuple[UUID, ...]
    parts: tuple[tuple[str, Decimal], ...] = ()
    eligible: bool = True
    decision_id: UUID | None = None
    cause: str = ""  # for a re-computation: parameter, fact, age, dependency or decision

    def same_as(self, other: Entitlement) -> bool:
        """Whether two entries give the same money to the same people."""
        return (
            self.amount == other.amount
            and self.eligible == other.eligible
            and tuple(sorted(map(str, self.beneficiaries))) == tuple(sorted(map(str, other.beneficiaries)))
            and dict(self.parts) == dict(other.parts)
        )


@dataclass
class TownshipReview:
    decision_id: UUID
    recorded_by: str
    investigated_on: date
    findings: str
    opinion: TownshipOpinion
    assessment: Assessment
    notice_starts: date | None
    notice_ends: date | None


@dataclass
class Enrolment:
    enrolment_id: UUID
    program: Program
    beneficiaries: tuple[UUID, ...]
    applied_on: date
    applied_by: str
    steps: list[Step] = field(default_factory=list)
    township_review: TownshipReview | None = None
    benefits_from: date | None = None
    exit_until: date | None = None  # first month no longer paid in gradual exit
    next_review_due: date | None = None
    last_assessment: Assessment | None = None
    decisions: dict[UUID, str] = field(default_factory=dict)  # decision id → event name
    terms: dict[str, Any] = field(default_factory=dict)  # program-specific terms of the application
    corrected: dict[date, Decimal] = field(default_factory=dict)  # month → the amount due as now known
    corrections: list[MonthCorrection] = field(default_factory=list)  # every arrears / overpayment recorded
    schedule: list[Entitlement] = field(default_factory=list)  # what is due while paid, in effective order
    exit_amount: Decimal | None = None  # the amount a gradual exit froze
    deadline_working_days: int | None = None  # an extended decision deadline; None: the parameter's

    @property
    def individual(self) -> bool:
        """A dibao enrolment of some members only (单人保), as the township assessment found."""
        review = self.township_review
        return bool(review is not None and review.assessment.individual)

    def record_entitlement(self, entry: Entitlement) -> None:
        """Add an entry to the schedule; it wins over entries recorded earlier for the same date."""
        insort(self.schedule, entry, key=lambda x: x.effective_on)

    def record_corrections(self, months: Iterable[MonthCorrection]) -> None:
        """Keep, per month already paid, what is due as now known, and every correction in order."""
        for c in months:
            self.corrected[c.month] = c.due
            self.corrections.append(c)

    def entitlement_on(self, on: date) -> Entitlement | None:
        """The schedule entry in force on a date (the latest recorded among those of the same date)."""
        found: Entitlement | None = None
        for entry in self.schedule:
            if entry.effective_on > on:
                break
            found = entry
        return found

    def beneficiaries_on(self, on: date) -> tuple[UUID, ...]:
        """Who the enrolment covers on a date while paid: the schedule's entry, else the application's."""
        entry = self.entitlement_on(on)
        return entry.beneficiaries if entry is not None else self.beneficiaries

    @property
    def last_step(self) -> Step:
        return self.steps[-1]

    @property
    def status(self) -> Status:
        """The status the enrolment is in after its latest step, ignoring dates still to come."""
        return self.last_step.status

    @property
    def monthly_amount(self) -> Decimal:
        """The amount as last decided: the schedule's entry in force when the latest decision took effect
        (for an approval, when benefits start). What is due on another date: ``amount_on``. Zero before
        approval and after the end."""
        if self.status in FINAL or not self.schedule or self.benefits_from is None:
            return ZERO
        entry = self.entitlement_on(max(self.last_step.effective_on, self.benefits_from))
        return entry.amount if entry is not None and entry.eligible else ZERO

    def status_on(self, on: date) -> Status | None:
        """The status in effect on a date, or None before the application."""
        current: Step | None = None
        for step in self.steps:
            if step.effective_on <= on:
                current = step
        if current is None:
            return None
        if current.status is Status.APPROVED and self.benefits_from and on >= self.benefits_from:
            return Status.ACTIVE
        if current.status is Status.GRADUAL_EXIT and self.exit_until and on >= self.exit_until:
            return Status.TERMINATED
        return current.status

    def amount_on(self, on: date) -> Decimal:
        """The monthly amount payable on a date, as now known (zero when not payable or not eligible).
        What a correction settled for a month already paid is in ``corrected``."""
        if self.status_on(on) not in PAYABLE:
            return ZERO
        entry = self.entitlement_on(on)
        return entry.amount if entry is not None and entry.eligible else ZERO


def parts_of(assessment: Assessment | None) -> tuple[tuple[str, Decimal], ...]:
    """The parts an amount is made of, where the program keeps them apart (tekun: 基本生活费, 护理补贴; the
    elderly allowance: the one age band it is paid for, so that the rolls count it by band)."""
    if assessment is None or not assessment.eligible:
        return ()
    if Program(assessment.program) is Program.ELDERLY_ALLOWANCE:
        return ((str(assessment.figures["band"]), assessment.monthly_amount),)
    if Program(assessment.program) is not Program.TEKUN:
        return ()
    figures = assessment.figures
    return (("basic_living", Decimal(figures["basic_living"])), ("care_subsidy", Decimal(figures["care_subsidy"])))
