"""Late corrections on every backend: facts learned late are priced per month against what was paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from application import commands
from application.casework import Casework
from domain.enrolment import MonthCorrection
from domain.errors import RuleViolation
from domain.household import Household
from domain.members import Relation
from domain.payroll import Payment, PayrollMonth
from domain.values import AreaType, Context, Program
from tests.application.steps import approve, earning, record, register, removed, review
from tests.support import APPROVER, CASEWORKER, COMMUNITY, by, member

D = Decimal


def pay(app: Casework, h: Household, eid: UUID, months: list[date]) -> None:
    """Record that the payroll paid the enrolment its amount for each month (as a payroll run would)."""
    e = app.get_household(h.id).enrolment(eid)
    for month in months:
        payroll = PayrollMonth.open(month, COMMUNITY[:6], ctx=Context(month, APPROVER))
        payroll.issue(
            (
                Payment(
                    household_id=h.id,
                    enrolment_id=eid,
                    program=Program.DIBAO,
                    month=month,
                    amount=e.amount_on(month),
                    beneficiaries=e.beneficiaries,
                    division_code=COMMUNITY,
                    area_type=AreaType.URBAN,
                ),
            ),
            run_id=uuid4(),
            ctx=Context(month, APPROVER),
        )
        app.save(payroll)


def approved_family(app: Casework) -> tuple[Household, UUID, list[UUID]]:
    """Urban family of three, head's wages 1200.00: (750.00 − 400.00) × 3 = 1050.00 from March 2024."""
    people = [member(Relation.HEAD), member(Relation.SPOUSE), member(Relation.CHILD, date(2012, 1, 1))]
    h = register(app, *people)
    record(app, h.id, earning(people[0], "1200.00"))
    eid, _ = app.handle(
        commands.FileApplication(
            household_id=h.id,
            program=Program.DIBAO,
            beneficiaries=tuple(p.person_id for p in people),
            meta=by(CASEWORKER, date(2024, 1, 15)),
        )
    )
    review(app, h.id, eid, date(2024, 1, 20))
    approve(app, h.id, eid, date(2024, 2, 1))
    return h, eid, [p.person_id for p in people]


def correct(app: Casework, hid: UUID, eid: UUID, since: date, reason: str) -> None:
    """An approver re-computes the payments made since ``since`` on the facts as now known."""
    app.handle(commands.CorrectPayments(household_id=hid, enrolment_id=eid, meta=by(APPROVER, since, reason=reason)))


def test_income_misreported_since_march_is_recovered_per_month(casework: Casework) -> None:
    """Wages were 1500.00, not 1200.00, from 1 March: per-capita 500.00, due 750.00 a month, paid 1050.00.

    March–June: (750 − 500) × 3 = 750.00 due, 1050.00 paid → 300.00 to recover each month;
    July onwards the standard is 780.00: (780 − 500) × 3 = 840.00 due, 1140.00 believed → adjusted.
    """
    h, eid, people = approved_family(casework)
    months = [date(2024, m, 1) for m in (3, 4, 5, 6)]
    pay(casework, h, eid, months)
    record(casework, h.id, earning(people[0], "1500.00"), date(2024, 3, 1), reason="单位补报：3月起工资1500元")
    correct(casework, h.id, eid, date(2024, 3, 1), "收入误报更正")
    e = casework.get_household(h.id).enrolment(eid)
    assert e.corrections == [MonthCorrection(m, D("1050.00"), D("750.00")) for m in months]
    assert [c.difference for c in e.corrections] == [D("-300.00")] * 4
    assert e.amount_on(date(2024, 4, 1)) == D("750.00")  # as now known
    assert e.amount_on(date(2024, 7, 1)) == D("840.00")  # going forward from July, the first month unpaid


def test_a_death_reported_late_is_an_overpayment(casework: Casework) -> None:
    """The spouse died on 10 March, reported in June: April–June were paid for three, due for two."""
    h, eid, people = approved_family(casework)
    pay(casework, h, eid, [date(2024, m, 1) for m in (3, 4, 5, 6)])
    removed(casework, h.id, people[1], date(2024, 3, 10), reason="6月迟报：3月10日死亡")
    correct(casework, h.id, eid, date(2024, 3, 10), "死亡迟报")
    e = casework.get_household(h.id).enrolment(eid)
    # two counted members, per-capita 600.00: (750 − 600) × 2 = 300.00 due from April; March was due in full
    assert e.corrections == [MonthCorrection(date(2024, m, 1), D("1050.00"), D("300.00")) for m in (4, 5, 6)]
    assert sum(c.difference for c in e.corrections) == D("-2250.00")


def test_a_correction_that_changes_nothing_writes_nothing(casework: Casework) -> None:
    """When the facts as now known give the amounts paid, the correction is refused and nothing is written."""
    h, eid, _ = approved_family(casework)
    pay(casework, h, eid, [date(2024, 3, 1)])
    version = casework.get_household(h.id).version
    with pytest.raises(RuleViolation) as nothing:
        correct(casework, h.id, eid, date(2024, 3, 1), "复核")
    assert nothing.value.rule == "no-difference"
    assert casework.get_household(h.id).version == version


def test_a_correction_dated_in_the_future_contradicts_itself(casework: Casework) -> None:
    """A late correction is about facts already in effect: a future date is refused, nothing written."""
    from domain.errors import InvalidValue

    h, eid, _ = approved_family(casework)
    version = casework.get_household(h.id).version
    with pytest.raises(InvalidValue) as future:
        correct(casework, h.id, eid, date(2025, 7, 1), "复核")
    assert future.value.rule == "correction-in-the-past"
    assert casework.get_household(h.id).version == version
