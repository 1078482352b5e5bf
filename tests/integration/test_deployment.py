"""Deployment shape: `jiuzhu migrate` creates and upgrades every table once; workers start with table creation
off and check the schema's version; projection workers take turns on a lease; backups through the CLI."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from api.composition import SEED_ACTOR, build_services, migrate, open_casework
from application.casework import Casework
from application.views.projection import Views
from application.views.worker import ProjectionWorker
from chaos.check import views_equal_a_full_replay
from chaos.cluster import JIUZHU
from infrastructure.leases import open_lease
from infrastructure.migrations import SCHEMA_VERSION, SchemaOutdated, read_version
from infrastructure.policy_seed import load_seed
from infrastructure.settings import Settings
from tests.application.scenarios import enrol, household
from tests.conftest import PG, _postgres_env

TABLES = {  # on SQLite the library names the events' table stored_events
    "stored_events",
    "stored_events_ledger",
    "stored_events_access_log",
    "stored_events_idempotency",
    "stored_events_schema",
    "tracking",
    *(f"jiuzhu_view_{t}" for t in ("households", "members", "enrolments", "periods", "payments", "grants")),
}


def sqlite_settings(path: Path, **kw: object) -> Settings:
    return Settings(database="sqlite", sqlite_path=path, _env_file=None, **kw)  # type: ignore[call-arg, arg-type]


def sqlite_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrate_creates_every_table_once_and_records_the_version(tmp_path: Path) -> None:
    """`migrate` creates events, ledger, access log, views, tracking, keys and version; a second run changes nothing."""
    db = tmp_path / "store.sqlite"
    assert migrate(sqlite_settings(db)) == SCHEMA_VERSION
    assert sqlite_tables(db) >= TABLES
    assert migrate(sqlite_settings(db)) == SCHEMA_VERSION
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stored_events").fetchone() == (0,)  # no seed: a store to import into


def test_a_worker_without_table_creation_refuses_an_unmigrated_store(tmp_path: Path) -> None:
    """With create_tables off a worker names `jiuzhu migrate` on a bare store, and starts once it has run."""
    db = tmp_path / "store.sqlite"
    worker = sqlite_settings(db, create_tables=False)
    with pytest.raises(SchemaOutdated, match="jiuzhu migrate"):
        build_services(worker)
    migrate(sqlite_settings(db))
    services = build_services(worker)
    try:
        assert read_version(services.casework.recorder) == SCHEMA_VERSION
        assert services.casework.policy().values  # the first worker seeds the policy
    finally:
        services.views.close()
        services.casework.close()


def test_migrate_upgrades_a_version_1_idempotency_table(tmp_path: Path) -> None:
    """A keys table from before the fence (no `committed` column) gains the column; its rows are kept."""
    db = tmp_path / "store.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE stored_events_idempotency (user_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT "
            "NOT NULL, token TEXT NOT NULL, done INTEGER NOT NULL, response BLOB, at DOUBLE PRECISION NOT NULL, "
            "PRIMARY KEY (user_id, key))"
        )
        conn.execute("INSERT INTO stored_events_idempotency VALUES ('u', 'k', 'fp', 't', 0, NULL, 1.0)")
    migrate(sqlite_settings(db))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT user_id, committed FROM stored_events_idempotency").fetchall() == [("u", 0)]


@pytest.mark.postgres
def test_concurrent_migrations_and_workers_start_together(postgres_database: str) -> None:
    """Four migrations at once serialise on the migrate lease; then four workers start at once without creating."""
    schema = _postgres_env(postgres_database)["POSTGRES_SCHEMA"]
    dsn = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{postgres_database}"
    settings = Settings(database="postgres", postgres_dsn=dsn, postgres_schema=schema, _env_file=None)  # type: ignore[call-arg]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: migrate(settings), range(4))) == [SCHEMA_VERSION] * 4
    worker = settings.model_copy(update={"create_tables": False})
    with ThreadPoolExecutor(4) as pool:
        started = list(pool.map(lambda _: build_services(worker), range(4)))
    for s in started:
        s.views.close()
        s.casework.close()
    assert len(started) == 4


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return sqlite_settings(tmp_path / "store.sqlite")
    database = request.getfixturevalue("postgres_database")
    schema = _postgres_env(database)["POSTGRES_SCHEMA"]
    dsn = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}"
    return Settings(database="postgres", postgres_dsn=dsn, postgres_schema=schema, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def populated(store_settings: Settings) -> Settings:
    migrate(store_settings)
    app = open_casework(store_settings, store_settings.persistence_env())
    for _ in range(8):
        enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    app.close()
    return store_settings.model_copy(update={"create_tables": False})


def test_a_standby_projection_worker_takes_over_when_the_leader_dies(populated: Settings) -> None:
    """Two workers with their own leases: one projects, the other waits; the leader dies, the standby finishes."""
    env = populated.persistence_env()
    apps = [open_casework(populated, env) for _ in range(2)]
    views = [Views(a, page_size=7) for a in apps]
    workers = [ProjectionWorker(v, open_lease(env, "views"), interval=0.02) for v in views]
    stops = [threading.Event(), threading.Event()]
    try:
        workers[0].step(stops[0])  # the first takes the lease and catches up
        assert workers[0].leading
        workers[1].step(stops[1])
        assert not workers[1].leading  # standing by
        household(apps[0])  # a new write the leader never sees
        workers[0].lease.release()  # the leader dies: its connection (or file) goes, and the lease with it
        runner = threading.Thread(target=workers[1].run, args=(stops[1],))
        runner.start()
        deadline = time.monotonic() + 10
        while views[1].position() < (apps[1].recorder.max_notification_id() or 0) and time.monotonic() < deadline:
            time.sleep(0.02)
        stops[1].set()
        runner.join()
        assert workers[1].projected > 0
        equal, rows = views_equal_a_full_replay(apps[1])
        assert equal
        assert rows > 30
    finally:
        for v, a in zip(views, apps, strict=True):
            v.close()
            a.close()


def test_export_and_import_through_the_cli(tmp_path: Path) -> None:
    """`jiuzhu export` then, on a freshly migrated store, `jiuzhu import`: verified untampered, views rebuilt."""
    source, target, backup = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "backup.jsonl.gz"
    app = Casework(env=sqlite_settings(source).persistence_env())
    app.seed_policy(load_seed(), SEED_ACTOR)
    enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    app.close()

    def jiuzhu(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"JIUZHU_DATABASE": "sqlite", "JIUZHU_SQLITE_PATH": str(db), "PATH": "/usr/bin:/bin"}
        return subprocess.run([JIUZHU, *args], env=env, cwd=tmp_path, capture_output=True, text=True, check=False)

    assert jiuzhu(source, "export", str(backup)).returncode == 0
    assert jiuzhu(target, "migrate").returncode == 0
    done = jiuzhu(target, "import", str(backup))
    assert done.returncode == 0, done.stderr
    assert "untampered" in done.stderr
    assert "views rebuilt" in done.stderr
    again = jiuzhu(target, "import", str(backup))
    assert again.returncode == 2
    assert "not empty" in again.stderr
