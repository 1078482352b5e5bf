"""A tampered household over HTTP (issue #12, point 11): reading it answers a problem that says it
failed verification (and logs it), never a 500 — on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET, backend_settings
from tests.api.helpers import API, assert_problem, household_path, registration
from tests.support import fixed_clock

Flip = Callable[[str], None]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tamperable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, Flip]]:
    """The API on a real store, and a function that flips one byte of a household's first stored event."""
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite"
        settings = Settings(database="sqlite", sqlite_path=path, token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]

        def flip(hid: str) -> None:
            with sqlite3.connect(path) as conn:
                oid = uuid.UUID(hid).hex
                (state,) = conn.execute("SELECT state FROM stored_events WHERE originator_id=?", (oid,)).fetchone()
                conn.execute("UPDATE stored_events SET state=? WHERE originator_id=?", (_flipped(state), oid))
    else:
        import psycopg

        settings = backend_settings(request, "postgres")

        def flip(hid: str) -> None:
            table = f"{settings.postgres_schema}.jiuzhu_events"
            with psycopg.connect(settings.postgres_dsn, autocommit=True) as conn:
                row = conn.execute(f"SELECT state FROM {table} WHERE originator_id=%s", (uuid.UUID(hid),)).fetchone()
                assert row is not None
                conn.execute(f"UPDATE {table} SET state=%s WHERE originator_id=%s", (_flipped(row[0]), uuid.UUID(hid)))

    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as client:
        yield client, flip


def _flipped(state: Any) -> bytes:
    damaged = bytearray(bytes(state))
    damaged[-5] ^= 1
    return bytes(damaged)


def test_reading_a_tampered_household_says_it_failed_verification(
    tamperable: tuple[TestClient, Flip], caplog: pytest.LogCaptureFixture
) -> None:
    """GET of a household whose stored event was altered: 409 household-failed-verification, logged, no 500."""
    client, flip = tamperable
    tokens = client.app.state.services.tokens  # type: ignore[attr-defined]
    cw = {"Authorization": f"Bearer {tokens.issue('cw-1', Role.CASEWORKER, '430112')}"}
    hid = client.post(f"{API}/households", json=registration(), headers=cw).json()["household_id"]
    assert client.get(household_path(hid), headers=cw).status_code == 200
    flip(hid)
    with caplog.at_level(logging.ERROR, logger="jiuzhu.integrity"):
        r = client.get(household_path(hid), headers=cw)
    assert_problem(r, 409, "household-failed-verification", field="household_id", rule="store-untampered")
    assert any(hid in m for m in caplog.messages)
