"""The schema's version: ``jiuzhu migrate`` records it, workers started with table creation off check it.

Every table is created with ``CREATE TABLE IF NOT EXISTS`` by the component that owns it (the event
recorder with its ledger and access log, the views with their tracking table, the idempotency keys);
an upgrade step brings an older table up to date (the idempotency keys' ``committed`` column,
version 2; the views' summaries, version 4, backfilled by marking every division of a store that
has view rows but no summaries stale, so that the first read summarises it; the households' account
date, version 5, which only the events hold: the views are emptied with the column added and rebuilt
by the next catch-up).
``jiuzhu migrate`` runs them all once, under the ``migrate`` lease so that two migrations never
race, and records the version reached in a small table beside the events. A worker
started with ``JIUZHU_CREATE_TABLES=false`` reads that version and refuses to start on an older or
unmigrated database, naming the command to run. A newer schema is accepted: upgrade steps only add
(columns with defaults, tables), so workers of the previous release keep running during a rollout.
"""

from __future__ import annotations

from datetime import UTC, datetime

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

#: The version this code needs, and what each version brought.
SCHEMA_VERSION = 5
HISTORY = {
    1: "events, ledger and access log, views and their tracking, idempotency keys",
    2: "idempotency keys fence the event store (committed claims are never run again)",
    3: "views keep tekun's parts (periods.parts, payments.basic_fen/care_fen): rebuild the views after migrating",
    4: "views keep monthly summaries (jiuzhu_view_summary, jiuzhu_view_stale) and per-division indexes: "
    "migrating marks every division of an existing store stale, summarised on its first read (no rebuild)",
    5: "households keep the day from which they have a bank account (households.account_since), which the "
    "payroll reads instead of loading each household: migrating adds it, empties the views and forgets their "
    "position in one transaction, and the next catch-up (`jiuzhu project`, or the first request) rebuilds them",
}


class SchemaOutdated(RuntimeError):
    """The database's schema is older than the code: run ``jiuzhu migrate``."""


def _table(recorder: PostgresApplicationRecorder | SQLiteApplicationRecorder) -> str:
    name = f"{recorder.events_table_name}_schema"
    if isinstance(recorder, PostgresApplicationRecorder):
        return SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(name)).as_string()
    return name


def read_version(recorder: ApplicationRecorder) -> int | None:
    """The schema version recorded in the store; None when never migrated (or in memory)."""
    if not isinstance(recorder, (PostgresApplicationRecorder, SQLiteApplicationRecorder)):
        return None
    table = _table(recorder)
    if isinstance(recorder, PostgresApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as c:
            c.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (table,))
            row = c.fetchone()
            if not row or not row["present"]:
                return None
            c.execute(f"SELECT max(version) AS v FROM {table}")
            found = c.fetchone()
            return int(found["v"]) if found and found["v"] is not None else None
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
            if not c.fetchall():
                return None
            c.execute(f"SELECT max(version) FROM {table}")
            found = c.fetchone()
            return int(found[0]) if found and found[0] is not None else None
    return None


def record_version(recorder: ApplicationRecorder, version: int = SCHEMA_VERSION) -> None:
    """Note that the store's tables are at ``version`` (after creating and upgrading them)."""
    if not isinstance(recorder, (PostgresApplicationRecorder, SQLiteApplicationRecorder)):
        return  # in memory: nothing outlives the process
    table, now = _table(recorder), datetime.now(UTC).isoformat()
    create = f"CREATE TABLE IF NOT EXISTS {table} (version INTEGER PRIMARY KEY, migrated_at TEXT NOT NULL)"
    if isinstance(recorder, PostgresApplicationRecorder):
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(create)
            c.execute(f"INSERT INTO {table} VALUES (%s, %s) ON CONFLICT (version) DO NOTHING", (version, now))
    elif isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(create)
            c.execute(f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT (version) DO NOTHING", (version, now))


def check_version(recorder: ApplicationRecorder) -> None:
    """Refuse to run on a store whose tables are older than this code (in memory: nothing to check)."""
    if not isinstance(recorder, (PostgresApplicationRecorder, SQLiteApplicationRecorder)):
        return
    found = read_version(recorder)
    if found is None or found < SCHEMA_VERSION:
        raise SchemaOutdated(
            f"the database's tables are at schema version {found or 'none'}, this code needs {SCHEMA_VERSION}: "
            "run `jiuzhu migrate` first"
        )
