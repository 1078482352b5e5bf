"""How fast the PostgreSQL connection pool comes back after the database restarts.

psycopg_pool retries a failed connection with exponential backoff (1 s, 2 s, 4 s … for up to five
minutes), so after an outage of half a minute the pool may wait another half minute before trying
again, answering 503 meanwhile. Capping the delay keeps trying every ``MAX_DELAY`` seconds instead:
a restarted database is used again within a second or so. The pool offers no setting for it; the
composition root calls ``cap_reconnect_backoff`` once per process. ``ping`` is the readiness probe's
round trip.
"""

from __future__ import annotations

import psycopg_pool.pool
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg_pool.base import AttemptWithBackoff

MAX_DELAY = 1.0


class CappedBackoff(AttemptWithBackoff):
    """Exponential backoff, but never more than ``MAX_DELAY`` seconds between two attempts."""

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, MAX_DELAY)


def cap_reconnect_backoff() -> None:
    """Make every pool of this process retry connecting at least every ``MAX_DELAY`` seconds."""
    psycopg_pool.pool.AttemptWithBackoff = CappedBackoff  # type: ignore[attr-defined]


def ping(recorder: ApplicationRecorder) -> None:
    """One round trip to the events' database, without the library's retries (ten, for its own queries): a
    probe must answer within the pool's connect timeout. Raises the library's OperationalError when away."""
    datastore = getattr(recorder, "datastore", None)
    if isinstance(recorder, (PostgresApplicationRecorder, SQLiteApplicationRecorder)) and datastore is not None:
        with datastore.transaction(commit=False) as c:
            c.execute("SELECT 1")
            c.fetchall()
