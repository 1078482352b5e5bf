"""On PostgreSQL the ledger chain is built before the event table's lock, and stays a correct chain
when writers race (``infrastructure/ledger_postgres.py``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
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


def test_the_chain_is_built_while_no_writer_holds_the_event_tables_lock(
    apps: tuple[Casework, Casework, dict[str, str]],
) -> None:
    """The ledger's clock is read when the chain is built: at that moment the table lock is not held."""
    app, _, env = apps
    held: list[int] = []

    def clock() -> datetime:
        with psycopg.connect(**PG, dbname=env["POSTGRES_DBNAME"], autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s AND l.mode = 'ExclusiveLock'",
                (env["POSTGRES_SCHEMA"], app.recorder.events_table_name),
            ).fetchone()
        held.append(int(row[0]) if row else -1)
        return fixed_clock()

    app.ledger.clock = clock
    household_id, person_id = register(app)
    declare(app, household_id, person_id, 800)
    assert len(held) == 2
    assert held == [0, 0]
    assert Auditor(app).verify().findings == []


def test_racing_writers_keep_every_chain_whole(apps: tuple[Casework, Casework, dict[str, str]]) -> None:
    """Two applications write the same households at once (conflicts retry or refuse); the store verifies."""
    first, second, _ = apps
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
