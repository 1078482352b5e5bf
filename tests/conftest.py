"""Fixtures: the backends (POPO, SQLite, PostgreSQL) and an API client on a fixed clock.

PostgreSQL tests run when a server answers on 127.0.0.1:5432 (user postgres); otherwise they are
skipped with the reason shown. ``REQUIRE_POSTGRES=1`` turns a missing server into a failure. Each
run creates its own database and drops it afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from application.casework import Casework
from domain.values import Role
from infrastructure.settings import Settings
from tests.support import DISTRICT, fixed_clock, scratch_database, skip_if_missing

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def _postgres_unavailable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(**PG, dbname="postgres", connect_timeout=3):
            return None
    except Exception as e:  # any failure to connect means "not available"
        return f"PostgreSQL not reachable at {PG['host']}:{PG['port']}: {type(e).__name__}: {e}"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database for this test run, dropped at the end."""
    reason = _postgres_unavailable()
    skip_if_missing(reason, "REQUIRE_POSTGRES")
    with scratch_database(PG, "jiuzhu_test") as name:
        yield name


def _postgres_env(database: str) -> dict[str, str]:
    """Its own schema per application, so every test starts from an empty store."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": PG["host"],
        "POSTGRES_PORT": str(PG["port"]),
        "POSTGRES_USER": PG["user"],
        "POSTGRES_PASSWORD": "",
        "POSTGRES_SCHEMA": schema,
    }


BACKENDS = [
    pytest.param("popo", id="popo"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


#: The backends, and PostgreSQL once more with group commit (infrastructure/group_commit.py) on.
WITH_GROUP_COMMIT = [*BACKENDS, pytest.param("postgres+group", id="postgres-group", marks=pytest.mark.postgres)]


def env_of(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The persistence env of one backend (a ``BACKENDS`` or ``WITH_GROUP_COMMIT`` id) with an empty store."""
    if backend == "popo":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if backend == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "store.sqlite")}
    env = _postgres_env(request.getfixturevalue("postgres_database"))
    return {**env, "GROUP_COMMIT": "y"} if backend == "postgres+group" else env


@pytest.fixture(params=BACKENDS)
def backend_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The persistence env of one backend with an empty store."""
    return env_of(request.param, request, tmp_path)


@pytest.fixture
def make_casework(backend_env: dict[str, str]) -> Iterator[Callable[[], Casework]]:
    """Builds (seeded) Casework applications on the backend; several share one store."""
    from api.composition import SEED_ACTOR
    from infrastructure.policy_seed import load_seed

    apps: list[Casework] = []

    def make() -> Casework:
        app = Casework(env=backend_env, clock=fixed_clock)
        app.seed_policy(load_seed(), SEED_ACTOR)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


@pytest.fixture
def casework(make_casework: Callable[[], Casework]) -> Casework:
    return make_casework()


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The HTTP API on an in-memory store, with the clock fixed at 2025-06-01."""
    settings = Settings(database="memory", token_secret="test-secret-of-at-least-32-bytes-for-hs256", _env_file=None)  # type: ignore[call-arg]
    app = create_app(lambda: build_services(settings, clock=fixed_clock))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def auth(client: TestClient) -> Callable[..., dict[str, str]]:
    """Headers with a bearer token: ``auth("caseworker", user="cw-1", jurisdiction="430112")``."""

    def headers(role: str = "caseworker", *, user: str | None = None, jurisdiction: str = DISTRICT) -> dict[str, str]:
        tokens = client.app.state.services.tokens  # type: ignore[attr-defined]
        token = tokens.issue(user or f"{role}-1", Role(role), jurisdiction)
        return {"Authorization": f"Bearer {token}"}

    return headers
