"""The projection that keeps the views, and ``Views``: catch up, rebuild, wait, run in the background.

The projection pulls the application's notification log (SQLite has no subscriptions; polling is
also what makes a missed PostgreSQL wake-up harmless) in pages. For each page it brings every
household the page touches up to the version of its latest event — from a small LRU cache when the
cached copy is one version behind, otherwise by replaying that household's stored events (never a
snapshot, so the notes of every step are exact) — rewrites those households' rows, adds the
payments issued, and records the page's last notification id, all in one transaction. A crash
loses the page, never half of it; a second process that recorded the same page first makes ours
fail on the tracking record, and we read the position again and carry on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import EventStore, IntegrityError, Notification, Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from application.casework import Casework
from application.views.periods import Tracked, advance, household_views
from application.views.ports import ViewStore
from domain.household import Household
from domain.payroll import Payment, PayrollMonth
from infrastructure.payroll_transcodings import register_payroll_transcodings
from infrastructure.view_stores import open_view_store

HOUSEHOLD_TOPICS = get_topic(Household) + "."
PAYMENTS_TOPIC = get_topic(PayrollMonth.PaymentsIssued)
Progress = Callable[[int, int], None]  # (position reached, last position in the log)


class ViewsProjection(Projection[Any]):
    """Households, members, enrolments with their dated periods, and payments.

    The library types a projection's view as one of its tracking recorders; ours is the application's
    ``ViewStore`` port (which any of the infrastructure's stores is), kept as ``store``."""

    name = "jiuzhu_views"

    def __init__(self, view: ViewStore, *, events: EventStore[UUID], cache_size: int = 10_000):
        super().__init__(view)
        self.store = view
        self.events = events
        self.cache_size = cache_size
        self.cache: OrderedDict[UUID, Tracked] = OrderedDict()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.process([(domain_event, tracking)])

    def process(self, batch: Sequence[tuple[Any, Tracking]]) -> None:
        """Project a page of events (None for events the views ignore) and record its last position."""
        touched: dict[UUID, Tracked] = {}
        payments: list[Payment] = []
        for event, _ in batch:
            if isinstance(event, Household.Event):
                tracked = self._advance(event)
                touched[tracked.household.id] = tracked
            elif isinstance(event, PayrollMonth.PaymentsIssued):
                payments.extend(event.payments)
        rows = [household_views(t) for t in touched.values()]
        self.store.record(rows, payments, batch[-1][1])

    def _advance(self, event: Household.Event) -> Tracked:
        hid, version = event.originator_id, event.originator_version
        tracked = self.cache.pop(hid, None)
        if tracked is not None and tracked.household.version == version - 1:
            advance(tracked, event)
        elif tracked is None and version == 1:  # a new household: its first event is all there is to replay
            tracked = advance(None, event)
        elif tracked is None or tracked.household.version != version:  # equal: applied before a rollback
            tracked = self._replay(hid, version)
        self.cache[hid] = tracked
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return tracked

    def _replay(self, hid: UUID, version: int) -> Tracked:
        tracked: Tracked | None = None
        for stored in self.events.get(hid, lte=version):
            tracked = advance(tracked, stored)  # type: ignore[arg-type]
        if tracked is None or tracked.household.version != version:
            raise LookupError(f"household {hid} has no version {version} in the store")
        return tracked


class ProjectionsBehind(TimeoutError):
    """The projection workers did not reach the latest write in time (the API answers 503)."""


@dataclass(frozen=True)
class Lag:
    """How far a projection is behind the log: events not yet processed, and the age of the oldest of them."""

    projection: str
    events: int
    seconds: float


class Views:
    """The read models of one Casework application, stored beside its events.

    By default a process projects for itself: ``catch_up`` processes what is new. A process whose
    views are kept by projection workers (``jiuzhu project``) passes ``follow`` seconds instead:
    ``catch_up`` then waits, that long at most, for the workers to reach the end of the log as it
    stands (read-your-writes), and raises ProjectionsBehind if they do not.
    """

    def __init__(
        self,
        casework: Casework,
        store: ViewStore | None = None,
        *,
        page_size: int = 500,
        cache_size: int = 10_000,
        follow: float | None = None,
    ):
        register_payroll_transcodings(casework.mapper.transcoder)
        self.casework = casework
        self.app_name = casework.name
        self.store: ViewStore = store or open_view_store(casework.recorder, casework.env, casework.name)
        self.store.cipher = casework.mapper.cipher  # names and masked ID numbers are stored as the events are
        self.page_size = page_size
        self.projection = ViewsProjection(self.store, events=casework.repository.event_store, cache_size=cache_size)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.follow = follow
        self.throttle = 0.0  # seconds to pause between pages (spares the database during a long rebuild)

    def position(self) -> int:
        """The last notification id the views have processed (0 before any)."""
        return self.store.max_tracking_id(self.app_name) or 0

    def lag(self) -> Lag:
        """Events recorded but not yet projected, and how long ago (by the ledger) the oldest was recorded."""
        recorder = self.casework.recorder
        head, position = recorder.max_notification_id() or 0, self.position()
        if head <= position:
            return Lag(ViewsProjection.name, 0, 0.0)
        oldest = recorder.select_notifications(position, 1, inclusive_of_start=False)
        seconds = 0.0
        if oldest:
            n = oldest[0]
            rows = self.casework.ledger.select_ledger(UUID(str(n.originator_id)))
            at = next((r.recorded_at for r in rows if r.originator_version == n.originator_version), None)
            if at is not None:
                seconds = max(0.0, (self.casework.clock() - at).total_seconds())
        return Lag(ViewsProjection.name, head - position, seconds)

    def catch_up(self, progress: Progress | None = None) -> int:
        """Process everything recorded so far; returns how many notifications this call processed.

        Following projection workers, wait for them instead (TimeoutError when they are too slow)."""
        recorder = self.casework.recorder
        if self.follow is not None:
            try:
                self.wait_for(recorder.max_notification_id() or None, self.follow)
            except TimeoutError as e:
                raise ProjectionsBehind(str(e)) from None
            return 0
        done = 0
        with self._lock:
            last = (recorder.max_notification_id() or 0) if progress else 0
            while True:
                start = self.position()
                page = recorder.select_notifications(start, self.page_size, inclusive_of_start=False)
                if not page:
                    return done
                batch = [(self._decode(n), Tracking(self.app_name, n.id)) for n in page]
                try:
                    self.projection.process(batch)
                except IntegrityError:
                    if self.position() == start:
                        raise  # not a concurrent writer: a real conflict in the rows
                    continue  # another process recorded this page first
                done += len(page)
                if progress:
                    progress(page[-1].id, max(last, page[-1].id))
                if self.throttle:
                    self._stop.wait(self.throttle)

    def _decode(self, n: Notification) -> Any:
        if n.topic.startswith(HOUSEHOLD_TOPICS) or n.topic == PAYMENTS_TOPIC:
            return self.casework.mapper.to_domain_event(n)
        return None

    def rebuild(self, progress: Progress | None = None) -> int:
        """Empty the views and project the whole log again."""
        if self.follow is not None:
            raise RuntimeError("these views are kept by projection workers: rebuild them there")
        with self._lock:
            self.store.reset(self.app_name)
            self.projection.cache.clear()
        return self.catch_up(progress)

    def wait_for(self, position: int | None, timeout: float = 5.0) -> None:
        """Block until the views have processed ``position`` (read-your-writes with a background runner);
        raises TimeoutError otherwise."""
        self.store.wait(self.app_name, position, timeout)

    # ------------------------------------------------------- background runner

    def start(self, interval: float = 1.0) -> None:
        """Keep catching up in a background thread, polling every ``interval`` seconds."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(interval,), name="jiuzhu-views", daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
            except Exception as e:  # kept for the caller; the runner stops rather than spin on an error
                self.error = e
                return
            self._stop.wait(interval)

    def close(self) -> None:
        """Stop the background runner, if any, and release the views' storage."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.store.close()
