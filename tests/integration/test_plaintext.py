"""No name or ID number in plaintext: a whole scenario on SQLite and PostgreSQL with the cipher on, then
every row of every table (and the SQLite file itself) and every captured log line is searched."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.cryptography import AESCipher
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.personal_scenario import run_scenario
from tests.conftest import PG, _postgres_env
from tests.support import fixed_clock

Dump = Callable[[], dict[str, bytes]]


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode()


def _sqlite_dump(path: Path) -> dict[str, bytes]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = {
            t: b"\x00".join(_as_bytes(v) for row in conn.execute(f'SELECT * FROM "{t}"') for v in row) for t in tables
        }
    finally:
        conn.close()
    files = [path, path.with_name(path.name + "-wal")]
    dump["<file>"] = b"".join(p.read_bytes() for p in files if p.exists())
    return dump


def _postgres_dump(database: str, schema: str) -> dict[str, bytes]:
    with psycopg.connect(**PG, dbname=database) as conn:  # type: ignore[arg-type]
        tables = [
            r[0]
            for r in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
        ]
        return {
            t: b"\x00".join(
                _as_bytes(v) for row in conn.execute(f'SELECT * FROM "{schema}"."{t}"').fetchall() for v in row
            )
            for t in tables
        }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api_and_dump(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, Dump]]:
    """The API on SQLite or PostgreSQL with a fresh cipher key, and a function dumping its database."""
    key = AESCipher.create_key(32)
    overrides: dict[str, str] = {}
    if request.param == "sqlite":
        path = tmp_path / "plain.sqlite"
        settings = Settings(
            database="sqlite", sqlite_path=path, cipher_key=key, token_secret=TOKEN_SECRET, _env_file=None
        )  # type: ignore[call-arg]
        dump: Dump = lambda: _sqlite_dump(path)  # noqa: E731
    else:
        database = request.getfixturevalue("postgres_database")
        overrides = _postgres_env(database)
        settings = Settings(database="postgres", cipher_key=key, token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
        dump = lambda: _postgres_dump(database, overrides["POSTGRES_SCHEMA"])  # noqa: E731
    app = create_app(lambda: build_services(settings, clock=fixed_clock, env_overrides=overrides))
    with TestClient(app) as client:
        assert isinstance(client.app.state.services.casework.mapper.cipher, AESCipher)  # type: ignore[attr-defined]
        yield client, dump


def _leaks(dump: dict[str, bytes], needles: list[str]) -> dict[str, list[str]]:
    found = {t: [n for n in needles if n.encode() in data] for t, data in dump.items()}
    return {t: ns for t, ns in found.items() if ns}


def test_no_personal_data_in_the_store_or_the_logs(
    api_and_dump: tuple[TestClient, Dump], caplog: pytest.LogCaptureFixture
) -> None:
    """Events, index, ledger, access log, idempotency keys, views and every log line hold no name or ID number."""
    client, dump = api_and_dump
    caplog.set_level(logging.DEBUG)
    person = run_scenario(client)
    tables = dump()
    assert any(t.endswith("_idempotency") and data for t, data in tables.items())
    access_log = next(data for t, data in tables.items() if t.endswith("_access_log"))
    assert b"reveal id_number: check the ID card" in access_log, "the search sees plaintext where there is some"
    assert _leaks(tables, person.needles()) == {}
    records = [r for r in caplog.records if not r.name.startswith("httpx")]  # httpx: the test's own client
    lines = [r.getMessage() + (r.exc_text or "") for r in records]
    assert sum(r.name == "jiuzhu.requests" for r in records) >= 15, "the request log is on"
    assert [line for line in lines if any(n in line for n in person.needles())] == []
    assert not [line for line in lines if "reveal" in line or "ID card" in line], "no query strings or headers in logs"
