"""A loop that works only while it holds a lease: the projection worker and the national relay.

Any number of such workers may run; the one holding the lease works, the others stand by and try to
take it every ``interval`` seconds. A worker whose lease is gone (the database restarted and dropped
it) stops working and contends again. Failures — the store or the bus away — are logged by type and
retried after ``backoff``; what each worker does to recover is its own ``recover``.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol


class Lease(Protocol):
    holder: str

    def acquire(self, *, wait: bool = False) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class LeaseLost(Exception):
    """The lease is no longer ours: stop working."""


class LeasedWorker:
    """Subclasses say what one round of work is (``work``) and how to recover from a failure (``recover``)."""

    kind = "worker"  # names the log events: "<kind>-lease-taken", "<kind>-error"

    def __init__(self, lease: Lease, log: logging.Logger, *, interval: float = 0.5, backoff: float = 1.0) -> None:
        self.lease, self.log = lease, log
        self.interval, self.backoff = interval, backoff
        self.leading = False
        self.errors = 0

    def run(self, stop: threading.Event) -> None:
        """Work while leading, stand by otherwise, until ``stop`` is set; the lease is released at the end."""
        try:
            while not stop.is_set():
                self.step(stop)
        finally:
            self.lease.release()
            self.leading = False

    def step(self, stop: threading.Event) -> None:
        """One round: take or check the lease, then work (or wait)."""
        try:
            if not self.leading:
                self.leading = self.lease.acquire()
                if not self.leading:
                    stop.wait(self.interval)
                    return
                taken = {"holder": self.lease.holder, "event": f"{self.kind}-lease-taken"}
                self.log.info("%s lease taken", self.kind, extra=taken)
            elif not self.lease.held():
                raise LeaseLost
            self.work(stop)
        except LeaseLost:
            self.log.warning("%s lease lost", self.kind, extra={"holder": self.lease.holder, "event": "lease-lost"})
            self.lease.release()
            self.leading = False
        except Exception as e:  # the database or the bus went away, most likely: recover, wait, try again
            self.errors += 1
            self.log.warning(
                "%s stopped by %s; retrying", self.kind, type(e).__name__, extra={"event": f"{self.kind}-error"}
            )
            self.recover()
            stop.wait(self.backoff)

    def work(self, stop: threading.Event) -> None:
        raise NotImplementedError

    def recover(self) -> None:
        """After a failure: by default let the lease go, so that a healthier standby may take over."""
        self.lease.release()
        self.leading = False
