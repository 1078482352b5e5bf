"""`make chaos`: break a running jiuzhu on this machine's PostgreSQL and count what survived.

On a fresh database: two API workers (`jiuzhu serve --workers 2`) and two projection workers
(`jiuzhu project`) run while client threads write over HTTP with Idempotency-Key retries. Meanwhile
PostgreSQL is stopped and started again, an API worker is SIGKILLed, and the projection leader is
SIGKILLed (a replacement is started, as a supervisor would). Then a payroll run is SIGKILLed half-way
and run again. At the end every acknowledged write must be stored exactly once, the views must
equal a full replay, and every enrolment must be paid exactly once. Prints the counts; exits 1 if
anything was lost or duplicated. PostgreSQL is always started again, even on failure.

    python -m chaos [--seconds 24] [--clients 8] [--down 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from chaos.check import casework_on, open_casework, payments_per_enrolment, views_equal_a_full_replay
from chaos.cluster import (
    Process,
    fresh_database,
    lease_holder,
    payments_issued,
    restart_postgres,
    run,
    serve,
    service_env,
    slow_inserts,
)
from chaos.load import Load, audit


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=24.0, help="how long the write load runs")
    parser.add_argument("--clients", type=int, default=8, help="client threads writing at once")
    parser.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL stays stopped (0: no restart)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jiuzhu-chaos-") as tmp, fresh_database() as database:
        result = scenario(database, Path(tmp), args.seconds, args.clients, args.down)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    ok = result["store"]["lost"] == 0 and result["store"]["duplicated"] == 0
    ok = ok and result["views_equal_full_replay"] and result["payroll"]["paid_once"]
    print("chaos: " + ("every acknowledged write stored once, nothing lost" if ok else "FAILED"), file=sys.stderr)
    return 0 if ok else 1


def scenario(database: str, tmp: Path, seconds: float, clients: int, down: float) -> dict[str, Any]:
    from domain.values import Role
    from infrastructure.settings import DEV_SECRET
    from infrastructure.tokens import TokenIssuer

    env = service_env(
        database,
        projections="workers",
        idempotency_lease_seconds="5",
        create_tables="false",
        postgres_connect_timeout="1",
    )
    run(["migrate"], env)
    server, url = serve(env, tmp / "serve.log", workers=2)
    projectors = [Process(["project", "--interval", "0.2"], env, tmp / f"project-{i}.log") for i in range(2)]
    token = TokenIssuer(secret=DEV_SECRET, ttl=timedelta(hours=1)).issue("chaos-cw", Role.CASEWORKER, "430112")
    load = Load(url, token, clients=clients, retry_for=120.0)
    events: list[str] = []
    try:
        load.start()
        step = seconds / 4
        time.sleep(step)
        if down > 0:
            away = restart_postgres(down)
            events.append(f"PostgreSQL stopped and started again: away {away:.1f}s")
        time.sleep(step)
        victim = server.children()[0]
        os.kill(victim, signal.SIGKILL)
        events.append(f"API worker {victim} SIGKILLed")
        time.sleep(step)
        leader = lease_holder(database)
        for p in projectors:
            if p.pid == leader:
                p.kill()
                events.append(f"projection leader {leader} SIGKILLed mid-batch")
        projectors.append(Process(["project", "--interval", "0.2"], env, tmp / "project-new.log"))
        time.sleep(step)
        load.stop()
        events.append(f"load stopped after {seconds:.0f}s")
        payroll = payroll_phase(database, env, tmp, events)
        settle(database)
    finally:
        load.stop(timeout=5)
        for p in projectors:
            p.stop()
        server.stop()
    with casework_on(database) as app:
        equal, rows = views_equal_a_full_replay(app)
    result = audit(load.tally, lambda: open_casework(database))
    return {
        "events": events,
        "clients": load.tally.summary(),
        "store": {
            "acknowledged": result.acknowledged,
            "stored": result.stored,
            "retried": load.tally.retried,
            "lost": result.lost,
            "duplicated": result.duplicated,
            "applied_unanswered": load.tally.applied_unanswered,
            "stored_unacknowledged": result.unacknowledged_stored,
        },
        "views_equal_full_replay": equal,
        "view_rows_compared": rows,
        "payroll": payroll,
    }


def payroll_phase(database: str, env: dict[str, str], tmp: Path, events: list[str]) -> dict[str, Any]:
    """Enrol households, SIGKILL `jiuzhu payroll` half-way through its batches, run it again."""
    from tests.application.scenarios import enrol, household  # the scenarios' builders (this is a test harness)

    with casework_on(database) as app:
        enrolled = {
            enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2)) for _ in range(80)
        }
    args = ["payroll", "2024-03", "--user", "ap-1", "--jurisdiction", "430112", "--batch-size", "1"]
    slow_inserts(database, on=True)  # each batch takes a little longer: time to kill the run half-way
    first = Process(args, env, tmp / "payroll-1.log")
    try:
        while payments_issued(database) < len(enrolled) // 2 and first.proc.poll() is None:
            time.sleep(0.02)
        halfway = payments_issued(database)
    finally:
        first.kill()
        slow_inserts(database, on=False)
    events.append(f"payroll SIGKILLed after {halfway} of {len(enrolled)} payments; run again")
    run(args, env, timeout=300)
    with casework_on(database) as app:
        paid = payments_per_enrolment(app, date(2024, 3, 1))
    return {
        "enrolments": len(enrolled),
        "killed_after": halfway,
        "paid": sum(paid.values()),
        "paid_once": set(paid) >= enrolled and set(paid.values()) == {1},
    }


def settle(database: str, timeout: float = 120.0) -> None:
    """Wait until the projection workers have reached the end of the log."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=database, autocommit=True) as conn:
        while time.monotonic() < deadline:
            head = conn.execute("SELECT max(notification_id) FROM jiuzhu_events").fetchone()
            row = conn.execute("SELECT notification_id FROM jiuzhu_views_tracking WHERE application_name = 'jiuzhu'")
            position = row.fetchone()
            if head and position and position[0] >= head[0]:
                return
            time.sleep(0.2)
    raise TimeoutError("the projection workers did not catch up")


if __name__ == "__main__":
    sys.exit(main())
