"""The recalculation follower: each new parameter value re-prices the enrolments it governs exactly once,
tracked under the follower's own name (application/followers.py, docs/architecture.md "Followers")."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from api.composition import build_services, migrate
from application import commands
from application.casework import Casework
from application.followers import NAME, Recalculation, follower_worker
from domain.household import Household
from domain.policy import ParameterValue
from domain.values import Actor, Role
from infrastructure.leases import open_lease
from infrastructure.settings import Settings
from infrastructure.tracking import open_tracking
from tests.application.scenarios import enrol, household
from tests.support import by

ADMIN = Actor("ad-1", Role.ADMIN, "430112")


def follower(casework: Casework) -> Recalculation:
    """A follower as a process builds it on start: its own tracking recorder over the store."""
    return Recalculation(casework, open_tracking(casework.recorder, dict(casework.env)))


def raise_urban(casework: Casework, to: str = "850.00", request_id: str | None = "req-raise") -> ParameterValue:
    """Record a new urban standard for the district from 2025-07-01 (nothing re-priced yet)."""
    return casework.handle(
        commands.SetParameter(
            name="dibao.standard.urban",
            jurisdiction="430112",
            value=to,
            legal_basis="测试：城市低保标准调整",
            meta=by(ADMIN, date(2025, 7, 1), reason="标准调整", request_id=request_id),
        )
    )


def parameter_changes(casework: Casework, hid: UUID) -> list[Household.EntitlementChanged]:
    """The changes of what is due that a raise to 850.00 caused."""
    return [
        e
        for e in casework.repository.event_store.get(hid)
        if isinstance(e, Household.EntitlementChanged) and e.cause == "parameter" and "850.00" in (e.reason or "")
    ]


def enrolled(casework: Casework) -> tuple[UUID, UUID]:
    """A household of 3 (per capita 400.00) on dibao from February 2025."""
    hid = household(casework, registered_on=date(2025, 1, 10))
    return hid, enrol(casework, hid, applied_on=date(2025, 1, 15), approved_on=date(2025, 1, 27))


def test_a_new_value_is_followed_once_under_the_followers_own_name(casework: Casework) -> None:
    """A raise to 850.00 from July re-prices the enrolment once ((850 − 400) × 3 from July), recorded with the
    value's request id; following again handles nothing and records nothing; the position is the value's."""
    hid, eid = enrolled(casework)
    f = follower(casework)
    assert f.start_at_end() is True
    assert f.start_at_end() is False  # started once
    raise_urban(casework)
    head = casework.recorder.max_notification_id()
    [handled] = f.follow()
    assert handled.value.value == Decimal("850.00")
    assert handled.report.recorded
    assert casework.get_household(hid).enrolment(eid).amount_on(date(2025, 7, 1)) == Decimal("1350.00")
    recorded = parameter_changes(casework, hid)  # July, and February 2030 when the child comes of age
    assert recorded
    assert {e.request_id for e in recorded} == {"req-raise"}
    assert f.follow() == []
    assert parameter_changes(casework, hid) == recorded
    assert f.position() == handled.position == head
    assert f.tracking.max_tracking_id(NAME) == head
    assert f.tracking.max_tracking_id(casework.name) != head  # the views' position is their own


def test_a_store_that_never_ran_the_follower_starts_at_the_end(casework: Casework) -> None:
    """Values recorded before the follower first starts (the seed, and a raise set before followers
    existed) are not re-run: the follower starts after what is recorded."""
    hid, _ = enrolled(casework)
    raise_urban(casework)
    f = follower(casework)
    f.start_at_end()
    assert f.position() == casework.recorder.max_notification_id()
    assert f.follow() == []
    assert parameter_changes(casework, hid) == []  # not re-priced by the follower (nor by anything else here)


class Crash(Exception):
    """The process died between re-pricing and tracking."""


def test_a_crash_between_repricing_and_tracking_records_nothing_twice(
    casework: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run, crash before the tracking record, run again (a new process): the value is handled again, its
    re-pricing finds nothing left to record, and the position moves on — no EntitlementChanged twice."""
    hid, _ = enrolled(casework)
    first = follower(casework)
    first.start_at_end()
    start = first.position()
    raise_urban(casework)
    value_at = casework.recorder.max_notification_id()

    def crash(tracking: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(first.tracking, "insert_tracking", crash)
        with pytest.raises(Crash):
            first.follow()
    recorded = parameter_changes(casework, hid)
    assert recorded  # recorded, not tracked
    assert follower(casework).position() == start

    [again] = follower(casework).follow()  # the restarted process
    assert again.report.recorded == []
    assert parameter_changes(casework, hid) == recorded
    assert follower(casework).position() == again.position == value_at


def test_two_followers_racing_for_a_value_record_it_once(casework: Casework) -> None:
    """Two followers handle the same value (the HTTP request inline and a worker): the re-pricing is
    recorded once, and only one of them tracks the value."""
    hid, _ = enrolled(casework)
    one, two = follower(casework), follower(casework)
    one.start_at_end()
    raise_urban(casework)
    position = casework.recorder.max_notification_id()
    first = one.follow()
    second = two._handle(casework.recorder.select_notifications(position, 1)[0])  # two read the same page
    assert len(first) == 1
    assert first[0].report.recorded
    assert second is None
    assert len(parameter_changes(casework, hid)) == len(first[0].report.recorded)


def test_the_follow_worker_takes_the_lease_and_follows(casework: Casework) -> None:
    """``jiuzhu follow``'s loop: with the followers' lease it handles the new value once; a second worker
    stands by without the lease and handles nothing."""
    hid, _ = enrolled(casework)
    f = follower(casework)
    f.start_at_end()
    raise_urban(casework)
    leader = follower_worker(f, open_lease(dict(casework.env), "followers"), interval=0.01)
    standby = follower_worker(follower(casework), open_lease(dict(casework.env), "followers"), interval=0.01)
    stop = threading.Event()
    try:
        leader.step(stop)
        standby.step(stop)
        assert (leader.leading, leader.projected) == (True, 1)
        assert (standby.leading, standby.projected) == (False, 0)
        assert parameter_changes(casework, hid)
    finally:
        leader.lease.release()
        standby.lease.release()


def test_services_start_the_follower_at_the_end_and_migrating_does_not(tmp_path: Path) -> None:
    """``jiuzhu migrate`` leaves the follower unstarted (a store imported next keeps its history un-re-run);
    the first services built start it at the log's end, after the policy seed; later ones keep its position."""
    settings = Settings(database="sqlite", sqlite_path=tmp_path / "j.sqlite", _env_file=None)  # type: ignore[call-arg]
    migrate(settings)
    services = build_services(settings)
    try:
        seeded = services.casework.recorder.max_notification_id()
        assert seeded
        assert services.recalculation.position() == seeded
        raise_urban(services.casework)
    finally:
        services.views.close()
        services.casework.close()
    again = build_services(settings)
    try:
        assert again.recalculation.position() == seeded  # the new value is still to follow
        [handled] = again.recalculation.follow()
        assert handled.value.value == Decimal("850.00")
    finally:
        again.views.close()
        again.casework.close()
