"""Group commit on PostgreSQL (``infrastructure/group_commit.py``): concurrent saves share one transaction,
yet each keeps its own version check, its own Idempotency-Key fence and its own answer; the ledger's
chains, the order of instants and the notification log stay as they are without it."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.composition import SEED_ACTOR
from application.audit import Auditor
from application.casework import Casework
from infrastructure.fencing import ClaimLost, ClaimRef, current_claim
from infrastructure.group_commit import GroupCommitter, _Save
from infrastructure.idempotency import open_idempotency_store
from infrastructure.ledger import BATCH, LedgerBatch
from infrastructure.ledger_postgres import PostgresLedgerRecorder
from infrastructure.policy_seed import load_seed
from tests.conftest import PG, _postgres_env
from tests.integration.test_ledger_lock import declare, register
from tests.support import fixed_clock

pytestmark = pytest.mark.postgres


@pytest.fixture
def grouped(postgres_database: str) -> Iterator[tuple[Casework, dict[str, str]]]:
    env = {**_postgres_env(postgres_database), "GROUP_COMMIT": "y"}
    app = Casework(env=env, clock=fixed_clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    yield app, env
    app.close()


def committer_of(app: Casework) -> GroupCommitter:
    recorder = app.recorder
    assert isinstance(recorder, PostgresLedgerRecorder)
    assert recorder.committer is not None, "GROUP_COMMIT=y turns group commit on"
    return recorder.committer


def test_concurrent_writers_share_transactions_and_the_store_verifies(grouped: tuple[Casework, dict[str, str]]) -> None:
    """Twelve threads write their own households at once: every write is stored once, fewer transactions
    than saves were committed, the chains verify, and instants follow notification order without gaps."""
    app, env = grouped
    app.ledger.clock = lambda: datetime.now(UTC)
    households = [register(app) for _ in range(12)]
    committer = committer_of(app)
    before = (committer.batches, committer.saves)
    barrier = threading.Barrier(len(households))
    errors: list[BaseException] = []

    def write(household_id: UUID, person_id: UUID) -> None:
        barrier.wait()
        try:
            for n in range(8):
                declare(app, household_id, person_id, 500 + n)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=h) for h in households]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    batches, saves = committer.batches - before[0], committer.saves - before[1]
    assert saves == 12 * 8
    assert batches < saves, f"{saves} saves in {batches} transactions: nothing was grouped"
    for household_id, _ in households:
        assert app.get_household(household_id).version == 1 + 8  # registered, then eight declarations
    assert Auditor(app).verify().findings == []
    with psycopg.connect(**PG, dbname=env["POSTGRES_DBNAME"], autocommit=True) as conn:
        schema, events = env["POSTGRES_SCHEMA"], app.recorder.events_table_name  # type: ignore[attr-defined]
        rows = conn.execute(
            f'SELECT e.notification_id, l.recorded_at FROM "{schema}".{events} e JOIN "{schema}".{events}_ledger l '
            "ON l.originator_id = e.originator_id AND l.originator_version = e.originator_version "
            "ORDER BY e.notification_id"
        ).fetchall()
    ids, stamps = [r[0] for r in rows], [r[1] for r in rows]
    assert ids == list(range(ids[0], ids[0] + len(ids))), "the notification log has a gap"
    assert stamps == sorted(stamps)


def fake(originator_id: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id, version, "tests.fake:Event", f"{originator_id}:{version}".encode())


def save(events: list[StoredEvent], context: contextvars.Context | None = None) -> _Save:
    return _Save(events, {BATCH: LedgerBatch.of(events)}, context or contextvars.copy_context())


def stored_versions(app: Casework, originator_id: UUID) -> list[int]:
    return [e.originator_version for e in app.recorder.select_events(originator_id)]


def test_a_stale_version_in_a_batch_fails_only_its_own_save(grouped: tuple[Casework, dict[str, str]]) -> None:
    """Three saves in one transaction, the middle one stale: it alone fails, with the library's IntegrityError
    (so the application reloads and retries, as without group commit); the other two are committed."""
    app, _ = grouped
    committer = committer_of(app)
    x, y, z = uuid4(), uuid4(), uuid4()
    app.recorder.insert_events([fake(x, 1)])
    saves = [save([fake(y, 1)]), save([fake(x, 1), fake(x, 2)]), save([fake(z, 1)])]
    committer._commit(saves)
    assert saves[0].done.result() is not None
    assert isinstance(saves[1].done.exception(), IntegrityError)
    assert saves[2].done.result() is not None
    assert stored_versions(app, y) == [1]
    assert stored_versions(app, x) == [1]  # neither the stale version 1 again nor its version 2
    assert stored_versions(app, z) == [1]
    chained = {r.originator_version for r in app.ledger.select_ledger(x)}
    assert chained == {1}  # no ledger row of the failed save either


def test_a_lost_claim_in_a_batch_fails_only_its_own_save(grouped: tuple[Casework, dict[str, str]]) -> None:
    """A save made under an Idempotency-Key claim that a retry took over writes nothing; its neighbours in
    the same transaction are committed."""
    app, _ = grouped
    committer = committer_of(app)
    claims = open_idempotency_store(app.recorder, cipher=None)
    taken_over = claims.begin("cw-1", "k-1", "fingerprint").token + "-before-the-retry-took-it"
    lost = contextvars.copy_context()
    lost.run(current_claim.set, ClaimRef(user_id="cw-1", key="k-1", token=taken_over))
    y, x, z = uuid4(), uuid4(), uuid4()
    saves = [save([fake(y, 1)]), save([fake(x, 1)], lost), save([fake(z, 1)])]
    committer._commit(saves)
    assert isinstance(saves[1].done.exception(), ClaimLost)
    assert stored_versions(app, x) == []
    assert stored_versions(app, y) == [1]
    assert stored_versions(app, z) == [1]


def test_two_saves_of_one_aggregate_are_never_in_one_batch() -> None:
    """The second save of an aggregate waits for the next batch (its chain needs the first's hash)."""
    committer = GroupCommitter(lambda: None, lambda curs: None, lambda curs, events, kwargs: None, max_batch=8)
    a, b = uuid4(), uuid4()
    first, second, other = save([fake(a, 1)]), save([fake(a, 2)]), save([fake(b, 1)])
    for s in (first, second, other):
        committer.queue.put(s)
    assert committer._next_batch() == [first, other]
    assert committer._next_batch() == [second]
