"""The relay process's loop: one leader per province (the ``national-relay`` lease), relay and findings inbox.

As with the projection workers, any number may run; the one holding the lease works, the others
stand by. Failures — NATS away, the store away — are logged by type and retried after ``backoff``;
the relay's position stays where JetStream last acknowledged, so nothing is skipped.
"""

from __future__ import annotations

import logging
import threading

from application.leased import Lease, LeasedWorker
from application.national.findings import FindingsInbox
from application.national.relay import Relay

log = logging.getLogger("jiuzhu.national")


class RelayWorker(LeasedWorker):
    kind = "relay"

    def __init__(
        self, relay: Relay, inbox: FindingsInbox | None, lease: Lease, *, interval: float = 0.5, backoff: float = 1.0
    ):
        super().__init__(lease, log, interval=interval, backoff=backoff)
        self.relay, self.inbox = relay, inbox

    def work(self, stop: threading.Event) -> None:
        self.relay.catch_up(stop)
        if self.inbox is not None:
            self.inbox.step(wait=self.interval)
        else:
            stop.wait(self.interval)

    def recover(self) -> None:
        """Keep the lease (the position is the store's; NATS being away is no reason to hand over) and
        forget what was built or sent in the failed round: it is rebuilt from the position."""
        self.relay.cache.clear()
        self.relay.sent.clear()
