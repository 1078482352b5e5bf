"""The SQL of backups, per dialect: read events with their ledger rows in notification order, write them back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

EventRow = tuple[int, Any, int, str, bytes, Any, str | None, str | None]  # n, id, v, topic, state, at, content, chain


class StoreSQL(Protocol):
    def events_after(self, after: int, limit: int) -> list[EventRow]: ...

    def orphan_ledger_rows(self) -> list[tuple[Any, ...]]: ...

    def access_rows(self) -> list[tuple[Any, ...]]: ...

    def is_empty(self) -> bool: ...

    def insert(
        self, events: Sequence[tuple[Any, ...]], ledger: Sequence[tuple[Any, ...]], access: Sequence[tuple[Any, ...]]
    ) -> None: ...

    def after_import(self, last: int) -> None: ...


class _ReadingSQL:
    """The reads both dialects share, written once: the dialects differ only in the column that numbers
    events, the parameter marker, the access log's order and how a driver's row becomes a tuple."""

    events: str
    ledger: str
    access: str
    position: str  # the column that numbers events in notification order
    marker: str  # the driver's parameter placeholder
    access_order: str  # the access log's column in insertion order

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def events_after(self, after: int, limit: int) -> list[EventRow]:
        n, p = self.position, self.marker
        return self._all(
            f"SELECT e.{n}, e.originator_id, e.originator_version, e.topic, e.state, l.recorded_at, "
            f"l.content_hash, l.chain_hash FROM {self.events} e LEFT JOIN {self.ledger} l ON "
            "l.originator_id = e.originator_id AND l.originator_version = e.originator_version "
            f"WHERE e.{n} > {p} ORDER BY e.{n} LIMIT {p}",
            (after, limit),
        )

    def orphan_ledger_rows(self) -> list[tuple[Any, ...]]:
        return self._all(
            f"SELECT l.originator_id, l.originator_version, l.recorded_at, l.content_hash, l.chain_hash "
            f"FROM {self.ledger} l WHERE NOT EXISTS (SELECT 1 FROM {self.events} e WHERE "
            "e.originator_id = l.originator_id AND e.originator_version = l.originator_version) "
            "ORDER BY l.originator_id, l.originator_version"
        )

    def access_rows(self) -> list[tuple[Any, ...]]:
        return self._all(
            f"SELECT at, user_id, role, household_id, purpose, request_id FROM {self.access} "
            f"ORDER BY {self.access_order}"
        )

    def is_empty(self) -> bool:
        return not self._all(f"SELECT 1 FROM {self.events} LIMIT 1") and not self._all(
            f"SELECT 1 FROM {self.ledger} LIMIT 1"
        )


class SQLiteBackupSQL(_ReadingSQL):
    position, marker, access_order = "rowid", "?", "rowid"

    def __init__(self, recorder: SQLiteApplicationRecorder) -> None:
        self.datastore, t = recorder.datastore, recorder.events_table_name
        self.events, self.ledger, self.access = t, f"{t}_ledger", f"{t}_access_log"

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, tuple(params))
            return [tuple(r) for r in c.fetchall()]

    def insert(
        self, events: Sequence[tuple[Any, ...]], ledger: Sequence[tuple[Any, ...]], access: Sequence[tuple[Any, ...]]
    ) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(
                f"INSERT INTO {self.events} (rowid, originator_id, originator_version, topic, state) "
                "VALUES (?, ?, ?, ?, ?)",
                [(n, oid.hex, v, topic, state) for n, oid, v, topic, state in events],
            )
            c.executemany(
                f"INSERT INTO {self.ledger} VALUES (?, ?, ?, ?, ?)",
                [(oid.hex, v, at.isoformat(), content, chain) for oid, v, at, content, chain in ledger],
            )
            c.executemany(
                f"INSERT INTO {self.access} VALUES (?, ?, ?, ?, ?, ?)",
                [(at.isoformat(), *rest) for at, *rest in access],
            )

    def after_import(self, last: int) -> None:
        """Nothing to do: SQLite numbers the next event after the largest rowid."""


class PostgresBackupSQL(_ReadingSQL):
    position, marker, access_order = "notification_id", "%s", "id"

    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self.datastore, t = recorder.datastore, recorder.events_table_name
        schema = Identifier(self.datastore.schema)
        self.events = SQL("{}.{}").format(schema, Identifier(t)).as_string()
        self.ledger = SQL("{}.{}").format(schema, Identifier(f"{t}_ledger")).as_string()
        self.access = SQL("{}.{}").format(schema, Identifier(f"{t}_access_log")).as_string()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, tuple(params))
            return [tuple(r.values()) for r in c.fetchall()]

    def insert(
        self, events: Sequence[tuple[Any, ...]], ledger: Sequence[tuple[Any, ...]], access: Sequence[tuple[Any, ...]]
    ) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"LOCK TABLE {self.events} IN EXCLUSIVE MODE")
            c.executemany(
                f"INSERT INTO {self.events} (notification_id, originator_id, originator_version, topic, state) "
                "VALUES (%s, %s, %s, %s, %s)",
                list(events),
            )
            c.executemany(f"INSERT INTO {self.ledger} VALUES (%s, %s, %s, %s, %s)", list(ledger))
            c.executemany(
                f"INSERT INTO {self.access} (at, user_id, role, household_id, purpose, request_id) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                list(access),
            )

    def after_import(self, last: int) -> None:
        """Number the next event after the last one imported."""
        if last:
            with self.datastore.transaction(commit=True) as c:
                c.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                    (self.events, last),
                )
