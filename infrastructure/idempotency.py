"""Idempotency keys, kept in the events' database: (user id, key) → fingerprint and stored response.

``begin`` claims a key for a request, or says why not: the first response is stored (replay it),
the key is still being worked on (in progress), or it came with another request (mismatch).
``complete`` stores the response; ``release`` forgets a claim whose request wrote nothing, so a
retry runs again. Stored responses are encrypted with the application's cipher (they may hold
names); the fingerprint is a keyed hash, never the body.

A claim is leased for a short time and renewed (``renew``) by the running request every third of
the lease, so it lives exactly as long as the process working on it: once that process dies the
renewals stop, and a retry takes the claim over within ``LEASE`` seconds. A completed key is kept
``TTL`` seconds. The claim is also a fencing token (``infrastructure.fencing``): every save
of events under it counts itself in the ``committed`` column in the events' own transaction, and
fails when the claim was taken over. So a command is never run twice under one key: a claim whose
events were committed is never taken over, and one taken over can no longer commit. A committed
claim without a stored response (the process died between the commit and storing the response)
answers ``APPLIED``: the write happened, its response is lost.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Cipher
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

LEASE = 10.0  # seconds a claim lives without renewal before another request may take it over
TTL = 24 * 3600.0  # seconds a completed key keeps its response


class Outcome(Enum):
    NEW = "new"  # the caller owns the key now: run the request, then complete or release
    REPLAY = "replay"  # the first response is stored: send it again
    IN_PROGRESS = "in-progress"  # another request with this key is still running
    MISMATCH = "mismatch"  # the key was used for a different request
    APPLIED = "applied"  # the first request's events were committed but its response was never stored


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def to_bytes(self) -> bytes:
        return json.dumps({"status": self.status, "headers": self.headers}).encode() + b"\n" + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> StoredResponse:
        head, _, body = data.partition(b"\n")
        meta = json.loads(head)
        return cls(int(meta["status"]), [(str(k), str(v)) for k, v in meta["headers"]], body)


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    token: str = ""  # identifies this claim to complete or release
    response: StoredResponse | None = None


class IdempotencyStore(ABC):
    def __init__(self, cipher: Cipher | None = None, now: Callable[[], float] = time.time, lease: float = LEASE):
        self.cipher, self.now, self.lease = cipher, now, lease

    def _seal(self, response: StoredResponse) -> bytes:
        data = response.to_bytes()
        return self.cipher.encrypt(data) if self.cipher else data

    def _open(self, data: bytes) -> StoredResponse:
        return StoredResponse.from_bytes(self.cipher.decrypt(data) if self.cipher else data)

    def _judge(self, fingerprint: str, row: tuple[str, str, bool, bytes | None, bool], token: str) -> Claim:
        stored_fingerprint, stored_token, done, response, committed = row
        if stored_fingerprint != fingerprint:
            return Claim(Outcome.MISMATCH)
        if stored_token == token:
            return Claim(Outcome.NEW, token)
        if done and response is not None:
            return Claim(Outcome.REPLAY, response=self._open(bytes(response)))
        return Claim(Outcome.APPLIED if committed else Outcome.IN_PROGRESS)

    @abstractmethod
    def begin(self, user_id: str, key: str, fingerprint: str) -> Claim: ...

    @abstractmethod
    def complete(self, user_id: str, key: str, token: str, response: StoredResponse) -> None: ...

    @abstractmethod
    def release(self, user_id: str, key: str, token: str) -> None: ...

    @abstractmethod
    def renew(self, user_id: str, key: str, token: str) -> None:
        """Extend a running claim's lease from now (its request is still being worked on)."""

    @abstractmethod
    def purge(self) -> int:
        """Forget expired keys and abandoned claims; the number forgotten."""


class MemoryIdempotencyStore(IdempotencyStore):
    """For the in-memory (POPO) backend: nothing outlives the process, like its events."""

    def __init__(self, cipher: Cipher | None = None, now: Callable[[], float] = time.time, lease: float = LEASE):
        super().__init__(cipher, now, lease)
        self._rows: dict[tuple[str, str], tuple[str, str, bool, bytes | None, float]] = {}
        self._lock = threading.Lock()

    def _expired(self, row: tuple[str, str, bool, bytes | None, float]) -> bool:
        return row[4] < self.now() - (TTL if row[2] else self.lease)

    def begin(self, user_id: str, key: str, fingerprint: str) -> Claim:
        token = uuid.uuid4().hex
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is None or self._expired(row):
                row = self._rows[(user_id, key)] = (fingerprint, token, False, None, self.now())
            return self._judge(fingerprint, (*row[:4], False), token)

    def complete(self, user_id: str, key: str, token: str, response: StoredResponse) -> None:
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is not None and row[1] == token:
                self._rows[(user_id, key)] = (row[0], token, True, self._seal(response), self.now())

    def release(self, user_id: str, key: str, token: str) -> None:
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is not None and row[1] == token and not row[2]:
                del self._rows[(user_id, key)]

    def renew(self, user_id: str, key: str, token: str) -> None:
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is not None and row[1] == token and not row[2]:
                self._rows[(user_id, key)] = (*row[:4], self.now())

    def purge(self) -> int:
        with self._lock:
            gone = [k for k, row in self._rows.items() if self._expired(row)]
            for k in gone:
                del self._rows[k]
        return len(gone)


