"""Backups: export a store to gzip JSON lines and import it into an empty one, on SQLite and PostgreSQL.

The restored store verifies untampered, keeps every event's notification id, stored bytes and
recorded instant (the two clocks survive), and its views rebuild to the same rolls and statistics.
"""

from __future__ import annotations

import gzip
import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from eventsourcing.cryptography import AESCipher

from api.composition import SEED_ACTOR
from application import commands
from application.audit import Auditor
from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views
from application.views.reports import Reports
from application.views.rows import AccessRecord
from chaos.check import dump_views
from domain.values import Program
from infrastructure.backup import BackupRefused, export_store, import_store
from infrastructure.policy_seed import load_seed
from infrastructure.settings import CIPHER_TOPIC
from tests.application.scenarios import enrol, household
from tests.conftest import _postgres_env
from tests.support import APPROVER, by, fixed_clock, pay

KEY = AESCipher.create_key(32)
pytestmark = pytest.mark.parametrize(
    "backend_env", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def ticking() -> Callable[[], datetime]:
    """A service clock that moves a minute at each reading, so every save has its own recorded instant."""
    minutes = itertools.count()
    return lambda: fixed_clock() + timedelta(minutes=next(minutes))


@pytest.fixture
def env(backend_env: dict[str, str]) -> dict[str, str]:
    return {**backend_env, "CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": KEY}


@pytest.fixture
def empty_env(request: pytest.FixtureRequest, env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Another empty store of the same backend, with the same key."""
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        return {**env, "SQLITE_DBNAME": str(tmp_path / f"restored-{uuid.uuid4().hex[:6]}.sqlite")}
    return {**env, **_postgres_env(request.getfixturevalue("postgres_database"))}


@pytest.fixture
def source(env: dict[str, str]) -> Iterator[Casework]:
    """A store with households on dibao, two months of payroll, a suspension and a logged read."""
    app = Casework(env=env, clock=ticking())
    app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    eids = [
        (hid, enrol(app, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2)))
        for hid in (household(app, size=1 + i % 3, wages="300.00", head_name="王建国") for i in range(4))
    ]
    payroll = Payroll(app, views, batch_size=2)
    payroll.handle(pay("2024-03", APPROVER))
    hid, eid = eids[0]
    app.handle(
        commands.Suspend(
            household_id=hid, enrolment_id=eid, reason_code="CHECK", meta=by(APPROVER, date(2024, 3, 20), reason="核查")
        )
    )
    payroll.handle(pay("2024-04", APPROVER))
    app.ledger.log_access(AccessRecord(app.clock(), "ap-1", "approver", str(hid), "核对", "rid-1"))
    views.close()
    yield app
    app.close()


def figures(app: Casework) -> tuple[object, ...]:
    """What the views answer: every row, a roll and the statistics for the period."""
    views = Views(app)
    try:
        views.catch_up()
        reports = Reports(views, fixed_clock)
        roll = reports.roll(Program.DIBAO, date(2024, 3, 15), None, APPROVER)
        stats = reports.statistics("2024-01", "2024-06", None, APPROVER)
        return dump_views(views.store), roll, stats
    finally:
        views.close()


def notifications(app: Casework) -> list[tuple[object, ...]]:
    page = app.recorder.select_notifications(None, 10_000)
    return [(n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state)) for n in page]


def test_a_backup_restores_the_store_as_it_was(source: Casework, empty_env: dict[str, str], tmp_path: Path) -> None:
    """Export, import into an empty store: same events and ids, same ledger instants, untampered, same figures."""
    path = tmp_path / "backup.jsonl.gz"
    exported = export_store(source.recorder, path, cipher_key=KEY, schema_version=2)
    text = gzip.decompress(path.read_bytes()).decode()
    assert "王建国" not in text  # the stored events are encrypted; the file carries them as stored
    restored = Casework(env=empty_env, clock=lambda: fixed_clock() + timedelta(days=1))
    try:
        imported = import_store(restored.recorder, path, cipher_key=KEY)
        assert (imported.events, imported.access) == (exported.events, 1)
        assert notifications(restored) == notifications(source)
        assert restored.ledger.select_ledger() == source.ledger.select_ledger()
        assert len({r.recorded_at for r in restored.ledger.select_ledger()}) > 20  # many distinct instants
        assert restored.ledger.select_access() == source.ledger.select_access()
        assert Auditor(restored).verify().ok
        assert figures(restored) == figures(source)
        hid = next(source.household_ids())
        then = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)  # as known half an hour into the ticking clock's day
        assert vars(Auditor(restored).household_at(hid, as_of=then)) == vars(
            Auditor(source).household_at(hid, as_of=then)
        )
        assert (restored.recorder.max_notification_id() or 0) == exported.last_notification_id
        household(restored)  # new writes are numbered after the last imported event
        assert (restored.recorder.max_notification_id() or 0) > exported.last_notification_id
        assert Auditor(restored).verify().ok
    finally:
        restored.close()


def test_an_import_refuses_a_full_store_another_key_and_a_damaged_file(
    source: Casework, env: dict[str, str], empty_env: dict[str, str], tmp_path: Path
) -> None:
    """Nothing is written into a store that is not empty, under another key, or from a truncated file."""
    path = tmp_path / "backup.jsonl.gz"
    export_store(source.recorder, path, cipher_key=KEY, schema_version=2)
    with pytest.raises(BackupRefused, match="not empty"):
        import_store(source.recorder, path, cipher_key=KEY)
    restored = Casework(env=empty_env, clock=fixed_clock)
    try:
        with pytest.raises(BackupRefused, match="another cipher key"):
            import_store(restored.recorder, path, cipher_key=AESCipher.create_key(32))
        lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
        damaged = tmp_path / "damaged.jsonl.gz"
        damaged.write_bytes(gzip.compress(b"".join(lines[:-3] + lines[-1:])))
        with pytest.raises(BackupRefused, match="truncated or altered"):
            import_store(restored.recorder, damaged, cipher_key=KEY)
        assert restored.recorder.max_notification_id() is None
    finally:
        restored.close()
