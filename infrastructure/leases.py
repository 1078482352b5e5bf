"""Leases: at most one holder at a time across processes, released when the holder dies.

On PostgreSQL a lease is a session-level advisory lock (``pg_try_advisory_lock``) taken on a
connection of its own: when the holding process dies or its connection breaks, the server drops the
lock and another process may take it. On a SQLite file it is an ``flock`` on a file beside the
database (the kernel drops it with the process); in memory, a lock of the process.

Projection workers hold the ``views`` lease while they project (one projector at a time, a standby
takes over); ``jiuzhu migrate`` holds the ``migrate`` lease while it creates or upgrades tables.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

import psycopg


class Lease(Protocol):
    holder: str  # who we are, as other processes see the holder

    def acquire(self, *, wait: bool = False) -> bool:
        """Take the lease (waiting for it with ``wait``); True when held."""

    def held(self) -> bool:
        """Whether the lease is still ours (a broken connection has lost it)."""

    def release(self) -> None: ...


def lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PostgresLease:
    def __init__(self, env: dict[str, str], name: str) -> None:
        schema = env.get("POSTGRES_SCHEMA") or "public"
        self.key = lock_key(f"jiuzhu:{env.get('POSTGRES_DBNAME')}:{schema}:{name}")
        self.holder = f"jiuzhu-{name}-{os.getpid()}"
        self.params = {
            "host": env.get("POSTGRES_HOST", "127.0.0.1"),
            "port": env.get("POSTGRES_PORT", "5432"),
            "user": env.get("POSTGRES_USER", "postgres"),
            "password": env.get("POSTGRES_PASSWORD", ""),
            "dbname": env.get("POSTGRES_DBNAME", "jiuzhu"),
            "connect_timeout": int(env.get("POSTGRES_CONNECT_TIMEOUT") or 5),
            "application_name": self.holder,  # pg_stat_activity names the holder
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        self.conn: psycopg.Connection | None = None
        self._held = False

    def acquire(self, *, wait: bool = False) -> bool:
        if self._held and self.held():
            return True
        self._close()
        self.conn = psycopg.connect(autocommit=True, **self.params)  # type: ignore[arg-type]
        if wait:
            self.conn.execute("SELECT pg_advisory_lock(%s)", (self.key,))
            self._held = True
        else:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            self._held = bool(row and row[0])
        if not self._held:
            self._close()
        return self._held

    def held(self) -> bool:
        if not self._held or self.conn is None:
            return False
        try:
            self.conn.execute("SELECT 1")
        except psycopg.Error:
            self._close()
            return False
        return True

    def release(self) -> None:
        if self._held and self.conn is not None:
            with contextlib.suppress(psycopg.Error):  # the connection is gone, and the lock with it
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        self._close()

    def _close(self) -> None:
        self._held = False
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


class FileLease:
    def __init__(self, path: Path, name: str) -> None:
        self.path = path.with_name(f"{path.name}.{name}.lock")
        self.holder = f"jiuzhu-{name}-{os.getpid()}"
        self.file: IO[bytes] | None = None

    def acquire(self, *, wait: bool = False) -> bool:
        if self.file is not None:
            return True
        f = self.path.open("ab")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            f.close()
            return False
        self.file = f
        return True

    def held(self) -> bool:
        return self.file is not None

    def release(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            self.file.close()
            self.file = None


class LocalLease:
    _locks: dict[str, threading.Lock] = {}

    def __init__(self, name: str) -> None:
        self.lock = self._locks.setdefault(name, threading.Lock())
        self.holder = f"jiuzhu-{name}-{os.getpid()}-{threading.get_ident()}"
        self._held = False

    def acquire(self, *, wait: bool = False) -> bool:
        if not self._held:
            self._held = self.lock.acquire(blocking=wait)
        return self._held

    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        if self._held:
            self._held = False
            self.lock.release()


def open_lease(env: dict[str, str], name: str) -> Lease:
    """The lease called ``name`` for the store an application's persistence ``env`` describes."""
    module = env.get("PERSISTENCE_MODULE") or "eventsourcing.popo"
    if module == "eventsourcing.postgres":
        return PostgresLease(env, name)
    db = env.get("SQLITE_DBNAME", "")
    if module == "eventsourcing.sqlite" and db and ":memory:" not in db and "mode=memory" not in db:
        return FileLease(Path(db.removeprefix("file:").split("?")[0]), name)
    return LocalLease(f"{db}:{name}")


@contextmanager
def holding(env: dict[str, str], name: str) -> Iterator[Lease]:
    """Hold the lease for the duration of the block, waiting for it if another process has it."""
    lease = open_lease(env, name)
    lease.acquire(wait=True)
    try:
        yield lease
    finally:
        lease.release()
