"""A month's payroll for one county: the monthly payments issued, each exactly once.

A payment for (household, program, month) is due when the enrolment is ``active`` or
``gradual_exit`` on the month's first day (docs/rules.md, "Reports"). One ``PayrollMonth`` aggregate per month and
county (the first six digits of the household's division), its id derived from both, holds every
payment issued so far; issuing a payment for an enrolment it has already paid is refused, and two
runs racing on the same month collide on the aggregate's version, so nothing is ever paid twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleViolation
from domain.values import ZERO, Actor, AreaType, Context, Program


def payroll_id(month: date, county: str) -> UUID:
    """The id of a month's payroll aggregate for a county: a name-based UUID (v5)."""
    return uuid5(NAMESPACE_URL, f"jiuzhu:payroll:{month:%Y-%m}:{county}")


@dataclass(frozen=True, slots=True)
class Payment:
    """One monthly payment: an enrolment's amount for a month and the beneficiaries it covered."""

    household_id: UUID
    enrolment_id: UUID
    program: Program
    month: date  # the first day of the month paid
    amount: Decimal
    beneficiaries: tuple[UUID, ...]
    division_code: str
    area_type: AreaType
    #: what the amount is made of, where the program keeps parts apart (tekun: basic_living, care_subsidy)
    parts: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CorrectionLine:
    """A line carried by a payroll besides the month's payments: arrears (补发, positive) or an
    overpayment to recover (追回, negative) for one month already paid, from a late correction."""

    household_id: UUID
    enrolment_id: UUID
    correction_id: UUID  # the PaymentsCorrected or PaymentsSettled decision that found it
    corrected_month: date
    amount: Decimal
    division_code: str


class PayrollMonth(Aggregate):
    """The payroll (发放) of one month in one county."""

    class Event(Aggregate.Event):
        effective_on: date
        actor: Actor
        reason: str | None
        request_id: str | None

    class Opened(Event, Aggregate.Created):
        """The payroll of the month was opened for the county by the first run that found payments due."""

        month: date
        county: str

        def apply(self, aggregate: PayrollMonth) -> None:
            aggregate.month = self.month
            aggregate.county = self.county

    class PaymentsIssued(Event):
        """A batch of monthly payments was issued, each for one enrolment not paid for the month before."""

        run_id: UUID
        payments: tuple[Payment, ...]

        def apply(self, aggregate: PayrollMonth) -> None:
            for p in self.payments:
                aggregate.paid[p.enrolment_id] = p

    class CorrectionsSettled(Event):
        """Arrears and overpayments found by late corrections were carried as separate lines."""

        run_id: UUID
        lines: tuple[CorrectionLine, ...]

        def apply(self, aggregate: PayrollMonth) -> None:
            for line in self.lines:
                aggregate.settled[(line.correction_id, line.corrected_month)] = line

    class RunCompleted(Event):
        """A payroll run finished: what it issued, and the month's totals for the county after it."""

        run_id: UUID
        issued: int
        issued_amount: Decimal
        payments: int
        amount: Decimal

        def apply(self, aggregate: PayrollMonth) -> None:
            aggregate.runs.append(self.run_id)

    def __init__(self) -> None:
        self.month: date = date.min
        self.county: str = ""
        self.paid: dict[UUID, Payment] = {}  # enrolment id → its payment for the month
        self.runs: list[UUID] = []
        self.settled: dict[tuple[UUID, date], CorrectionLine] = {}  # (correction, month corrected) → line

    @classmethod
    def open(cls, month: date, county: str, *, ctx: Context) -> PayrollMonth:
        if month.day != 1:
            raise InvalidValue("a payroll month starts on the first day", field="month", rule="month-first-day")
        if len(county) != 6 or not county.isdigit():
            raise InvalidValue("a county is 6 digits", field="county", rule="county-code")
        return cls._create(
            cls.Opened,
            id=payroll_id(month, county),
            month=month,
            county=county,
            **{**ctx.event_fields(), "effective_on": month},
        )

    def _record(self, event_class: type[PayrollMonth.Event], ctx: Context, **fields: Any) -> None:
        """Record one event with the context's actor, reason and request id, dated the payroll's month."""
        self.trigger_event(event_class, **{**ctx.event_fields(), "effective_on": self.month}, **fields)

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.paid.values()), ZERO)

    def issue(
        self,
        payments: tuple[Payment, ...],
        *,
        run_id: UUID,
        ctx: Context,
    ) -> None:
        """Issue a batch of payments; refuses any for another month or county, or already paid."""
        if not payments:
            raise InvalidValue("a batch has at least one payment", field="payments", rule="payments-required")
        seen: set[UUID] = set()
        for i, p in enumerate(payments):
            if p.month != self.month or not p.division_code.startswith(self.county):
                raise InvalidValue(
                    f"payment {i} is not for {self.month:%Y-%m} in county {self.county}",
                    field=f"payments[{i}]",
                    rule="payment-in-payroll",
                )
            if p.amount < ZERO:
                raise InvalidValue(
                    "a payment is not negative", field=f"payments[{i}].amount", rule="money-non-negative"
                )
            if p.enrolment_id in self.paid or p.enrolment_id in seen:
                raise RuleViolation(
                    f"enrolment {p.enrolment_id} is already paid for {self.month:%Y-%m}",
                    field=f"payments[{i}].enrolment_id",
                    rule="payment-once",
                )
            seen.add(p.enrolment_id)
        self._record(
            self.PaymentsIssued,
            ctx,
            run_id=run_id,
            payments=tuple(payments),
        )

    def settle(
        self,
        lines: tuple[CorrectionLine, ...],
        *,
        run_id: UUID,
        ctx: Context,
    ) -> None:
        """Carry correction lines in this month's payroll; each line at most once."""
        for i, line in enumerate(lines):
            if (line.correction_id, line.corrected_month) in self.settled:
                raise RuleViolation(f"line {i} is already settled", field=f"lines[{i}]", rule="settle-once")
            if not line.division_code.startswith(self.county):
                raise InvalidValue(
                    f"line {i} is not in county {self.county}", field=f"lines[{i}]", rule="payment-in-payroll"
                )
        self._record(
            self.CorrectionsSettled,
            ctx,
            run_id=run_id,
            lines=tuple(lines),
        )

    def complete_run(
        self,
        *,
        run_id: UUID,
        issued: int,
        issued_amount: Decimal,
        ctx: Context,
    ) -> None:
        self._record(
            self.RunCompleted,
            ctx,
            run_id=run_id,
            issued=issued,
            issued_amount=issued_amount,
            payments=len(self.paid),
            amount=self.total,
        )
