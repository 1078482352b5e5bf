"""Every per-jurisdiction read of a district is served by an index on the division: the statements the
store runs for one district's statistics (summaries), roll and worklist, EXPLAINed on PostgreSQL with
sequential scans priced out, read through an index whose leading column is the division code —
so their cost follows the district's rows, not the store's (figures in bench/NOTES.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest

from api.composition import SEED_ACTOR
from application.casework import Casework
from application.views.projection import Views
from application.views.reports import Reports
from domain.values import Actor, Program, Role
from infrastructure.policy_seed import load_seed
from tests.conftest import _postgres_env
from tests.support import fixed_clock

DIVISION_INDEXES = ("summary_read", "summary_rollup_read", "periods_division", "enrolments_division", "stale_pkey")


@pytest.fixture
def views(postgres_database: str) -> Iterator[Views]:
    app = Casework(env=_postgres_env(postgres_database), clock=fixed_clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    yield views
    views.close()
    app.close()


def _statements(views: Views, read: Any) -> list[tuple[str, Sequence[Any]]]:
    """The statements the store runs for ``read``, with their parameters."""
    store: Any = views.store
    seen: list[tuple[str, Sequence[Any]]] = []
    original = store._rows

    def spy(sql: str, params: Sequence[Any]) -> list[Any]:
        seen.append((sql, params))
        return list(original(sql, params))

    store._rows = spy
    try:
        read()
    finally:
        del store._rows
    return seen


def _plan(views: Views, sql: str, params: Sequence[Any]) -> str:
    store: Any = views.store
    with store.write() as c:
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute("EXPLAIN " + store.q(sql), tuple(params))
        return "\n".join(str(next(iter(r.values()))) for r in c.fetchall())


@pytest.mark.postgres
def test_a_districts_statistics_roll_and_worklist_read_through_a_division_index(views: Views) -> None:
    reports = Reports(views, fixed_clock)
    caseworker = Actor("cw", Role.CASEWORKER, "430112")
    reads = {
        "statistics": lambda: reports.statistics("2024-01", "2024-12", "430112", caseworker),
        "roll": lambda: reports.roll(Program.DIBAO, date(2024, 6, 1), None, caseworker),
        "worklist": lambda: reports.worklist(caseworker),
    }
    for name, read in reads.items():
        statements = [(sql, p) for sql, p in _statements(views, read) if "division_code >=" in sql]
        assert statements, name
        for sql, params in statements:
            plan = _plan(views, sql, params)
            assert "Seq Scan" not in plan, (name, sql, plan)
            assert any(f"jiuzhu_view_{index}" in plan for index in DIVISION_INDEXES), (name, sql, plan)
            assert re.search(r"Index Cond: .*division_code >= 'C?430112'", plan), (name, sql, plan)
