"""The relay process's loop: one leader per province (the ``national-relay`` lease), relay and findings inbox.

As with the projection workers, any number may run; the one holding the lease works, the others
stand by. Failures — NATS away, the store away — are logged by type and retried after ``backoff``;
the relay's position stays where JetStream last acknowledged, so nothing is skipped.
"""

from __future__ import annotations

import logging
import threading

from application.national.findings import FindingsInbox
from application.national.relay import Relay
from application.views.worker import Lease

log = logging.getLogger("jiuzhu.national")


class RelayWorker:
    def __init__(
        self, relay: Relay, inbox: FindingsInbox | None, lease: Lease, *, interval: float = 0.5, backoff: float = 1.0
    ):
        self.relay, self.inbox, self.lease = relay, inbox, lease
        self.interval, self.backoff = interval, backoff
        self.leading = False
        self.errors = 0

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                self.step(stop)
        finally:
            self.lease.release()
            self.leading = False

    def step(self, stop: threading.Event) -> None:
        try:
            if not self.leading or not self.lease.held():
                self.leading = self.lease.acquire()
                if not self.leading:
                    stop.wait(self.interval)
                    return
                log.info("relay lease taken", extra={"holder": self.lease.holder, "event": "relay-lease-taken"})
            self.relay.catch_up(stop)
            if self.inbox is not None:
                self.inbox.step(wait=self.interval)
            else:
                stop.wait(self.interval)
        except Exception as e:
            self.errors += 1
            log.warning("relay stopped by %s; retrying", type(e).__name__, extra={"event": "relay-error"})
            self.relay.cache.clear()
            self.relay.sent.clear()
            stop.wait(self.backoff)
