"""The payroll decides who has an account to credit from the views (``PayableRow.account_since``), loading
no household from the event store; a store made before the households kept that date (schema version 4)
gets it on migrating: the views are emptied and their position forgotten, and the next catch-up rebuilds
them from the events, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from api.composition import SEED_ACTOR
from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views
from infrastructure.migrations import HISTORY, SCHEMA_VERSION
from infrastructure.policy_seed import load_seed
from tests.application.scenarios import enrol, household
from tests.conftest import PG, _postgres_env
from tests.support import APPROVER, CASEWORKER, fixed_clock, pay, payee_account

MARCH = date(2024, 3, 1)


def three_households(app: Casework) -> dict[str, UUID]:
    """On dibao from February: one with an account since January, one with none, one with an account
    only from 2 March (after the month's first day: not credited in March)."""
    paid, without, late = (household(app, wages="1200.00") for _ in range(3))
    enrol(app, paid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    enrol(app, without, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2), account=False)
    enrol(app, late, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2), account=False)
    head = next(iter(app.get_household(late).members))
    app.handle(payee_account(late, head, date(2024, 3, 2), CASEWORKER))
    return {"paid": paid, "without": without, "late": late}


def test_a_run_loads_no_household_and_pays_only_those_with_an_account(
    casework: Casework, views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = three_households(casework)
    views.catch_up()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the payroll run loaded a household from the event store")

    monkeypatch.setattr(casework, "get_household", refuse)
    report = Payroll(casework, views).handle(pay(MARCH, APPROVER))
    assert (report.issued, report.issued_amount) == (1, Decimal("1050.00"))
    assert {w.household_id for w in report.without_account} == {ids["without"], ids["late"]}


def test_the_views_keep_the_day_from_which_a_household_has_an_account(casework: Casework, views: Views) -> None:
    ids = three_households(casework)
    views.catch_up()
    since = {r.household_id: r.account_since for r in views.store.payable_on(MARCH, "43")}
    assert since == {ids["paid"]: date(2024, 1, 15), ids["without"]: None, ids["late"]: date(2024, 3, 2)}


def migrated_from_version_4(app: Casework, env: dict[str, str], drop_column: Any) -> None:
    """Project the store, take the column away as version 4 had it, then open it again: the views are
    emptied on opening (what ``jiuzhu migrate`` does), rebuilt by the catch-up, and the run pays as before."""
    app.seed_policy(load_seed(), SEED_ACTOR)
    ids = three_households(app)
    views = Views(app)
    views.catch_up()
    views.close()
    app.close()
    drop_column()

    app = Casework(env=env, clock=fixed_clock)
    views = Views(app)
    try:
        assert views.position() == 0  # forgotten with the rows: the next catch-up rebuilds from the log
        assert views.store.payable_on(MARCH, "43") == []
        views.catch_up()
        since = {r.household_id: r.account_since for r in views.store.payable_on(MARCH, "43")}
        assert since == {ids["paid"]: date(2024, 1, 15), ids["without"]: None, ids["late"]: date(2024, 3, 2)}
        report = Payroll(app, views).handle(pay(MARCH, APPROVER))
        assert report.issued == 1
        assert {w.household_id for w in report.without_account} == {ids["without"], ids["late"]}
    finally:
        views.close()
        app.close()
    assert SCHEMA_VERSION == 5
    assert "account_since" in HISTORY[5]


def test_an_sqlite_store_of_version_4_gets_the_account_dates_on_migrating(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}

    def drop_column() -> None:
        with sqlite3.connect(path) as db:
            db.execute("ALTER TABLE jiuzhu_view_households DROP COLUMN account_since")

    migrated_from_version_4(Casework(env=env, clock=fixed_clock), env, drop_column)


@pytest.fixture
def postgres_env(postgres_database: str) -> dict[str, str]:
    return _postgres_env(postgres_database)


@pytest.mark.postgres
def test_a_postgres_store_of_version_4_gets_the_account_dates_on_migrating(postgres_env: dict[str, str]) -> None:
    env = postgres_env

    def drop_column() -> None:
        with psycopg.connect(**PG, dbname=env["POSTGRES_DBNAME"], autocommit=True) as conn:
            conn.execute(f'ALTER TABLE "{env["POSTGRES_SCHEMA"]}".jiuzhu_view_households DROP COLUMN account_since')

    migrated_from_version_4(Casework(env=env, clock=fixed_clock), env, drop_column)
