"""API fixtures: the shared ``client`` with a token secret long enough for HS256.

The root ``client`` fixture signs with ``"test-secret"`` (11 bytes); PyJWT warns about HMAC keys
shorter than 32 bytes (``InsecureKeyLengthWarning``) and the suite turns warnings into errors, so
every request made with ``auth(...)`` would fail. This override differs only in the secret; the
root ``auth`` fixture picks it up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from infrastructure.settings import Settings
from tests.support import fixed_clock

TOKEN_SECRET = "api-test-secret-at-least-32-bytes-long"


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The HTTP API on an in-memory store, with the clock fixed at 2025-06-01."""
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
    app = create_app(lambda: build_services(settings, clock=fixed_clock))
    with TestClient(app) as c:
        yield c


def backend_settings(request: pytest.FixtureRequest, backend: str) -> Settings:
    """Settings of the API on ``backend`` ("memory", or "postgres": its own schema in the run's database)."""
    if backend == "memory":
        return Settings(database="memory", token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
    from tests.conftest import PG, _postgres_env

    env = _postgres_env(request.getfixturevalue("postgres_database"))
    return Settings(  # type: ignore[call-arg]
        database="postgres",
        postgres_dsn=f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{env['POSTGRES_DBNAME']}",
        postgres_schema=env["POSTGRES_SCHEMA"],
        token_secret=TOKEN_SECRET,
        _env_file=None,
    )


API_BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=API_BACKENDS)
def any_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The HTTP API on an in-memory store and on PostgreSQL (where a NUL in a value breaks an INSERT)."""
    settings = backend_settings(request, request.param)
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as c:
        yield c
