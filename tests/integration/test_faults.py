"""Faults on PostgreSQL with real processes: an API worker killed under write load, a projection worker
killed mid-batch. Each test runs its own database and servers, and prints the counts it checked.

The PostgreSQL restart runs in ``make chaos`` (``python -m chaos``), not here: it would disturb
every other test of the run.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from api.composition import SEED_ACTOR
from chaos.check import casework_on, open_casework, payments_per_enrolment, views_equal_a_full_replay
from chaos.cluster import (
    Process,
    fresh_database,
    lease_holder,
    payments_issued,
    run,
    serve,
    service_env,
    slow_inserts,
)
from chaos.load import Load, audit
from domain.values import Role
from infrastructure.idempotency import LEASE
from infrastructure.policy_seed import load_seed
from infrastructure.settings import DEV_SECRET
from infrastructure.tokens import TokenIssuer
from tests.application.scenarios import enrol, household

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(postgres_database: str) -> Iterator[str]:
    """A database of the test's own (the servers it starts connect to it)."""
    with fresh_database("jiuzhu_fault") as name:
        yield name


def caseworker_token() -> str:
    return TokenIssuer(secret=DEV_SECRET, ttl=timedelta(hours=1)).issue("chaos-cw", Role.CASEWORKER, "430112")


@pytest.mark.parametrize("group_commit", [False], ids=["one-transaction-a-save"])  # True: see docs/scaling.md
def test_killing_an_api_worker_under_load_loses_and_duplicates_nothing(
    database: str, tmp_path: Path, group_commit: bool
) -> None:
    """SIGKILL an API worker mid-load, twice, with the default settings (and with group commit on): every 2xx
    write is stored once, retries duplicate nothing, and a write cut off by the kill is acknowledged within
    seconds (the dead worker's Idempotency-Key lease is no longer renewed), not after minutes."""
    env = service_env(database, group_commit=str(group_commit).lower())
    run(["migrate"], env)
    server, url = serve(env, tmp_path / "serve.log", workers=2)
    load = Load(url, caseworker_token(), clients=6, retry_for=40.0)
    try:
        load.start()
        for _ in range(2):  # each time the supervisor starts a new worker in its place
            time.sleep(2.0)
            os.kill(server.children()[0], signal.SIGKILL)
        time.sleep(3.0)
        load.stop()
    finally:
        server.stop()
    result = audit(load.tally, lambda: open_casework(database))
    print(f"\nworker killed: {load.tally.summary()}\nstore: {result}")
    assert result.lost == 0
    assert result.duplicated == 0
    assert load.tally.failed == 0, load.tally.summary()
    assert result.acknowledged > 50
    assert result.stored == result.acknowledged + load.tally.applied_unanswered + result.unacknowledged_stored
    assert load.tally.longest_retry < LEASE + 10.0, load.tally.summary()


def test_a_projection_worker_killed_mid_batch_is_taken_over(database: str, tmp_path: Path) -> None:
    """Two projection workers: the leader is killed mid-batch, the standby finishes; views equal a full replay."""
    env = service_env(database, create_tables="false")
    run(["migrate"], env)
    with casework_on(database) as app:
        app.seed_policy(load_seed(), SEED_ACTOR)
        for i in range(40):  # ~250 events: enough pages of 5 to be killed in the middle of
            hid = household(app, size=2 + i % 3, wages="600.00")
            enrol(app, hid, applied_on=date(2024, 1, 15))
        head = app.recorder.max_notification_id() or 0
    args = ["project", "--page-size", "5", "--throttle", "0.05", "--interval", "0.1"]
    first = Process(args, env, tmp_path / "first.log")
    second: Process | None = None
    try:
        holder = _wait(lambda: lease_holder(database), 20.0)
        assert holder == first.pid
        second = Process(args, env, tmp_path / "second.log")

        def midway() -> int | None:
            p = _position(database)
            return p if head // 3 < p < head else None

        position = _wait(midway, 20.0)
        first.kill()  # SIGKILL in the middle of the catch-up
        taken = _wait(lambda: lease_holder(database) if lease_holder(database) == second.pid else None, 20.0)
        _wait(lambda: _position(database) >= head or None, 60.0)
    finally:
        first.kill()
        if second is not None:
            second.stop()
    with casework_on(database) as app:
        equal, rows = views_equal_a_full_replay(app)
    print(f"\nleader killed at notification {position} of {head}; taken over by {taken}; {rows} view rows compared")
    assert equal


def test_a_payroll_killed_half_way_and_run_again_pays_every_household_once(database: str, tmp_path: Path) -> None:
    """`jiuzhu payroll` SIGKILLed half-way through its batches, then run again: every enrolment is paid exactly once."""
    env = service_env(database, create_tables="false")
    run(["migrate"], env)
    with casework_on(database) as app:
        app.seed_policy(load_seed(), SEED_ACTOR)
        enrolments = {
            enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2)) for _ in range(60)
        }
    slow_inserts(database, on=True)  # 30 ms a saved event: the run takes seconds, time to kill it half-way
    args = ["payroll", "2024-03", "--user", "ap-1", "--jurisdiction", "430112", "--batch-size", "1"]
    first = Process(args, env, tmp_path / "payroll-1.log")
    try:
        halfway = _wait(lambda: n if 20 < (n := payments_issued(database)) < 50 else None, 60.0)
    finally:
        first.kill()
    slow_inserts(database, on=False)
    run(args, env)
    with casework_on(database) as app:
        paid = payments_per_enrolment(app, date(2024, 3, 1))
    print(f"\npayroll killed after {halfway} of {len(enrolments)} payments; after the re-run: {sum(paid.values())}")
    assert set(paid) == enrolments
    assert set(paid.values()) == {1}


def _position(database: str) -> int:
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=database, autocommit=True) as conn:
        row = conn.execute(
            "SELECT notification_id FROM jiuzhu_views_tracking WHERE application_name = 'jiuzhu'"
        ).fetchone()
    return int(row[0]) if row else 0


def _wait(probe: object, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()  # type: ignore[operator]
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError("the condition did not come true in time")
