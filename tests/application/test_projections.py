"""The views: dated enrolment periods, rolls, crash and resume, rebuild, and the background runner.

On POPO the views are an in-memory SQLite database; on SQLite and PostgreSQL they sit beside the
events. Every test runs on every backend unless it says otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from application import commands
from application.casework import Casework
from application.payroll import Payroll
from application.views.periods import pieces
from application.views.projection import Views
from application.views.reports import Reports
from domain.enrolment import PAYABLE, Enrolment, Status, Step
from domain.members import RemovalCause
from domain.values import Program
from infrastructure.views import SQLViewStore
from tests.application.scenarios import enrol, household, month_firsts
from tests.application.steps import decide, grant, moved_away, removed
from tests.support import APPROVER, CASEWORKER, by, fixed_clock, pay

D = Decimal
MARCH = date(2024, 3, 1)


def test_periods_mirror_status_on_for_every_day() -> None:
    """The derived periods give, day by day, the status and amount ``status_on``/``amount_on`` give."""
    d = date
    e = Enrolment(uuid4(), Program.DIBAO, (uuid4(),), d(2024, 1, 10), "cw-1", benefits_from=d(2024, 3, 1))
    e.exit_until = d(2025, 2, 1)
    e.steps.extend(
        [
            Step(d(2024, 1, 10), Status.APPLIED, D("0.00")),
            Step(d(2024, 1, 20), Status.REVIEWED, D("0.00")),
            Step(d(2024, 2, 2), Status.APPROVED, D("1050.00")),
            Step(d(2024, 7, 1), Status.ACTIVE, D("1140.00")),
            Step(d(2024, 8, 10), Status.SUSPENDED, D("1140.00")),
            Step(d(2024, 8, 10), Status.ACTIVE, D("1140.00")),  # same day: the later step wins
            Step(d(2024, 9, 15), Status.SUSPENDED, D("1140.00")),
            Step(d(2024, 10, 15), Status.GRADUAL_EXIT, D("1140.00")),
        ]
    )
    ps = pieces(e)
    assert [(p.start, p.status) for p in ps] == [
        (d(2024, 1, 10), Status.APPLIED),
        (d(2024, 1, 20), Status.REVIEWED),
        (d(2024, 2, 2), Status.APPROVED),
        (d(2024, 3, 1), Status.ACTIVE),
        (d(2024, 7, 1), Status.ACTIVE),
        (d(2024, 8, 10), Status.ACTIVE),
        (d(2024, 9, 15), Status.SUSPENDED),
        (d(2024, 10, 15), Status.GRADUAL_EXIT),
        (d(2025, 2, 1), Status.TERMINATED),
    ]
    day = d(2024, 1, 1)
    while day < d(2025, 6, 1):
        covering = [p for p in ps if p.start <= day and (p.end is None or day < p.end)]
        assert len(covering) <= 1
        status = covering[0].status if covering else None
        assert status == e.status_on(day), day
        if status in PAYABLE:
            assert covering[0].amount == e.amount_on(day), day
        day += timedelta(days=1)


def test_views_follow_an_enrolment_through_its_life(casework: Casework, views: Views) -> None:
    """Payable and on-roll queries answer by date; reasons, starts and ends are kept per enrolment."""
    hid = household(casework)
    eid = enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    decide(casework, commands.Suspend, hid, eid, date(2024, 5, 10), "NOT_REACHABLE", "失联")
    casework.handle(commands.Resume(household_id=hid, enrolment_id=eid, meta=by(APPROVER, date(2024, 6, 20))))
    moved_away(casework, hid, eid, date(2024, 9, 5))
    views.catch_up()
    store = views.store
    payable = {
        m: [r.enrolment_id for r in store.payable_on(m, "430112")]
        for m in month_firsts(date(2024, 2, 1), date(2024, 10, 1))
    }
    h = casework.get_household(hid)
    assert payable == {m: [eid] if h.enrolment(eid).status_on(m) in PAYABLE else [] for m in payable}
    assert [m.month for m, ids in payable.items() if ids] == [3, 4, 5, 7, 8, 9]
    assert store.count_on(date(2024, 6, 1), "430112", ("suspended",))[0].persons == 3
    assert store.payable_on(MARCH, "430113") == []  # another county
    (row,) = [e for e, _ in store.open_enrolments("43", date(2024, 3, 1))] or [None]  # terminated: not open
    assert row is None
    # terminated on 5 September: September is still paid, the exit takes effect in October
    assert store.count_ended(date(2024, 9, 1), date(2024, 9, 30), "430112", ("exit_reason",)) == []
    ended = store.count_ended(date(2024, 10, 1), date(2024, 10, 31), "430112", ("exit_reason",))
    assert [(c.key, c.households) for c in ended] == [(("MOVED_AWAY",), 1)]
    started = store.count_started(MARCH, date(2024, 3, 31), "430112")
    assert (started[0].households, started[0].persons) == (1, 3)


def test_the_roll_lists_the_beneficiaries_in_force_on_the_date(casework: Casework, views: Views) -> None:
    """A member who moved out is on the roll before the review that dropped them, not after."""
    hid = household(casework, head_name="王建国")
    eid = enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    child = next(p for p, m in casework.get_household(hid).members.items() if m.relation == "child")
    removed(casework, hid, child, date(2024, 4, 10), RemovalCause.MOVED_OUT)
    casework.handle(commands.Review(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, date(2024, 4, 20))))
    reports = Reports(views, fixed_clock)
    before = reports.roll(Program.DIBAO, date(2024, 4, 1), None, APPROVER)
    after = reports.roll(Program.DIBAO, date(2024, 5, 1), None, APPROVER)
    assert [r.person_id for r in before.rows][-1] == child
    assert len(before.rows) == 3
    assert child not in [r.person_id for r in after.rows]
    assert len(after.rows) == 2
    assert before.rows[0].name == "王建国"
    assert before.rows[0].id_masked.count("*") == 8
    assert {r.household_amount for r in before.rows} == {D("1050.00")}


class Crash(list):  # type: ignore[type-arg]
    """A non-empty batch of payments that blows up while the batch is being written."""

    def __iter__(self) -> Iterator[Any]:
        raise RuntimeError("the process died in the middle of a batch")


def test_a_crash_in_the_middle_of_a_batch_resumes_without_counting_twice(casework: Casework) -> None:
    """A page that fails half-way leaves nothing behind; a restarted projection finishes with exact totals."""
    for _ in range(3):
        enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    first = Views(casework, page_size=7)
    payroll = Payroll(casework, first)
    for month in month_firsts(MARCH, date(2024, 5, 1)):
        payroll.handle(pay(month, APPROVER))
    expected = first.store.count_payments(MARCH, date(2024, 5, 1), "43")[0]
    assert (expected.enrolments, expected.amount) == (9, D("9450.00"))
    store = first.store
    original = store.record

    def crashing(households: Sequence[Any], payments: Sequence[Any], tracking: Any) -> None:
        if any(p.month == date(2024, 5, 1) for p in payments):
            original(households, Crash(payments), tracking)  # the page with May's payments dies mid-write
        original(households, payments, tracking)

    store.record = crashing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="middle of a batch"):
        first.rebuild()
    stuck = first.position()
    assert 0 < stuck < casework.recorder.max_notification_id()
    assert first.store.count_payments(MARCH, date(2024, 5, 1), "43")[0].enrolments < 9  # the page is lost whole
    store.record = original  # type: ignore[method-assign]
    restarted = Views(casework, store=store)  # a new process: empty cache, same tables
    assert restarted.catch_up() > 0
    again = restarted.store.count_payments(MARCH, date(2024, 5, 1), "43")[0]
    assert (again.enrolments, again.persons, again.amount) == (9, 27, D("9450.00"))
    assert restarted.position() == casework.recorder.max_notification_id()
    restarted.close()
    first.close()


def test_a_restarted_projection_continues_from_its_position(casework: Casework, views: Views) -> None:
    """Views built again on the same store process only what was recorded since."""
    if casework.env.get("PERSISTENCE_MODULE") == "eventsourcing.popo":
        pytest.skip("POPO views live in memory: a new process starts them from scratch")
    enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    views.catch_up()
    position = views.position()
    household(casework)
    again = Views(casework)
    try:
        assert again.position() == position
        assert again.catch_up() > 0
        assert again.position() == casework.recorder.max_notification_id()
    finally:
        again.close()


def test_rebuild_gives_the_same_figures(casework: Casework, views: Views) -> None:
    """Emptying the views and projecting the whole log again gives the same statistics."""
    for i in range(3):
        enrol(
            casework,
            household(casework, wages=f"{900 + 100 * i}.00"),
            applied_on=date(2024, 1, 15),
            approved_on=date(2024, 2, 2),
        )
    payroll = Payroll(casework, views)
    payroll.handle(pay(MARCH, APPROVER))
    reports = Reports(views, fixed_clock)
    before = reports.statistics("2024-01", "2024-06", None, APPROVER)
    seen: list[tuple[int, int]] = []
    views.rebuild(progress=lambda done, last: seen.append((done, last)))
    assert seen[-1][0] == seen[-1][1] == casework.recorder.max_notification_id()
    assert reports.statistics("2024-01", "2024-06", None, APPROVER) == before


def test_the_background_runner_lets_a_reader_wait_for_its_write(casework: Casework, views: Views) -> None:
    """With the runner polling, ``wait_for`` returns once the views hold the caller's last write."""
    views.start(interval=0.01)
    enrol(casework, household(casework), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    position = casework.recorder.max_notification_id()
    views.wait_for(position, timeout=10)
    assert views.position() >= position
    assert len(views.store.payable_on(MARCH, "43")) == 1
    assert views.error is None


@pytest.mark.parametrize("backend_env", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_two_processes_catching_up_at_once_count_each_event_once(make_casework: Callable[[], Casework]) -> None:
    """Two projections racing over the same log and tables record each page once (tracking in the same transaction)."""
    setup = make_casework()
    for _ in range(6):
        enrol(setup, household(setup), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    seed = Views(setup)
    Payroll(setup, seed, batch_size=2).handle(pay(MARCH, APPROVER))
    seed.store.reset(setup.name)
    seed.close()
    racers = [Views(make_casework(), page_size=5) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def race(v: Views) -> None:
        barrier.wait()
        try:
            v.catch_up()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=race, args=(v,)) for v in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    totals = racers[0].store.count_payments(MARCH, MARCH, "43")[0]
    assert (totals.enrolments, totals.amount) == (6, D("6300.00"))
    assert racers[0].position() == setup.recorder.max_notification_id()
    for v in racers:
        v.close()


def test_the_view_store_is_the_library_tracking_recorder(views: Views) -> None:
    """The views are a TrackingRecorder: positions are the library's tracking records."""
    from eventsourcing.persistence import TrackingRecorder

    assert isinstance(views.store, SQLViewStore)
    assert isinstance(views.store, TrackingRecorder)
    assert views.position() == 0


def test_temporary_assistance_grants_are_counted_by_level(casework: Casework, views: Views) -> None:
    """Grants in the period: how many, the funds, the split district / township and the average per grant."""
    from domain.rules.temporary import ApprovalLevel

    hid = household(casework)
    for level, amount, day in (
        (ApprovalLevel.DISTRICT, "2000.00", date(2024, 3, 5)),
        (ApprovalLevel.TOWNSHIP, "500.00", date(2024, 4, 9)),
        (ApprovalLevel.TOWNSHIP, "300.00", date(2024, 7, 1)),
    ):
        grant(casework, hid, level, amount, day, actor=APPROVER)
    figures = Reports(views, fixed_clock).statistics("2024-03", "2024-06", None, APPROVER)
    assert figures["temporary_assistance"] == {
        "grants": 2,
        "funds": "2500.00",
        "average_per_grant": "1250.00",
        "by_level": {"district": {"grants": 1, "funds": "2000.00"}, "township": {"grants": 1, "funds": "500.00"}},
    }
