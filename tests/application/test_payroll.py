"""The monthly payroll on every backend: idempotent, batched, safe under concurrent runs, exact to the fen."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from application import commands
from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views
from application.views.replay import payable_by_replay
from application.views.reports import Reports
from domain.errors import InvalidValue
from domain.members import RemovalCause
from domain.payroll import PayrollMonth, payroll_id
from domain.values import Actor, AreaType, Role
from infrastructure.payroll_transcodings import register_payroll_transcodings
from tests.application.scenarios import enrol, household, month_firsts, raise_standards
from tests.application.steps import decide, moved_away, removed
from tests.support import APPROVER, CASEWORKER, by, fixed_clock, pay

D = Decimal
MARCH = date(2024, 3, 1)


def payroll_months(app: Casework) -> list[PayrollMonth]:
    """Every PayrollMonth aggregate in the store."""
    register_payroll_transcodings(app.mapper.transcoder)
    topic = "domain.payroll:PayrollMonth"
    ids = {n.originator_id for n in app.recorder.select_notifications(None, 100_000) if n.topic.startswith(topic)}
    return [app.repository.get(i) for i in ids]  # type: ignore[misc]


def test_a_month_is_paid_once_and_a_second_run_issues_nothing(casework: Casework, payroll: Payroll) -> None:
    """Running a month twice gives the same totals; the second run issues nothing and records no event."""
    hid = household(casework)
    eid = enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    first = payroll.handle(pay("2024-03", APPROVER, request_id="req-pay"))
    assert (first.payable, first.issued, first.issued_amount, first.batches) == (1, 1, D("1050.00"), 1)
    position = casework.recorder.max_notification_id()
    again = payroll.handle(pay("2024-03", APPROVER))
    assert (again.payable, again.issued, again.already_paid, again.batches) == (1, 0, 1, 0)
    assert casework.recorder.max_notification_id() == position
    sheet = payroll.sheet("2024-03", "430112")
    assert (sheet.payments, sheet.persons, sheet.amount) == (1, 3, D("1050.00"))
    month = casework.repository.get(payroll_id(MARCH, "430112"))
    assert isinstance(month, PayrollMonth)
    assert list(month.paid) == [eid]
    events = list(casework.repository.event_store.get(month.id))
    assert [type(e).__name__ for e in events] == ["Opened", "PaymentsIssued", "RunCompleted"]
    for e in events:
        assert e.effective_on == MARCH  # type: ignore[attr-defined]
        assert e.actor == APPROVER  # type: ignore[attr-defined]
        assert e.reason  # type: ignore[attr-defined]
        assert e.request_id == "req-pay"  # type: ignore[attr-defined]
        assert type(e).__doc__
        assert not type(e).__doc__.startswith(type(e).__name__ + "(")
    payment = events[1].payments[0]  # type: ignore[attr-defined]
    assert (payment.household_id, payment.amount, len(payment.beneficiaries)) == (hid, D("1050.00"), 3)
    assert payment.area_type is AreaType.URBAN


def test_february_pays_nothing_before_benefits_start(casework: Casework, payroll: Payroll) -> None:
    """An enrolment approved in February is not payable on 1 February: no payroll aggregate is opened."""
    hid = household(casework)
    enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    report = payroll.handle(pay("2024-02", APPROVER))
    assert (report.payable, report.issued) == (0, 0)
    assert payroll_months(casework) == []


def test_large_runs_are_saved_in_batches_with_progress(casework: Casework, views: Views) -> None:
    """Five payable enrolments with a batch size of 2 are issued in three saved batches, progress reported."""
    for _ in range(5):
        enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    seen: list[tuple[int, int]] = []
    report = Payroll(casework, views, batch_size=2).handle(pay(MARCH, APPROVER), lambda d, t: seen.append((d, t)))
    assert (report.issued, report.batches, report.issued_amount) == (5, 3, D("5250.00"))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    (month,) = payroll_months(casework)
    assert len(month.paid) == 5
    assert month.version == 5  # opened + three batches + run completed


def test_a_run_that_crashed_is_finished_by_the_next(casework: Casework, views: Views) -> None:
    """A run that dies after its first batch leaves it saved; the next run pays only the rest."""
    for _ in range(3):
        enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))

    def crash(done: int, total: int) -> None:
        raise RuntimeError("the process died")

    with pytest.raises(RuntimeError):
        Payroll(casework, views, batch_size=2).handle(pay(MARCH, APPROVER), crash)
    report = Payroll(casework, views, batch_size=2).handle(pay(MARCH, APPROVER))
    assert (report.issued, report.already_paid) == (1, 2)
    (month,) = payroll_months(casework)
    assert len(month.paid) == 3
    assert Payroll(casework, views).sheet(MARCH, "43").amount == D("3150.00")


@pytest.mark.parametrize(
    ("text", "rule"), [("2024-13", "month-valid"), ("2024-3", "month-format"), ("2025-08", "payroll-month-not-future")]
)
def test_an_impossible_month_is_refused_and_nothing_is_written(
    casework: Casework, payroll: Payroll, text: str, rule: str
) -> None:
    """2024-13, a malformed month or a month after next is refused naming the rule; the store is unchanged."""
    enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    position = casework.recorder.max_notification_id()
    with pytest.raises(InvalidValue) as caught:
        payroll.handle(pay(text, APPROVER))
    assert (caught.value.field, caught.value.rule) == ("month", rule)
    assert casework.recorder.max_notification_id() == position


def test_payroll_pays_only_the_callers_jurisdiction(casework: Casework, payroll: Payroll) -> None:
    """A township approver's run pays its township's enrolments; the county's run then pays the rest."""
    enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    other = household(casework, division="430112002001")
    enrol(casework, other, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    township = Actor("ap-2", Role.APPROVER, "430112002")
    assert payroll.handle(pay(MARCH, township)).issued == 1
    assert payroll.sheet(MARCH, "430112002").payments == 1
    report = payroll.handle(pay(MARCH, APPROVER))
    assert (report.issued, report.already_paid) == (1, 1)


@pytest.mark.parametrize("backend_env", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_two_concurrent_runs_pay_each_enrolment_once(make_casework: Callable[[], Casework]) -> None:
    """Two processes (two applications on one store) running the same month at once pay every enrolment once."""
    setup = make_casework()
    for _ in range(12):
        enrol(setup, household(setup), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    apps = [make_casework(), make_casework()]
    views = [Views(a) for a in apps]
    barrier = threading.Barrier(2)
    reports: list[object] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            reports.append(Payroll(apps[i], views[i], batch_size=3).handle(pay(MARCH, APPROVER)))
        except Exception as e:  # reported below
            reports.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for v in views:
        v.close()
    assert all(not isinstance(r, Exception) for r in reports), reports
    assert sum(r.issued for r in reports) == 12  # type: ignore[attr-defined]
    (month,) = payroll_months(setup)
    assert len(month.paid) == 12
    events = setup.repository.event_store.get(month.id)
    issued = [p.enrolment_id for e in events if isinstance(e, PayrollMonth.PaymentsIssued) for p in e.payments]
    assert len(issued) == len(set(issued)) == 12
    check = Views(setup)
    try:
        assert Payroll(setup, check).sheet(MARCH, "43").amount == D("12600.00")
    finally:
        check.close()


def test_a_year_of_payroll_adds_up_to_the_yuan(casework: Casework, payroll: Payroll, views: Views) -> None:
    """Three households over March–December 2024 with the July raise, a suspension and a termination."""
    h1 = household(casework)  # urban, 3 persons, (750 − 400) × 3 = 1050.00, from July (780 − 400) × 3 = 1140.00
    e1 = enrol(casework, h1, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    h2 = household(casework, size=2, wages="600.00")  # urban, 2 persons, 900.00, from July 960.00
    e2 = enrol(casework, h2, applied_on=date(2024, 2, 10), approved_on=date(2024, 3, 5))  # paid from April
    h3 = household(
        casework, size=1, wages="0", area=AreaType.RURAL, division="430112002001", head_birth=date(1954, 4, 4)
    )  # rural, 1 person, 600.00, from July 630.00
    e3 = enrol(casework, h3, applied_on=date(2024, 1, 20), approved_on=date(2024, 2, 5))
    # The raise was recorded before the approvals: each approval recorded July's amount with it, so the
    # re-computation job finds nothing left to change.
    assert raise_standards(casework) == 0
    for hid, eid in ((h1, e1), (h2, e2), (h3, e3)):
        july = casework.get_household(hid).enrolment(eid).entitlement_on(date(2024, 7, 1))
        assert july is not None
        assert (july.effective_on, july.cause) == (date(2024, 7, 1), "parameter")
    decide(casework, commands.Suspend, h2, e2, date(2024, 8, 10), "NOT_REACHABLE", "家庭失联")
    casework.handle(
        commands.Resume(household_id=h2, enrolment_id=e2, meta=by(APPROVER, date(2024, 10, 15)))
    )  # October unpaid, November paid
    moved_away(casework, h3, e3, date(2024, 9, 5), "迁出本区")
    paid = {m: payroll.handle(pay(m, APPROVER)).issued_amount for m in month_firsts(MARCH, date(2024, 12, 1))}
    assert [str(a) for a in paid.values()] == [
        "1650.00",  # Mar: H1 1050 + H3 600
        "2550.00",  # Apr: + H2 900
        "2550.00",
        "2550.00",
        "2730.00",  # Jul: 1140 + 960 + 630
        "2730.00",  # Aug: H2 suspended from 10 August, paid for August
        "1770.00",  # Sep: H1 1140 + H3 630 (terminated from 5 September, paid for September)
        "1140.00",  # Oct: H2 suspended on 1 October
        "2100.00",  # Nov: H1 1140 + H2 960
        "2100.00",
    ]
    figures = Reports(views, fixed_clock).statistics("2024-03", "2024-12", None, APPROVER)
    assert figures["funds"] == "21870.00"
    assert figures["household_months"] == 24  # H1 10, H2 7, H3 7
    assert figures["person_months"] == 51  # 30 + 14 + 7
    assert figures["average_benefit"] == "428.82"  # 21870.00 / 51
    assert figures["funds_wan"] == "2.19"
    assert figures["on_roll"]["households"] == 2
    assert figures["on_roll"]["persons"] == 5
    assert figures["on_roll"]["programs"]["dibao"]["by_area_type"] == {"urban": {"households": 2, "persons": 5}}
    assert figures["new"]["households"] == 3
    assert figures["new"]["persons"] == 6
    assert figures["new"]["programs"]["dibao"]["by_area_type"]["rural"] == {"households": 1, "persons": 1}
    assert figures["exits"]["households"] == 1
    assert figures["exits"]["by_program"]["dibao"]["by_reason"] == {"MOVED_AWAY": 1}
    september = Reports(views, fixed_clock).statistics("2024-09", "2024-09", None, APPROVER)
    # H3, terminated on 5 September, is paid for September: on the roll until the month ends
    assert (september["on_roll"]["households"], september["on_roll"]["persons"]) == (2, 4)
    assert (september["suspended"]["households"], september["suspended"]["persons"]) == (1, 2)
    assert september["funds"] == "1770.00"
    assert september["new"]["households"] == 0
    rural = Reports(views, fixed_clock).statistics("2024-03", "2024-12", "430112002", APPROVER)
    assert rural["funds"] == "4290.00"  # 4 × 600 + 3 × 630


def test_payments_name_the_beneficiaries_in_force_that_month(casework: Casework, payroll: Payroll) -> None:
    """After a review drops a member who moved out, later payments cover the remaining beneficiaries only."""
    hid = household(casework)
    eid = enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    payroll.handle(pay(MARCH, APPROVER))
    child = [p for p, m in casework.get_household(hid).members.items() if m.relation == "child"][0]
    removed(casework, hid, child, date(2024, 3, 10), RemovalCause.MOVED_OUT)
    casework.handle(commands.Review(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, date(2024, 3, 20))))
    payroll.handle(pay(date(2024, 4, 1), APPROVER))
    april = casework.repository.get(payroll_id(date(2024, 4, 1), "430112"))
    march = casework.repository.get(payroll_id(MARCH, "430112"))
    assert len(march.paid[eid].beneficiaries) == 3  # type: ignore[attr-defined]
    assert child not in april.paid[eid].beneficiaries  # type: ignore[attr-defined]
    assert len(april.paid[eid].beneficiaries) == 2  # type: ignore[attr-defined]


def test_the_replay_fallback_pays_what_the_views_would(casework: Casework, views: Views) -> None:
    """Without views, the payroll can take the payable enrolments from replaying every household: same result."""
    for wages in ("1200.00", "600.00"):
        enrol(casework, household(casework, wages=wages), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    views.catch_up()
    expected = views.store.payable_on(MARCH, "430112")
    fallback = Payroll(casework, views, source=lambda on, prefix: payable_by_replay(casework, on, prefix))
    report = fallback.handle(pay(MARCH, APPROVER))
    assert (report.issued, report.issued_amount) == (2, D("2700.00"))  # 1050.00 + (750 − 200) × 3
    assert {r.enrolment_id for r in expected} == set(payroll_months(casework)[0].paid)
