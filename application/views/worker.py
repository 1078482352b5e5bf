"""A projection worker (``jiuzhu project``): keeps the views caught up while it holds their lease.

Any number of workers may run; the one holding the lease projects, the others stand by and try to
take the lease every ``interval`` seconds. A worker that dies loses the lease with its connection,
and a standby takes over from the position recorded with the last page committed: pages are
written with their tracking record in one transaction, so a worker killed mid-page leaves no trace
of that page. While projecting, the worker checks every ``check_every`` seconds that the lease is
still its own (the database may have restarted and dropped it) and otherwise stops and contends
again; even two projectors at once could not count an event twice (the tracking record refuses
the second), they would only waste work. Database errors are logged by type and retried.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from application.views.projection import Progress, Views

log = logging.getLogger("jiuzhu.projections")


class Lease(Protocol):
    holder: str

    def acquire(self, *, wait: bool = False) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class LeaseLost(Exception):
    """The lease is no longer ours: stop projecting."""


class ProjectionWorker:
    def __init__(
        self, views: Views, lease: Lease, *, interval: float = 0.5, check_every: float = 2.0, backoff: float = 1.0
    ) -> None:
        self.views, self.lease = views, lease
        self.interval, self.check_every, self.backoff = interval, check_every, backoff
        self.leading = False
        self.projected = 0  # notifications this worker processed

    def run(self, stop: threading.Event) -> None:
        """Project while leading, stand by otherwise, until ``stop`` is set; the lease is released at the end."""
        try:
            while not stop.is_set():
                self.step(stop)
        finally:
            self.lease.release()
            self.leading = False

    def step(self, stop: threading.Event) -> None:
        """One round: take or check the lease, then catch up (or wait)."""
        try:
            if not self.leading:
                self.leading = self.lease.acquire()
                if not self.leading:
                    stop.wait(self.interval)
                    return
                log.info("projection lease taken", extra={"holder": self.lease.holder, "event": "lease-taken"})
            elif not self.lease.held():
                raise LeaseLost
            done = self.views.catch_up(self._checker())
            if done:
                self.projected += done
                position = self.views.position()
                log.info("projected %d notifications", done, extra={"count": done, "position": position})
            stop.wait(self.interval)
        except LeaseLost:
            log.warning("projection lease lost", extra={"holder": self.lease.holder, "event": "lease-lost"})
            self.lease.release()
            self.leading = False
        except Exception as e:  # the database went away, most likely: let go, wait, contend again
            log.warning("projection stopped by %s; retrying", type(e).__name__, extra={"event": "projection-error"})
            self.lease.release()
            self.leading = False
            stop.wait(self.backoff)

    def _checker(self) -> Progress:
        last = time.monotonic()

        def check(position: int, end: int) -> None:
            nonlocal last
            if time.monotonic() - last >= self.check_every:
                last = time.monotonic()
                if not self.lease.held():
                    raise LeaseLost

        return check
