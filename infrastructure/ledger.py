"""The ledger: a side table written in the same transaction as the events it describes.

For every stored event it keeps the instant the service recorded it (``recorded_at``, from the
application's clock in the insert's transaction, not the event's in-memory timestamp) and two
hashes: the hash of the stored bytes (``content_hash``) and a chain hash over the aggregate's
previous chain hash, its id, the version and the content hash. Verification recomputes both from
the stored events and names every event changed, removed, reordered or inserted behind the
service's back.

The content hashes are computed before the insert's transaction begins (``LedgerBatch``, made by
``LedgerMixin.insert_events``); on PostgreSQL the chain is built before the event table's lock is
taken (``infrastructure.ledger_postgres``), so the lock that serialises every writer is held only for
the library's insert, the ledger rows' insert and the commit.

It also keeps the read-access log: who read which household's personal data, when, and why.
The PostgreSQL recorder is in ``infrastructure.ledger_postgres``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from application.views.rows import AccessRecord
from infrastructure.fencing import fence, note_commit

GENESIS = "0" * 64


def content_hash(topic: str, state: bytes) -> str:
    return hashlib.sha256(topic.encode() + b"\x00" + state).hexdigest()


def chain_hash(previous: str, originator_id: str, version: int, content: str) -> str:
    return hashlib.sha256(f"{previous}|{originator_id}|{version}|{content}".encode()).hexdigest()


def oid_key(originator_id: UUID | str) -> str:
    """An aggregate id as the ledger keys it (32 hex digits), whatever form the backend gave."""
    return originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex


@dataclass(frozen=True)
class LedgerRow:
    originator_id: str  # UUID hex
    originator_version: int
    recorded_at: datetime
    content_hash: str
    chain_hash: str


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class LedgerBatch:
    """What the ledger needs for one insert of events, computed before its transaction: each event's
    aggregate key and content hash; the chained hashes once the previous hashes are read (``chained``)."""

    oids: list[str]
    contents: list[str]
    chained: list[str] | None = None

    @classmethod
    def of(cls, stored_events: Sequence[StoredEvent]) -> LedgerBatch:
        return cls(
            [oid_key(s.originator_id) for s in stored_events], [content_hash(s.topic, s.state) for s in stored_events]
        )


#: The keyword under which ``LedgerMixin.insert_events`` hands the batch to the recorder's hooks.
BATCH = "ledger_batch"


def chain_hashes(stored_events: Sequence[StoredEvent], previous: dict[str, str], batch: LedgerBatch) -> list[str]:
    """Each event's hash chained to its aggregate's previous one (``previous`` is brought up to date)."""
    hashes = []
    for s, oid, content in zip(stored_events, batch.oids, batch.contents, strict=True):
        previous[oid] = chain_hash(previous.get(oid, GENESIS), oid, s.originator_version, content)
        hashes.append(previous[oid])
    return hashes


def chain_rows(
    stored_events: Sequence[StoredEvent],
    now: datetime,
    batch: LedgerBatch,
    chained: Sequence[str],
) -> list[LedgerRow]:
    """The ledger rows of events about to be stored, recorded at ``now``, with their chained hashes."""
    return [
        LedgerRow(oid, s.originator_version, now, content, h)
        for s, oid, content, h in zip(stored_events, batch.oids, batch.contents, chained, strict=True)
    ]


class LedgerMixin:
    """What every ledger recorder offers the application."""

    clock: Callable[[], datetime] = staticmethod(_utc_now)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        kwargs.setdefault(BATCH, LedgerBatch.of(stored_events))  # hashed before any transaction begins
        ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)  # type: ignore[misc]
        note_commit()  # committed: an Idempotency-Key request's next save is fenced one further
        return ids

    def select_ledger(self, originator_id: UUID | None = None) -> list[LedgerRow]:
        raise NotImplementedError

    def log_access(self, record: AccessRecord) -> None:
        self.log_accesses([record])

    def log_accesses(self, records: Sequence[AccessRecord]) -> None:
        """Record several reads in one transaction (a search page, a roll, a bank file)."""
        raise NotImplementedError

    def select_access(
        self, *, household_id: UUID | None = None, user_id: str | None = None, limit: int = 1000, offset: int = 0
    ) -> list[AccessRecord]:
        raise NotImplementedError


class POPOLedgerRecorder(LedgerMixin, POPOApplicationRecorder):
    def __init__(self) -> None:
        super().__init__()
        self._ledger: dict[str, list[LedgerRow]] = defaultdict(list)
        self._access: list[AccessRecord] = []
        self._access_lock = threading.Lock()

    def _insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        with self._database_lock:
            ids = super()._insert_events(stored_events, **kwargs)  # re-entrant lock
            previous = {oid: rows[-1].chain_hash for oid, rows in self._ledger.items() if rows}
            batch: LedgerBatch = kwargs.get(BATCH) or LedgerBatch.of(stored_events)
            chained = chain_hashes(stored_events, previous, batch)
            for row in chain_rows(stored_events, self.clock(), batch, chained):
                self._ledger[row.originator_id].append(row)
            return ids

    def select_ledger(self, originator_id: UUID | None = None) -> list[LedgerRow]:
        with self._database_lock:
            if originator_id is not None:
                return list(self._ledger.get(oid_key(originator_id), []))
            return [r for rows in self._ledger.values() for r in rows]

    def log_accesses(self, records: Sequence[AccessRecord]) -> None:
        with self._access_lock:
            self._access.extend(records)

    def select_access(
        self, *, household_id: UUID | None = None, user_id: str | None = None, limit: int = 1000, offset: int = 0
    ) -> list[AccessRecord]:
        with self._access_lock:
            rows = [
                r
                for r in self._access
                if (household_id is None or r.household_id == str(household_id))
                and (user_id is None or r.user_id == user_id)
            ]
        return rows[::-1][offset : offset + limit]


class SQLiteLedgerRecorder(LedgerMixin, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        t = self.events_table_name
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {t}_ledger (originator_id TEXT NOT NULL, originator_version INTEGER NOT "
            "NULL, recorded_at TEXT NOT NULL, content_hash TEXT NOT NULL, chain_hash TEXT NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))",
            f"CREATE TABLE IF NOT EXISTS {t}_access_log (at TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT "
            "NULL, household_id TEXT NOT NULL, purpose TEXT NOT NULL, request_id TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {t}_access_household ON {t}_access_log (household_id)",
            f"CREATE INDEX IF NOT EXISTS {t}_access_user ON {t}_access_log (user_id)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        t = self.events_table_name
        fence(c, f"{t}_idempotency", "?")  # an Idempotency-Key claim taken over by a retry: write nothing
        batch: LedgerBatch = kwargs.get(BATCH) or LedgerBatch.of(stored_events)
        previous: dict[str, str] = {}
        for oid in set(batch.oids):
            c.execute(
                f"SELECT chain_hash FROM {t}_ledger WHERE originator_id=? ORDER BY originator_version DESC LIMIT 1",
                (oid,),
            )
            row = c.fetchone()
            if row:
                previous[oid] = row[0]
        for r in chain_rows(stored_events, self.clock(), batch, chain_hashes(stored_events, previous, batch)):
            c.execute(
                f"INSERT INTO {t}_ledger VALUES (?, ?, ?, ?, ?)",
                (r.originator_id, r.originator_version, r.recorded_at.isoformat(), r.content_hash, r.chain_hash),
            )
        return ids

    def select_ledger(self, originator_id: UUID | None = None) -> list[LedgerRow]:
        t = self.events_table_name
        with self.datastore.transaction(commit=False) as c:
            if originator_id is None:
                c.execute(f"SELECT * FROM {t}_ledger ORDER BY originator_id, originator_version")
            else:
                c.execute(
                    f"SELECT * FROM {t}_ledger WHERE originator_id=? ORDER BY originator_version",
                    (oid_key(originator_id),),
                )
            return [LedgerRow(r[0], r[1], datetime.fromisoformat(r[2]), r[3], r[4]) for r in c.fetchall()]

    def log_accesses(self, records: Sequence[AccessRecord]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(
                f"INSERT INTO {self.events_table_name}_access_log VALUES (?, ?, ?, ?, ?, ?)",
                [(r.at.isoformat(), r.user_id, r.role, r.household_id, r.purpose, r.request_id) for r in records],
            )

    def select_access(
        self, *, household_id: UUID | None = None, user_id: str | None = None, limit: int = 1000, offset: int = 0
    ) -> list[AccessRecord]:
        where, params = access_filter(household_id, user_id, "?")
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT * FROM {self.events_table_name}_access_log{where} ORDER BY rowid DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            return [AccessRecord(datetime.fromisoformat(r[0]), *r[1:]) for r in c.fetchall()]


def access_filter(household_id: UUID | None, user_id: str | None, mark: str) -> tuple[str, list[str]]:
    """The WHERE clause (with ``mark`` placeholders) and parameters of an access-log query."""
    clauses, params = [], []
    if household_id is not None:
        clauses.append(f"household_id = {mark}")
        params.append(str(household_id))
    if user_id is not None:
        clauses.append(f"user_id = {mark}")
        params.append(user_id)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


RECORDER_TOPICS = {
    "eventsourcing.popo": "infrastructure.ledger:POPOLedgerRecorder",
    "eventsourcing.sqlite": "infrastructure.ledger:SQLiteLedgerRecorder",
    "eventsourcing.postgres": "infrastructure.ledger_postgres:PostgresLedgerRecorder",
}
