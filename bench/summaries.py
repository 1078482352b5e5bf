"""Statistics from the monthly summaries against the full recount, and one district's reads in stores
of two sizes (issue 14). Not part of ``make bench``; run it alone:

    .venv/bin/python -m bench.summaries [households] [counties]     # default 2000 10

It simulates the demo district (``households``, a year with its payrolls) on a scratch PostgreSQL
database, measures at that size, clones the district's view rows into ``counties`` counties (as
``bench.data`` does; the clones are marked stale and summarised by the first read, which is timed
apart) and measures again: statistics for 2024 over the province and over one district, by the
summaries and by the recount; the district's roll and worklist; the plans PostgreSQL chooses.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

from application.views.reports import Reports
from bench.common import new_schema, scratch_database, timed
from bench.data import SOURCE_COUNTY, clone_views, close, generate_district, services
from domain.values import Actor, Program, Role

ANALYST = Actor("bench", Role.ANALYST, "43")
CASEWORKER = Actor("bench", Role.CASEWORKER, SOURCE_COUNTY)


def _step(what: str, done: int, total: int) -> None:
    if done == total or done % max(1, total // 10) == 0:
        print(f"  {what}: {done}/{total}", file=sys.stderr, flush=True)


def measure(svc: Any, repeat: int) -> dict[str, Any]:
    """Statistics (province, district) by summaries and by recount; the district's roll and worklist."""
    clock = lambda: datetime.now(UTC)  # noqa: E731
    fast, exact = Reports(svc.views, clock), Reports(svc.views, clock, recount=True)
    store = svc.views.store
    t = time.perf_counter()
    summarised = store.refresh_summaries("")
    first_read = time.perf_counter() - t
    out: dict[str, Any] = {"summarised_divisions": summarised, "summarising_seconds": round(first_read, 2)}
    for name, prefix in (("province", "43"), ("district", SOURCE_COUNTY)):
        out[f"statistics_{name}_summaries"] = timed(
            lambda p=prefix: fast.statistics("2024-01", "2024-12", p, ANALYST), repeat
        ).summary()
        out[f"statistics_{name}_recount"] = timed(
            lambda p=prefix: exact.statistics("2024-01", "2024-12", p, ANALYST), max(2, repeat // 5)
        ).summary()
    roll = lambda: fast.roll(Program.DIBAO, date(2024, 12, 1), None, CASEWORKER)  # noqa: E731
    out["roll_district"] = timed(roll, repeat).summary()
    out["worklist_district"] = timed(lambda: fast.worklist(CASEWORKER), repeat).summary()
    return out


def plans(svc: Any) -> dict[str, str]:
    """The plans of one district's reads (EXPLAIN, the statements the store runs)."""
    store = svc.views.store
    t = store.t
    statements = {
        "roll": f"SELECT * FROM {t('periods')} p WHERE p.program = 'dibao' AND p.status IN ('active', 'gradual_exit') "
        "AND p.division_code >= '430112' AND p.division_code < '430113'",
        "worklist": f"SELECT * FROM {t('enrolments')} e WHERE e.division_code >= '430112' "
        "AND e.division_code < '430113'",
        "summary": f"SELECT k1, k2, SUM(fen) FROM {t('summary')} WHERE figure = 'paid' AND month >= '2024-01-01' "
        "AND month <= '2024-12-01' AND division_code >= '430112' AND division_code < '430113' GROUP BY k1, k2",
    }
    out = {}
    with store.read() as c:
        for name, sql in statements.items():
            c.execute("EXPLAIN " + sql)
            out[name] = "\n".join(str(next(iter(r.values()))) for r in c.fetchall())
    return out


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    counties = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    results: dict[str, Any] = {"households": households, "counties": counties}
    with scratch_database("jiuzhu_summaries") as database:
        schema = new_schema(database, "s")
        svc = services(database, schema)
        try:
            results["district"] = generate_district(svc, households, 20240101, _step)
            svc.views.catch_up()
            results["small"] = measure(svc, 20)
            results["small_plans"] = plans(svc)
            results["clone"] = clone_views(database, schema, counties, _step)
            svc.views.store.mark_all_stale()
            results["large"] = measure(svc, 20)
            results["large_plans"] = plans(svc)
        finally:
            close(svc)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
