"""Which exceptions mean "the store is unavailable", whatever the backend: the database is down,
restarting or out of connections. The request wrote nothing its client was told of, and a retry (with
the same Idempotency-Key) is safe. The drivers' own classes are named here, so no other layer imports a
database driver to recognise them."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

STORE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)
