"""Late corrections: a fact learned late (a death reported three months after, income misreported
since January) changes what was due for months already paid. The correction replays the household
as now known, month by month, against what the payroll paid, and records the difference per month as
arrears (补发) or an overpayment to recover (追回). History is never edited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.enrolments import EnrolmentCommands
from domain.assessment import Assessment
from domain.enrolment import MonthCorrection
from domain.errors import InvalidValue
from domain.household import Household
from domain.payroll import PayrollMonth, payroll_id
from domain.values import Actor, first_of_next_month

ZERO = Decimal("0.00")
MAX_MONTHS = 120


class CorrectionCommands(EnrolmentCommands):
    def paid(self, enrolment_id: UUID, county: str, month: date) -> Decimal | None:
        """What the month's payroll paid the enrolment, or None if it paid nothing."""
        try:
            payroll: object = self.repository.get(payroll_id(month, county))
        except AggregateNotFoundError:
            return None
        assert isinstance(payroll, PayrollMonth)
        payment = payroll.paid.get(enrolment_id)
        return payment.amount if payment else None

    def correct_payments(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        reason: str,
        expected_version: int | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        """Re-compute every month paid since ``effective_on`` on the facts as now known."""
        self._check_date(effective_on)
        if effective_on > self.clock().date():
            raise InvalidValue(
                "a correction prices facts already in effect: its date cannot be in the future",
                field="effective_on",
                rule="correction-in-the-past",
            )
        this_month = self.clock().date().replace(day=1)

        def command(h: Household, _: list[Aggregate]) -> UUID:
            e = h.enrolment(enrolment_id)
            county = h.division_code[:6]
            months: list[MonthCorrection] = []
            assessments: list[Assessment] = []
            month, last_paid = effective_on.replace(day=1), None
            for _step in range(MAX_MONTHS):
                if month > this_month:
                    break
                paid = self.paid(enrolment_id, county, month)
                if paid is not None:
                    paid = e.corrected.get(month, paid)  # an earlier correction already settles that month
                    due = e.amount_on(month)  # what the rules give on the month's facts, as now known
                    months.append(MonthCorrection(month=month, paid=paid, due=due))
                    if due != paid and (a := self.priced(h, enrolment_id, month)) is not None:
                        assessments.append(a)
                    last_paid = month
                month = first_of_next_month(month)
            amount_from = first_of_next_month(last_paid) if last_paid else first_of_next_month(effective_on)
            ahead = self.priced(h, enrolment_id, amount_from)
            return h.correct_payments(
                enrolment_id,
                months=tuple(c for c in months if c.difference),
                assessments=(*assessments, *((ahead,) if ahead is not None else ())),
                monthly_amount=ahead.monthly_amount if ahead is not None and ahead.eligible else None,
                amount_from=amount_from,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )

        return self._update(household_id, expected_version, actor, command)
