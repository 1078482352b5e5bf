"""On PostgreSQL the ledger chain is built before the event table's lock, and stays a correct chain
when writers race (``infrastructure/ledger_postgres.py``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest

from api.composition import SEED_ACTOR
from application import commands
from application.audit import Auditor
from application.casework import Casework
from application.errors import ConcurrentUpdate
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.values import AreaType
from infrastructure import ledger_postgres
from infrastructure.policy_seed import load_seed
from tests.conftest import PG, _postgres_env
from tests.support import CASEWORKER, COMMUNITY, by, fixed_clock, member

pytestmark = pytest.mark.postgres


@pytest.fixture
def apps(postgres_database: str) -> Iterator[tuple[Casework, Casework, dict[str, str]]]:
    env = _postgres_env(postgres_database)
    first = Casework(env=env, clock=fixed_clock)
    first.seed_policy(load_seed(), SEED_ACTOR)
    second = Casework(env={**env, "CREATE_TABLE": "n"}, clock=fixed_clock)
    yield first, second, env
    first.close()
    second.close()


def real_clock() -> datetime:
    return datetime.now(UTC)


def register(app: Casework) -> tuple[UUID, UUID]:
    head = member()
    h = app.handle(
        commands.RegisterHousehold(
            area_type=AreaType.URBAN,
            division_code=COMMUNITY,
            address="甲",
            members=(head,),
            meta=by(CASEWORKER, date(2024, 1, 10)),
        )
    )
    return h.id, head.person_id


def declare(app: Casework, household_id: UUID, person_id: UUID, amount: int) -> None:
    circumstances = Circumstances(
        incomes=(IncomeItem(person_id, IncomeKind.WAGES, Decimal(amount)),),
        assets=Assets(financial=Decimal(5000)),
    )
    cmd = commands.RecordCircumstances(
        household_id=household_id, circumstances=circumstances, meta=by(CASEWORKER, date(2024, 2, 1))
    )
    app.handle(cmd)


def test_the_chain_is_built_before_the_lock_and_the_instant_read_under_it(
    apps: tuple[Casework, Casework, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain hashes are built while the event table's lock is not held; the recorded instant is read
    under it, so recorded instants follow the order of commits ("as known at T" never changes later)."""
    app, _, env = apps

    def lock_held() -> int:
        with psycopg.connect(**PG, dbname=env["POSTGRES_DBNAME"], autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s AND l.mode = 'ExclusiveLock'",
                (env["POSTGRES_SCHEMA"], app.recorder.events_table_name),
            ).fetchone()
        return int(row[0]) if row else -1

    chained_while: list[int] = []
    stamped_while: list[int] = []
    build = ledger_postgres.chain_hashes

    def chain_hashes(*args: Any) -> list[str]:
        chained_while.append(lock_held())
        return build(*args)

    def clock() -> datetime:
        stamped_while.append(lock_held())
        return fixed_clock()

    monkeypatch.setattr(ledger_postgres, "chain_hashes", chain_hashes)
    app.ledger.clock = clock
    household_id, person_id = register(app)
    declare(app, household_id, person_id, 800)
    assert chained_while == [0, 0]
    assert stamped_while == [1, 1]
    assert Auditor(app).verify().findings == []


def test_racing_writers_keep_every_chain_whole(apps: tuple[Casework, Casework, dict[str, str]]) -> None:
    """Two applications write the same households at once (conflicts retry or refuse); the store verifies."""
    first, second, env = apps
    for app in (first, second):
        app.ledger.clock = real_clock  # instants that differ, to show their order
    households = [register(first) for _ in range(3)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(app: Casework, offset: int) -> None:
        barrier.wait()
        for n in range(12):
            household_id, person_id = households[n % len(households)]
            try:
                declare(app, household_id, person_id, 500 + offset + n)
            except ConcurrentUpdate:
                pass  # a lost race refused after its retries: nothing of it is stored
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

    threads = [threading.Thread(target=write, args=(app, i * 100)) for i, app in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Auditor(first).verify().findings == []
    # instants follow the order of commits (the notification ids): what was known at T never changes later
    with psycopg.connect(**PG, dbname=env["POSTGRES_DBNAME"], autocommit=True) as conn:
        events = first.recorder.events_table_name
        stamps = [
            r[0]
            for r in conn.execute(
                f'SELECT l.recorded_at FROM "{env["POSTGRES_SCHEMA"]}".{events} e '
                f'JOIN "{env["POSTGRES_SCHEMA"]}".{events}_ledger l '
                "ON l.originator_id = e.originator_id AND l.originator_version = e.originator_version "
                "ORDER BY e.notification_id"
            ).fetchall()
        ]
    assert len(stamps) > 24
    assert stamps == sorted(stamps)
