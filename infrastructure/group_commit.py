"""Group commit on PostgreSQL: concurrent saves of different households committed in one transaction.

Every save of events takes the event table's lock (so that notification ids follow commit order) and
commits; at many clients the saves queue on that lock, one commit each. With group commit a save
hands its events to one committer thread per process and waits; the committer takes whatever has
queued (up to ``max_batch`` saves), takes the lock once, and runs each save in a savepoint of its
own — its Idempotency-Key fence, its events' insert, its ledger rows — then commits them all at once.

What stays exactly as it was:
- each save keeps its own optimistic-concurrency check: a stale version (the events' unique key)
  rolls back to that save's savepoint only and fails only that save, with the library's
  ``IntegrityError``, so the application's reload-and-retry, the 409 and the 412 are unchanged;
- the fence runs in the save's savepoint with the claim of the request that made it (the caller's
  context is carried over to the committer), so a lost claim fails only that save;
- insert order equals commit order (one transaction, under the lock), so the notification log has
  no gaps a reader could pass over; a household and the person-index aggregates saved with it are
  one ``Application.save``, hence one savepoint: exclusions stay atomic;
- the ledger's chain: each save reads the previous hashes inside its savepoint, after the saves
  before it in the batch, so two saves of one aggregate (which cannot both succeed) are never
  batched together — the second waits for the next batch;
- a commit that fails (the connection lost) fails every save of the batch, exactly as it failed
  the one save before; the caller's retry is the library's (a save committed in fact meets the
  events' unique key, or the fence, as before).
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import psycopg
from eventsourcing.persistence import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from psycopg import Connection
from psycopg.rows import DictRow

#: Runs one save inside the batch's transaction, in its savepoint: returns its notification ids.
SaveOne = Callable[[Any, Sequence[StoredEvent], dict[str, Any]], Sequence[int] | None]


@dataclass
class _Save:
    events: Sequence[StoredEvent]
    kwargs: dict[str, Any]
    context: contextvars.Context  # the caller's: its Idempotency-Key claim
    done: Future[Sequence[int] | None] = field(default_factory=Future)

    @property
    def aggregates(self) -> set[Any]:
        return {e.originator_id for e in self.events}


def _translated(e: Exception) -> Exception:
    """A driver error as the library raises it (its ``get_connection`` does the same)."""
    if isinstance(e, psycopg.IntegrityError):
        return IntegrityError(str(e))
    if isinstance(e, psycopg.InterfaceError):
        return InterfaceError(str(e))
    if isinstance(e, psycopg.OperationalError):
        return OperationalError(str(e))
    if isinstance(e, psycopg.DatabaseError):
        return DatabaseError(str(e))
    if isinstance(e, psycopg.Error):
        return PersistenceError(str(e))
    return e


class GroupCommitter:
    """One committer thread: batches the saves queued by ``submit`` into one transaction each."""

    def __init__(
        self,
        connection: Callable[[], Any],
        begin: Callable[[Any], None],
        save_one: SaveOne,
        *,
        max_batch: int = 64,
    ) -> None:
        self.connection, self.begin, self.save_one, self.max_batch = connection, begin, save_one, max_batch
        self.queue: queue.Queue[_Save | None] = queue.Queue()
        self.held: list[_Save] = []  # saves of an aggregate already in the batch: the next batch's first
        self.batches = 0  # transactions committed (or failed), for the benchmarks and tests
        self.saves = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int] | None:
        """Queue one save and wait for its batch to commit; its own failure is raised here."""
        self._start()
        save = _Save(events, kwargs, contextvars.copy_context())
        self.queue.put(save)
        return save.done.result()

    def close(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self.queue.put(None)
            thread.join(timeout=10)

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="jiuzhu-group-commit", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._commit(batch)

    def _next_batch(self) -> list[_Save] | None:
        """What has queued, up to ``max_batch`` saves, at most one per aggregate (the rest wait)."""
        waiting, self.held = self.held, []
        if not waiting:
            first = self.queue.get()
            if first is None:
                return None
            waiting = [first]
        while len(waiting) < self.max_batch:
            try:
                more = self.queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                self.queue.put(None)  # stop after this batch
                break
            waiting.append(more)
        batch: list[_Save] = []
        seen: set[Any] = set()
        for save in waiting:
            if save.aggregates & seen:
                self.held.append(save)
            else:
                seen |= save.aggregates
                batch.append(save)
        return batch

    def _commit(self, batch: list[_Save]) -> None:
        outcomes: list[tuple[_Save, Sequence[int] | None, Exception | None]] = []
        try:
            with self.connection() as conn, conn.transaction(), conn.cursor() as curs:
                self.begin(curs)
                for save in batch:
                    outcomes.append(self._one(conn, curs, save))
        except Exception as e:  # the commit failed: so did every save of the batch
            for save in batch:
                save.done.set_exception(_translated(e))
        else:
            for save, ids, error in outcomes:
                if error is None:
                    save.done.set_result(ids)
                else:
                    save.done.set_exception(error)
        finally:
            self.batches += 1
            self.saves += len(batch)

    def _one(
        self, conn: Connection[DictRow], curs: Any, save: _Save
    ) -> tuple[_Save, Sequence[int] | None, Exception | None]:
        try:
            with conn.transaction():  # a savepoint: a failure undoes this save only
                ids = save.context.run(self.save_one, curs, save.events, save.kwargs)
            return save, ids, None
        except (psycopg.IntegrityError, psycopg.DataError) as e:
            return save, None, _translated(e)
        except psycopg.OperationalError:
            raise  # the connection is gone: the whole batch fails
        except Exception as e:  # the fence's ClaimLost, and the like: this save's own failure
            return save, None, e


def with_retries(submit: Callable[[], Sequence[int] | None], attempts: int = 10, wait: float = 0.2) -> Any:
    """The library's retry of an insert whose connection failed (``@retry`` on ``insert_events``)."""
    for attempt in range(attempts):
        try:
            return submit()
        except (InterfaceError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(wait)
    return None
