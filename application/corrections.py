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

from application.base import CaseworkBase
from application.commands import CorrectPayments
from domain.assessment import Assessment
from domain.enrolment import MonthCorrection
from domain.errors import InvalidValue
from domain.household import Household
from domain.payroll import PayrollMonth, payroll_id
from domain.values import first_of_next_month

ZERO = Decimal("0.00")
MAX_MONTHS = 120


def paid(app: CaseworkBase, enrolment_id: UUID, county: str, month: date) -> Decimal | None:
    """What the month's payroll paid the enrolment, or None if it paid nothing."""
    try:
        payroll: object = app.repository.get(payroll_id(month, county))
    except AggregateNotFoundError:
        return None
    assert isinstance(payroll, PayrollMonth)
    payment = payroll.paid.get(enrolment_id)
    return payment.amount if payment else None


def correct_payments(app: CaseworkBase, cmd: CorrectPayments, h: Household, others: list[Aggregate]) -> UUID:
    """Re-compute every month paid since the command's date on the facts as now known."""
    today = app.clock().date()
    if cmd.meta.effective_on > today:
        raise InvalidValue(
            "a correction prices facts already in effect: its date cannot be in the future",
            field="effective_on",
            rule="correction-in-the-past",
        )
    months, assessments, last_paid = _months_paid(app, h, cmd.enrolment_id, cmd.meta.effective_on, today)
    amount_from = first_of_next_month(last_paid or cmd.meta.effective_on)
    ahead = app.priced(h, cmd.enrolment_id, amount_from)
    return h.correct_payments(
        cmd.enrolment_id,
        months=tuple(c for c in months if c.difference),
        assessments=(*assessments, *((ahead,) if ahead is not None else ())),
        monthly_amount=ahead.monthly_amount if ahead is not None and ahead.eligible else None,
        amount_from=amount_from,
        ctx=cmd.meta.context,
    )


def _months_paid(
    app: CaseworkBase, h: Household, enrolment_id: UUID, since: date, today: date
) -> tuple[list[MonthCorrection], list[Assessment], date | None]:
    """Each month paid from ``since`` to this month: what was paid, what is due as now known, and the
    assessment pricing each month that differs; and the last month paid."""
    e = h.enrolment(enrolment_id)
    county = h.division_code[:6]
    months: list[MonthCorrection] = []
    assessments: list[Assessment] = []
    month, last_paid, this_month = since.replace(day=1), None, today.replace(day=1)
    for _step in range(MAX_MONTHS):
        if month > this_month:
            break
        amount = paid(app, enrolment_id, county, month)
        if amount is not None:
            amount = e.corrected.get(month, amount)  # an earlier correction already settles that month
            due = e.amount_on(month)  # what the rules give on the month's facts, as now known
            months.append(MonthCorrection(month=month, paid=amount, due=due))
            if due != amount and (a := app.priced(h, enrolment_id, month)) is not None:
                assessments.append(a)
            last_paid = month
        month = first_of_next_month(month)
    return months, assessments, last_paid
