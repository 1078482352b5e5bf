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

from application.leased import Lease, LeasedWorker, LeaseLost
from application.views.projection import Progress, Views

log = logging.getLogger("jiuzhu.projections")


class ProjectionWorker(LeasedWorker):
    kind = "projection"

    def __init__(
        self, views: Views, lease: Lease, *, interval: float = 0.5, check_every: float = 2.0, backoff: float = 1.0
    ) -> None:
        super().__init__(lease, log, interval=interval, backoff=backoff)
        self.views, self.check_every = views, check_every
        self.projected = 0  # notifications this worker processed

    def work(self, stop: threading.Event) -> None:
        done = self.views.catch_up(self._checker())
        if done:
            self.projected += done
            position = self.views.position()
            log.info("projected %d notifications", done, extra={"count": done, "position": position})
        stop.wait(self.interval)

    def _checker(self) -> Progress:
        last = time.monotonic()

        def check(position: int, end: int) -> None:
            nonlocal last
            if time.monotonic() - last >= self.check_every:
                last = time.monotonic()
                if not self.lease.held():
                    raise LeaseLost

        return check