class SQLIdempotencyStore(IdempotencyStore):
    """One table beside the events (SQLite or PostgreSQL); ``%s`` placeholders, rewritten for SQLite."""

    def __init__(
        self,
        table: str,
        transaction: Callable[[], AbstractContextManager[Any]],
        *,
        blob: str,
        mark: str,
        cipher: Cipher | None = None,
        now: Callable[[], float] = time.time,
        lease: float = LEASE,
    ):
        super().__init__(cipher, now, lease)
        self.table, self._transaction, self.blob, self.mark = table, transaction, blob, mark

    def q(self, sql: str) -> str:
        return sql.replace("{t}", self.table).replace("%s", self.mark)

    def create_table(self) -> None:
        """Create the table, or bring an older one up to date (``jiuzhu migrate``)."""
        with self._transaction() as c:
            c.execute(
                self.q(
                    "CREATE TABLE IF NOT EXISTS {t} (user_id TEXT NOT NULL, key TEXT NOT NULL, "
                    "fingerprint TEXT NOT NULL, token TEXT NOT NULL, done INTEGER NOT NULL, "
                    f"response {self.blob}, at DOUBLE PRECISION NOT NULL, committed INTEGER NOT NULL DEFAULT 0, "
                    "PRIMARY KEY (user_id, key))"
                )
            )
            if self.mark == "%s":
                c.execute(self.q("ALTER TABLE {t} ADD COLUMN IF NOT EXISTS committed INTEGER NOT NULL DEFAULT 0"))
                return
            c.execute(f"PRAGMA table_info({self.table})")
            if "committed" not in {r[1] for r in c.fetchall()}:  # a table of schema version 1
                c.execute(self.q("ALTER TABLE {t} ADD COLUMN committed INTEGER NOT NULL DEFAULT 0"))

    def _row(self, c: Any) -> tuple[str, str, bool, bytes | None, bool]:
        r = c.fetchone()
        values = list(r.values()) if isinstance(r, dict) else list(r)
        return values[0], values[1], bool(values[2]), values[3], bool(values[4])

    def begin(self, user_id: str, key: str, fingerprint: str) -> Claim:
        token, now = uuid.uuid4().hex, self.now()
        with self._transaction() as c:
            c.execute(
                self.q(
                    "DELETE FROM {t} WHERE user_id = %s AND key = %s AND "
                    "(CASE WHEN done = 1 OR committed > 0 THEN at < %s ELSE at < %s END)"
                ),
                (user_id, key, now - TTL, now - self.lease),
            )
            c.execute(
                self.q(
                    "INSERT INTO {t} (user_id, key, fingerprint, token, done, response, at, committed) "
                    "VALUES (%s, %s, %s, %s, 0, NULL, %s, 0) ON CONFLICT (user_id, key) DO NOTHING"
                ),
                (user_id, key, fingerprint, token, now),
            )
            c.execute(
                self.q("SELECT fingerprint, token, done, response, committed FROM {t} WHERE user_id = %s AND key = %s"),
                (user_id, key),
            )
            row = self._row(c)
        return self._judge(fingerprint, row, token)

    def complete(self, user_id: str, key: str, token: str, response: StoredResponse) -> None:
        with self._transaction() as c:
            c.execute(
                self.q(
                    "UPDATE {t} SET done = 1, response = %s, at = %s WHERE user_id = %s AND key = %s AND token = %s"
                ),
                (self._seal(response), self.now(), user_id, key, token),
            )

    def release(self, user_id: str, key: str, token: str) -> None:
        """Forget a claim whose request wrote nothing (a committed claim stays: its write happened)."""
        with self._transaction() as c:
            c.execute(
                self.q("DELETE FROM {t} WHERE user_id = %s AND key = %s AND token = %s AND done = 0 AND committed = 0"),
                (user_id, key, token),
            )

    def renew(self, user_id: str, key: str, token: str) -> None:
        with self._transaction() as c:
            c.execute(
                self.q("UPDATE {t} SET at = %s WHERE user_id = %s AND key = %s AND token = %s AND done = 0"),
                (self.now(), user_id, key, token),
            )

    def purge(self) -> int:
        now = self.now()
        with self._transaction() as c:
            c.execute(self.q("SELECT count(*) FROM {t}"))
            before = _count(c.fetchone())
            c.execute(
                self.q("DELETE FROM {t} WHERE (CASE WHEN done = 1 OR committed > 0 THEN at < %s ELSE at < %s END)"),
                (now - TTL, now - self.lease),
            )
            c.execute(self.q("SELECT count(*) FROM {t}"))
            return before - _count(c.fetchone())


def _count(row: Any) -> int:
    return int(next(iter(row.values())) if isinstance(row, dict) else row[0])


def idempotency_table(recorder: ApplicationRecorder) -> str | None:
    """The (qualified) name of the keys' table beside a recorder's events; None in memory."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        return f"{recorder.events_table_name}_idempotency"
    if isinstance(recorder, PostgresApplicationRecorder):
        name = Identifier(f"{recorder.events_table_name}_idempotency")
        return SQL("{}.{}").format(Identifier(recorder.datastore.schema), name).as_string()
    return None


def open_idempotency_store(
    recorder: ApplicationRecorder, *, cipher: Cipher | None, create: bool = True, lease: float = LEASE
) -> IdempotencyStore:
    """The store in the same database (and schema) as the application's events."""
    table = idempotency_table(recorder)
    store: SQLIdempotencyStore
    if isinstance(recorder, SQLiteApplicationRecorder) and table:
        datastore = recorder.datastore
        store = SQLIdempotencyStore(
            table, lambda: datastore.transaction(commit=True), blob="BLOB", mark="?", cipher=cipher, lease=lease
        )
    elif isinstance(recorder, PostgresApplicationRecorder) and table:
        pg = recorder.datastore
        store = SQLIdempotencyStore(
            table, lambda: pg.transaction(commit=True), blob="BYTEA", mark="%s", cipher=cipher, lease=lease
        )
    else:
        return MemoryIdempotencyStore(cipher, lease=lease)
    if create:
        store.create_table()
    return store
