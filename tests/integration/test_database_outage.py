"""The database going away and coming back, on PostgreSQL, without stopping the server other tests use:
the test's own database refuses connections and its sessions are terminated, then it is let back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from chaos.cluster import PG, fresh_database
from chaos.load import stored_reasons
from domain.values import Role
from infrastructure.settings import Settings
from tests.support import fixed_clock, member_json

pytestmark = pytest.mark.postgres
SECRET = "test-secret-of-at-least-32-bytes-for-hs256"


@pytest.fixture
def database(postgres_database: str) -> Iterator[str]:
    with fresh_database("jiuzhu_outage") as name:
        yield name


def outage(database: str, *, down: bool) -> None:
    """Refuse (or allow again) new connections to the database, and end its sessions."""
    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {"false" if down else "true"}')
        if down:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,))


def registration(reason: str) -> dict[str, Any]:
    return {
        "area_type": "urban",
        "division_code": "430112001001",
        "address": "望城区某街道1号",
        "registered_on": "2024-01-10",
        "members": [member_json()],
        "reason": reason,
    }


def test_an_outage_answers_503_and_an_idempotent_retry_writes_once(database: str) -> None:
    """While the database is away writes, reads and /readyz answer 503 with Retry-After; a retry after writes once."""
    settings = Settings(  # type: ignore[call-arg]
        database="postgres",
        postgres_dsn=f"postgresql://postgres@127.0.0.1:5432/{database}",
        postgres_connect_timeout=1,
        token_secret=SECRET,
        _env_file=None,
    )
    app = create_app(lambda: build_services(settings, clock=fixed_clock))
    try:
        with TestClient(app) as client:
            token = client.app.state.services.tokens.issue("cw-1", Role.CASEWORKER, "430112")  # type: ignore[attr-defined]
            cw = {"Authorization": f"Bearer {token}"}
            first = client.post("/api/v1/households", json=registration("before"), headers=cw)
            assert first.status_code == 201, first.text
            hid = first.json()["household_id"]

            outage(database, down=True)
            keyed, during = {**cw, "Idempotency-Key": "outage-1"}, registration("during")
            answers = [client.post("/api/v1/households", json=during, headers=keyed), client.get("/readyz")]
            for r in answers:
                assert r.status_code == 503, r.text
                assert int(r.headers["Retry-After"]) >= 1
            assert answers[0].json()["type"] == "urn:jiuzhu:problem:database-unavailable"
            assert answers[0].headers["content-type"].startswith("application/problem+json")
            assert "jiuzhu_database_up 0.0" in client.get("/metrics").text

            outage(database, down=False)
            retried = client.post("/api/v1/households", json=during, headers=keyed)
            assert retried.status_code == 201, retried.text
            assert client.get(f"/api/v1/households/{hid}", headers=cw).status_code == 200
            again = client.post("/api/v1/households", json=during, headers=keyed)
            assert again.headers.get("Idempotent-Replayed") == "true"
            assert again.json() == retried.json()
            assert client.get("/readyz").status_code == 200
            metrics = client.get("/metrics").text
            assert 'jiuzhu_commands_total{kind="register_household",outcome="unavailable"} 1.0' in metrics
            assert 'jiuzhu_commands_total{kind="register_household",outcome="replayed"} 1.0' in metrics
            reasons = stored_reasons(client.app.state.services.casework, prefix="")  # type: ignore[attr-defined]
    finally:
        outage(database, down=False)
    assert reasons["before"] == 1
    assert reasons["during"] == 1
