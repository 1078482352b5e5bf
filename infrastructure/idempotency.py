"""Idempotency keys, kept in the events' database: (user id, key) → fingerprint and stored response.

``begin`` claims a key for a request, or says why not: the first response is stored (replay it),
the key is still being worked on (in progress), or it came with another request (mismatch).
``complete`` stores the response; ``release`` forgets a claim whose request wrote nothing, so a
retry runs again. Stored responses are encrypted with the application's cipher (they may hold
names); the fingerprint is a keyed hash, never the body.

A claim not completed within ``LEASE`` seconds (the process died) may be taken over; a completed
key is kept ``TTL`` seconds. One gap remains: a process that dies after its events were committed
but before the response was stored leaves a claim that a retry takes over after the lease, running
the command again — the household's If-Match version then refuses the repeat (412) when the client
sent one.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Cipher
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

LEASE = 300.0  # seconds a claim may stay open before another request may take it over
TTL = 24 * 3600.0  # seconds a completed key keeps its response


class Outcome(Enum):
    NEW = "new"  # the caller owns the key now: run the request, then complete or release
    REPLAY = "replay"  # the first response is stored: send it again
    IN_PROGRESS = "in-progress"  # another request with this key is still running
    MISMATCH = "mismatch"  # the key was used for a different request


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
    def __init__(self, cipher: Cipher | None = None, now: Callable[[], float] = time.time):
        self.cipher, self.now = cipher, now

    def _seal(self, response: StoredResponse) -> bytes:
        data = response.to_bytes()
        return self.cipher.encrypt(data) if self.cipher else data

    def _open(self, data: bytes) -> StoredResponse:
        return StoredResponse.from_bytes(self.cipher.decrypt(data) if self.cipher else data)

    def _judge(self, fingerprint: str, row: tuple[str, str, bool, bytes | None], token: str) -> Claim:
        stored_fingerprint, stored_token, done, response = row
        if stored_fingerprint != fingerprint:
            return Claim(Outcome.MISMATCH)
        if stored_token == token:
            return Claim(Outcome.NEW, token)
        if done and response is not None:
            return Claim(Outcome.REPLAY, response=self._open(bytes(response)))
        return Claim(Outcome.IN_PROGRESS)

    @abstractmethod
    def begin(self, user_id: str, key: str, fingerprint: str) -> Claim: ...

    @abstractmethod
    def complete(self, user_id: str, key: str, token: str, response: StoredResponse) -> None: ...

    @abstractmethod
    def release(self, user_id: str, key: str, token: str) -> None: ...

    @abstractmethod
    def purge(self) -> int:
        """Forget expired keys and abandoned claims; the number forgotten."""


class MemoryIdempotencyStore(IdempotencyStore):
    """For the in-memory (POPO) backend: nothing outlives the process, like its events."""

    def __init__(self, cipher: Cipher | None = None, now: Callable[[], float] = time.time):
        super().__init__(cipher, now)
        self._rows: dict[tuple[str, str], tuple[str, str, bool, bytes | None, float]] = {}
        self._lock = threading.Lock()

    def _expired(self, row: tuple[str, str, bool, bytes | None, float]) -> bool:
        return row[4] < self.now() - (TTL if row[2] else LEASE)

    def begin(self, user_id: str, key: str, fingerprint: str) -> Claim:
        token = uuid.uuid4().hex
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is None or self._expired(row):
                row = self._rows[(user_id, key)] = (fingerprint, token, False, None, self.now())
            return self._judge(fingerprint, row[:4], token)

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
    ):
        super().__init__(cipher, now)
        self.table, self._transaction, self.blob, self.mark = table, transaction, blob, mark

    def q(self, sql: str) -> str:
        return sql.replace("{t}", self.table).replace("%s", self.mark)

    def create_table(self) -> None:
        with self._transaction() as c:
            c.execute(
                self.q(
                    "CREATE TABLE IF NOT EXISTS {t} (user_id TEXT NOT NULL, key TEXT NOT NULL, "
                    "fingerprint TEXT NOT NULL, token TEXT NOT NULL, done INTEGER NOT NULL, "
                    f"response {self.blob}, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (user_id, key))"
                )
            )

    def _rows(self, c: Any) -> Iterator[tuple[str, str, bool, bytes | None]]:
        for r in c.fetchall():
            values = list(r.values()) if isinstance(r, dict) else list(r)
            yield values[0], values[1], bool(values[2]), values[3]

    def begin(self, user_id: str, key: str, fingerprint: str) -> Claim:
        token, now = uuid.uuid4().hex, self.now()
        with self._transaction() as c:
            c.execute(
                self.q(
                    "DELETE FROM {t} WHERE user_id = %s AND key = %s AND at < (CASE WHEN done = 1 THEN %s ELSE %s END)"
                ),
                (user_id, key, now - TTL, now - LEASE),
            )
            c.execute(
                self.q("INSERT INTO {t} VALUES (%s, %s, %s, %s, 0, NULL, %s) ON CONFLICT (user_id, key) DO NOTHING"),
                (user_id, key, fingerprint, token, now),
            )
            c.execute(
                self.q("SELECT fingerprint, token, done, response FROM {t} WHERE user_id = %s AND key = %s"),
                (user_id, key),
            )
            row = next(self._rows(c))
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
        with self._transaction() as c:
            c.execute(
                self.q("DELETE FROM {t} WHERE user_id = %s AND key = %s AND token = %s AND done = 0"),
                (user_id, key, token),
            )

    def purge(self) -> int:
        now = self.now()
        with self._transaction() as c:
            c.execute(self.q("SELECT count(*) FROM {t}"))
            before = _count(c.fetchone())
            c.execute(
                self.q("DELETE FROM {t} WHERE at < (CASE WHEN done = 1 THEN %s ELSE %s END)"), (now - TTL, now - LEASE)
            )
            c.execute(self.q("SELECT count(*) FROM {t}"))
            return before - _count(c.fetchone())


def _count(row: Any) -> int:
    return int(next(iter(row.values())) if isinstance(row, dict) else row[0])


def open_idempotency_store(
    recorder: ApplicationRecorder, *, cipher: Cipher | None, create: bool = True
) -> IdempotencyStore:
    """The store in the same database (and schema) as the application's events."""
    store: SQLIdempotencyStore
    if isinstance(recorder, SQLiteApplicationRecorder):
        datastore = recorder.datastore
        store = SQLIdempotencyStore(
            f"{recorder.events_table_name}_idempotency",
            lambda: datastore.transaction(commit=True),
            blob="BLOB",
            mark="?",
            cipher=cipher,
        )
    elif isinstance(recorder, PostgresApplicationRecorder):
        pg = recorder.datastore
        table = SQL("{}.{}").format(Identifier(pg.schema), Identifier(f"{recorder.events_table_name}_idempotency"))
        store = SQLIdempotencyStore(
            table.as_string(), lambda: pg.transaction(commit=True), blob="BYTEA", mark="%s", cipher=cipher
        )
    else:
        return MemoryIdempotencyStore(cipher)
    if create:
        store.create_table()
    return store
