"""Tamper evidence: rows edited, deleted, swapped or inserted with SQL behind the service's back
are each named by the verification, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from api.composition import SEED_ACTOR
from application import commands
from application.audit import Auditor
from application.casework import Casework
from domain.members import Relation
from infrastructure.policy_seed import load_seed
from tests.application.steps import register
from tests.support import CASEWORKER, by, fixed_clock, member

Execute = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[tuple[Casework, Execute, str]]:
    """A seeded store with one household of 4 events, and a raw SQL executor on the same database."""
    if request.param == "sqlite":
        path = str(tmp_path / "store.sqlite")
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}
        table, mark = "stored_events", "?"

        def execute(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as conn:
                return conn.execute(sql.replace("%s", mark), params).fetchall()
    else:
        import psycopg

        from tests.conftest import _postgres_env

        env = _postgres_env(request.getfixturevalue("postgres_database"))
        table = f"{env['POSTGRES_SCHEMA']}.jiuzhu_events"

        def execute(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            with (
                psycopg.connect(
                    host="127.0.0.1", user="postgres", dbname=env["POSTGRES_DBNAME"], autocommit=True
                ) as conn,
                conn.cursor() as cur,
            ):
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else []

    app = Casework(env=env, clock=fixed_clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    yield app, execute, table
    app.close()


@contextmanager
def household(app: Casework) -> Iterator[UUID]:
    h = register(app, member(Relation.HEAD))
    for day in (11, 12, 13):
        app.handle(
            commands.ChangeMember(
                household_id=h.id,
                person_id=next(iter(h.members)),
                changes={"seriously_ill": day % 2 == 1},
                meta=by(CASEWORKER, date(2024, 1, day)),
            )
        )
    yield h.id


def oid(app: Casework, hid: UUID) -> Any:
    return hid.hex if "sqlite" in str(type(app.recorder)).lower() else hid


def kinds(app: Casework) -> list[tuple[str, int]]:
    return [(f.kind, f.originator_version) for f in Auditor(app).verify().findings]


def test_untouched_store_verifies(store: tuple[Casework, Execute, str]) -> None:
    """Without tampering the verification finds nothing."""
    app, _, _ = store
    with household(app):
        assert kinds(app) == []


def test_edited_event_is_named(store: tuple[Casework, Execute, str]) -> None:
    """An event whose stored state was edited is reported as changed."""
    app, execute, table = store
    with household(app) as hid:
        state = execute(f"SELECT state FROM {table} WHERE originator_id=%s AND originator_version=2", (oid(app, hid),))[
            0
        ][0]
        edited = bytes(state).replace(b"true", b"false") if b"true" in bytes(state) else bytes(state) + b" "
        execute(f"UPDATE {table} SET state=%s WHERE originator_id=%s AND originator_version=2", (edited, oid(app, hid)))
        assert kinds(app) == [("changed", 2)]


def test_deleted_event_is_named(store: tuple[Casework, Execute, str]) -> None:
    """An event deleted from the store is reported as removed."""
    app, execute, table = store
    with household(app) as hid:
        execute(f"DELETE FROM {table} WHERE originator_id=%s AND originator_version=3", (oid(app, hid),))
        assert kinds(app) == [("removed", 3)]


def test_swapped_events_are_named(store: tuple[Casework, Execute, str]) -> None:
    """Two events whose contents were swapped are both reported as reordered."""
    app, execute, table = store
    with household(app) as hid:
        rows = execute(
            f"SELECT originator_version, state FROM {table} WHERE originator_id=%s "
            "AND originator_version IN (2, 4) ORDER BY originator_version",
            (oid(app, hid),),
        )
        (_, s2), (_, s4) = rows
        execute(
            f"UPDATE {table} SET state=%s WHERE originator_id=%s AND originator_version=2", (bytes(s4), oid(app, hid))
        )
        execute(
            f"UPDATE {table} SET state=%s WHERE originator_id=%s AND originator_version=4", (bytes(s2), oid(app, hid))
        )
        assert kinds(app) == [("reordered", 2), ("reordered", 4)]


def test_inserted_event_is_named(store: tuple[Casework, Execute, str]) -> None:
    """An event added with SQL, which the service never recorded, is reported as inserted."""
    app, execute, table = store
    with household(app) as hid:
        topic, state = execute(
            f"SELECT topic, state FROM {table} WHERE originator_id=%s AND originator_version=4", (oid(app, hid),)
        )[0]
        execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (%s, 5, %s, %s)",
            (oid(app, hid), topic, bytes(state)),
        )
        assert kinds(app) == [("inserted", 5)]
