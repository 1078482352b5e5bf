"""The data the read benchmarks run on, and the projection and payroll measured on it.

1. A synthetic district (``application.demo.District``: households simulated for a year through the
   application, twelve payrolls included) is generated on PostgreSQL.
2. The views are rebuilt from its whole event log: full rebuild time and projection events/s.
3. Its view rows are cloned into further counties (new ids, the county code replaced, the same
   amounts, dates and people) until the views hold N households: what statistics, rolls and the
   payroll read. Cloning is a fixture, not a figure: a province of N households simulated event by
   event would take hours (see results.md for the estimate).
4. The payroll for the month after the simulated year runs over all N households.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg

from bench.common import PG
from infrastructure.view_schema import PREFIX, TABLES

SOURCE_COUNTY = "430112"
IDS = frozenset({"household_id", "person_id", "enrolment_id", "grant_id"})
Step = Callable[[str, int, int], None]


def settings_for(database: str, schema: str, **more: Any) -> Any:
    from infrastructure.settings import Settings

    return Settings(
        database="postgres",
        postgres_dsn=f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        postgres_schema=schema,
        _env_file=None,  # type: ignore[call-arg]
        **more,
    )


def services(database: str, schema: str) -> Any:
    """The composition root's services on a schema of the scratch database."""
    from api.composition import build_services

    return build_services(settings_for(database, schema))


def close(services: Any) -> None:
    services.views.close()
    services.casework.close()


def generate_district(services: Any, households: int, seed: int, step: Step) -> dict[str, Any]:
    """Simulate the district through the application; its report and the time it took."""
    from application.demo import District

    district = District(services.casework, payroll=services.payroll, seed=seed, households=households)
    report = district.run(step)
    events = services.casework.recorder.max_notification_id() or 0
    return {
        "households": report.households,
        "commands": report.commands,
        "events": events,
        "seconds": round(report.seconds, 2),
        "commands_per_second": round(report.commands / report.seconds, 1),
        "payments": sum(n for n, _ in report.payroll.values()),
    }


def rebuild(services: Any, step: Step) -> dict[str, Any]:
    """Empty the views and project the whole log again (a cold household cache)."""
    views = services.views
    views.projection.cache.clear()
    t = time.perf_counter()
    done = views.rebuild(lambda position, last: step("rebuilding the views", position, last))
    seconds = time.perf_counter() - t
    return {"events": done, "seconds": round(seconds, 2), "events_per_second": round(done / seconds, 1)}


def county_codes(count: int) -> list[str]:
    """``count`` county codes of the province (43), 430112 first (the simulated district)."""
    codes = [SOURCE_COUNTY]
    k = 0
    while len(codes) < count:
        code = f"43{k // 40 + 1:02d}{k % 40 + 1:02d}"
        if code != SOURCE_COUNTY:
            codes.append(code)
        k += 1
    return codes


def _columns(conn: psycopg.Connection[Any], schema: str, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "ORDER BY ordinal_position",
        (schema, table),
    ).fetchall()
    return [r[0] for r in rows]


def _expression(column: str) -> str:
    if column in IDS:
        return f"md5(s.{column} || ':' || c.k)::uuid::text"
    if column == "division_code":
        return "c.county || substr(s.division_code, 7)"
    if column == "beneficiaries":
        return (
            "(SELECT coalesce(string_agg(md5(b || ':' || c.k)::uuid::text, ' ' ORDER BY o), '') "
            "FROM unnest(string_to_array(s.beneficiaries, ' ')) WITH ORDINALITY AS x(b, o))"
        )
    return f"s.{column}"


def clone_views(database: str, schema: str, copies: int, step: Step, chunk: int = 25) -> dict[str, Any]:
    """Copy the district's view rows into ``copies - 1`` more counties; ANALYZE the tables after."""
    codes = county_codes(copies)
    t = time.perf_counter()
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        statements = []
        for table in TABLES:
            name = f"{PREFIX}{table}"
            cols = _columns(conn, schema, name)
            select = ", ".join(_expression(col) for col in cols)
            source = (
                f"s.division_code LIKE '{SOURCE_COUNTY}%%'"
                if "division_code" in cols
                else f'''s.household_id IN (SELECT household_id FROM "{schema}".{PREFIX}households '''
                f"WHERE division_code LIKE '{SOURCE_COUNTY}%%')"
            )
            statements.append(
                f'INSERT INTO "{schema}".{name} ({", ".join(cols)}) SELECT {select} '
                f'FROM "{schema}".{name} s, unnest(%s::int[], %s::text[]) AS c(k, county) WHERE {source}'
            )
        extra = list(range(1, copies))
        for start in range(0, len(extra), chunk):
            ks = extra[start : start + chunk]
            with conn.transaction():
                for sql in statements:
                    conn.execute(sql, (ks, [codes[k] for k in ks]))
            step("cloning the district's views", start + len(ks), len(extra))
        # the clones bypassed the projection: their divisions' summaries are stale (summarised on first read)
        conn.execute(
            f'INSERT INTO "{schema}".{PREFIX}stale (division_code, position) SELECT DISTINCT division_code, 0 '
            f'FROM "{schema}".{PREFIX}households ON CONFLICT (division_code) DO NOTHING'
        )
        for table in TABLES:
            conn.execute(f'ANALYZE "{schema}".{PREFIX}{table}')
        households = conn.execute(f'SELECT count(*) FROM "{schema}".{PREFIX}households').fetchone()
    return {
        "counties": copies,
        "households": int(households[0]) if households else 0,
        "seconds": round(time.perf_counter() - t, 1),
    }


def payroll(services: Any, month: str, step: Step) -> dict[str, Any]:
    """The month's payroll for the whole province, timed as a whole and by phase."""
    from application.commands import Meta, RunPayroll
    from domain.values import Actor, Role

    actor = Actor("bench-approver", Role.APPROVER, "43")
    first = services.payroll.month(month)
    t = time.perf_counter()
    payable = services.views.store.payable_on(first, actor.jurisdiction)
    query = time.perf_counter() - t
    before = services.casework.recorder.max_notification_id() or 0
    t = time.perf_counter()
    cmd = RunPayroll(meta=Meta(actor=actor, effective_on=first))
    run = services.payroll.handle(cmd, lambda done, total: step("payroll", done, total))
    seconds = time.perf_counter() - t
    events = (services.casework.recorder.max_notification_id() or 0) - before
    return {
        "month": month,
        "payable": len(payable),
        "payable_query_seconds": round(query, 3),
        "issued": run.issued,
        "amount": str(run.issued_amount),
        "counties": len(run.counties),
        "events": events,
        "seconds": round(seconds, 2),
        "events_per_second": round(events / seconds, 1),
        "payments_per_second": round(run.issued / seconds, 1),
    }
