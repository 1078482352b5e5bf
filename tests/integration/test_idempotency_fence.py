"""The Idempotency-Key claim fences the event store (SQLite and PostgreSQL): a claim taken over cannot commit,
a committed claim is never taken over, and a save committed unbeknown to the request is not made twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from application.casework import Casework
from domain.members import Relation
from infrastructure.fencing import ClaimAlreadyCommitted, ClaimLost, ClaimRef, current_claim
from infrastructure.idempotency import Outcome, SQLIdempotencyStore, open_idempotency_store
from tests.application import steps
from tests.conftest import WITH_GROUP_COMMIT, env_of
from tests.support import COMMUNITY, fixed_clock, member

LEASE = 10.0
#: In memory the claims and the events share no transaction: nothing to fence. PostgreSQL runs twice:
#: with each save its own transaction, and with group commit (a save in its savepoint of a shared one).
FENCED = [p for p in WITH_GROUP_COMMIT if p.id != "popo"]


@pytest.fixture(params=FENCED)
def fenced_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return env_of(request.param, request, tmp_path)


@pytest.fixture
def app(fenced_env: dict[str, str]) -> Iterator[Casework]:
    casework = Casework(env=fenced_env, clock=fixed_clock)
    yield casework
    casework.close()


@pytest.fixture
def clock() -> list[float]:
    return [1_000_000.0]


@pytest.fixture
def store(app: Casework, clock: list[float]) -> SQLIdempotencyStore:
    s = open_idempotency_store(app.recorder, cipher=None, lease=LEASE)
    assert isinstance(s, SQLIdempotencyStore)
    s.now = lambda: clock[0]
    return s


def register(app: Casework, claim: ClaimRef) -> None:
    token = current_claim.set(claim)
    try:
        steps.register(app, member(Relation.HEAD), address="甲")
    finally:
        current_claim.reset(token)


def test_a_claim_taken_over_cannot_commit(app: Casework, store: SQLIdempotencyStore, clock: list[float]) -> None:
    """After the lease a retry takes the key over; the first request's save then fails and writes nothing."""
    first = store.begin("u", "k", "fp")
    clock[0] += LEASE + 1
    second = store.begin("u", "k", "fp")
    assert (first.outcome, second.outcome) == (Outcome.NEW, Outcome.NEW)
    with pytest.raises(ClaimLost):
        register(app, ClaimRef("u", "k", first.token))
    assert list(app.household_ids()) == []
    register(app, ClaimRef("u", "k", second.token))
    assert len(list(app.household_ids())) == 1


def test_a_committed_claim_is_never_taken_over(app: Casework, store: SQLIdempotencyStore, clock: list[float]) -> None:
    """A claim whose save committed but whose response was never stored answers APPLIED, even after the lease."""
    claim = store.begin("u", "k", "fp")
    register(app, ClaimRef("u", "k", claim.token))
    store.release("u", "k", claim.token)  # the request failed after its commit: the claim must stay
    assert store.begin("u", "k", "fp").outcome is Outcome.APPLIED
    clock[0] += LEASE + 1
    assert store.begin("u", "k", "fp").outcome is Outcome.APPLIED
    assert len(list(app.household_ids())) == 1


def test_a_save_committed_unbeknown_is_not_made_twice(app: Casework, store: SQLIdempotencyStore) -> None:
    """When the request believes its save failed (the commit's answer was lost), saving again is refused."""
    claim = store.begin("u", "k", "fp")
    ref = ClaimRef("u", "k", claim.token)
    register(app, ref)
    assert ref.commits == 1
    with pytest.raises(ClaimAlreadyCommitted):
        register(app, ClaimRef("u", "k", claim.token))  # as if the first commit had raised
    register(app, ref)  # a second save the request knows about is fine
    assert len(list(app.household_ids())) == 2


def test_a_keyed_request_over_http_fences_its_write(fenced_env: dict[str, str]) -> None:
    """Through the API the claim reaches the recorder (a sync route's thread): the key's row counts one commit."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.composition import build_services
    from domain.values import Role
    from infrastructure.settings import Settings
    from tests.support import member_json

    if fenced_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        settings = Settings(database="sqlite", sqlite_path=fenced_env["SQLITE_DBNAME"], _env_file=None)  # type: ignore[call-arg]
    else:
        dsn = f"postgresql://postgres@127.0.0.1:5432/{fenced_env['POSTGRES_DBNAME']}"
        grouped = fenced_env.get("GROUP_COMMIT") == "y"
        settings = Settings(
            database="postgres",
            postgres_dsn=dsn,
            postgres_schema=fenced_env["POSTGRES_SCHEMA"],
            group_commit=grouped,
            _env_file=None,
        )  # type: ignore[call-arg]
    settings = settings.model_copy(update={"token_secret": "test-secret-of-at-least-32-bytes-for-hs256"})
    body = {
        "area_type": "urban",
        "division_code": COMMUNITY,
        "address": "甲",
        "registered_on": "2024-01-10",
        "members": [member_json()],
    }
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        token = services.tokens.issue("cw-1", Role.CASEWORKER, "430112")
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "fenced-1"}
        assert client.post("/api/v1/households", json=body, headers=headers).status_code == 201
        store = services.idempotency
        with store._transaction() as c:
            c.execute(store.q("SELECT committed, done FROM {t} WHERE key = %s"), ("fenced-1",))
            row = c.fetchone()
    assert tuple(row.values() if isinstance(row, dict) else row) == (1, 1)
