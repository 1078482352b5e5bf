"""The national service (``jiuzhu national``): every province's messages into the national model, once each.

A durable pull consumer over ``<root>.national.*`` hands over a batch; the batch is applied in one
transaction of the national store that also records, per message, (store, notification id) and the
store's position (``NationalModel.apply``); only then is the batch acknowledged. A service killed
between commit and ack gets the batch again and skips every message in it. Findings recorded by
the batch are published afterwards to ``<root>.findings.<province>`` of both provinces, with message
ids (finding, province) that JetStream de-duplicates, and marked published (an outbox).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from application.national.messages import decode
from infrastructure.national.bus import Delivery
from infrastructure.national.model import Applied, NationalModel, OnRoll, Paid

log = logging.getLogger("jiuzhu.national")


class Bus(Protocol):
    def fetch(self, stream: str, subject: str, durable: str, batch: int, wait: float) -> list[Delivery]: ...

    def ack(self, deliveries: list[Delivery]) -> None: ...

    def publish(self, subject: str, data: bytes, msg_id: str) -> tuple[int, bool]: ...


@dataclass(frozen=True)
class Subjects:
    national_stream: str
    national: str  # e.g. jiuzhu.national.*
    durable: str
    findings_root: str  # e.g. jiuzhu.findings (the province is appended)


@dataclass
class Totals:
    applied: int = 0
    skipped: int = 0
    findings: int = 0
    published_findings: int = 0
    unreadable: int = 0  # messages no version of this service can read: logged and acknowledged, never retried
    batches: list[int] = field(default_factory=list)


class NationalService:
    def __init__(self, model: NationalModel, bus: Bus, subjects: Subjects, *, batch: int = 500):
        self.model, self.bus, self.subjects, self.batch = model, bus, subjects, batch
        self.totals = Totals()

    def step(self, wait: float = 0.5) -> int:
        """Fetch, apply and acknowledge one batch, then publish new findings; returns the messages received."""
        s = self.subjects
        deliveries = self.bus.fetch(s.national_stream, s.national, s.durable, self.batch, wait)
        if deliveries:
            readable, unreadable = _readable(deliveries)
            result = self.model.apply(readable)
            self.totals.unreadable += len(unreadable)
            self._count(result)
            self.bus.ack(deliveries)
            extra = {"event": "national-applied", "applied": result.applied, "skipped": result.skipped}
            log.info("applied %d, skipped %d delivered again", result.applied, result.skipped, extra=extra)
        self.publish_findings()
        return len(deliveries)

    def _count(self, result: Applied) -> None:
        self.totals.applied += result.applied
        self.totals.skipped += result.skipped
        self.totals.findings += result.findings

    def publish_findings(self) -> int:
        """Send each finding not yet published to both provinces, then mark it published."""
        rows = self.model.unpublished_findings()
        for row in rows:
            for side, other in (("a", "b"), ("b", "a")):
                message = finding_message(row, side, other)
                subject = f"{self.subjects.findings_root}.{message['province']}"
                self.bus.publish(subject, json.dumps(message).encode(), f"{row['finding_id']}:{message['province']}")
        if rows:
            self.model.mark_published([r["finding_id"] for r in rows])
            self.totals.published_findings += len(rows)
        return len(rows)

    def statistics(self, month_end: date) -> list[OnRoll]:
        """On roll at the month's last day, by province and program (households, persons, monthly amounts)."""
        return self.model.on_roll(month_end)

    def paid(self, first: date, last: date) -> list[Paid]:
        """Payments for the months in [first, last] by province and program (户次, 人次, funds)."""
        return self.model.paid(first, last)


def _readable(deliveries: list[Delivery]) -> tuple[list[tuple[int, dict[str, Any]]], list[Delivery]]:
    """The batch's messages decoded; one that cannot be (a bug, a newer version) is logged and left out rather
    than blocking every province behind it for ever."""
    readable: list[tuple[int, dict[str, Any]]] = []
    unreadable: list[Delivery] = []
    for d in deliveries:
        try:
            readable.append((d.stream_seq, decode(d.data)))
        except (ValueError, KeyError) as e:
            unreadable.append(d)
            extra = {"event": "national-unreadable", "msg_id": d.msg_id, "stream_seq": d.stream_seq}
            log.error("unreadable national message %s: %s", d.msg_id, e, extra=extra)
    return readable, unreadable


def finding_message(row: dict[str, Any], side: str, other: str) -> dict[str, Any]:
    """The finding as the province on ``side`` receives it: its own enrolment, the other province's."""
    return {
        "finding": row["finding_id"],
        "province": row[f"{side}_province"],
        "household": str(row[f"{side}_household"]),
        "enrolment": str(row[f"{side}_enrolment"]),
        "program": row[f"{side}_program"],
        "person": row["person_hash"],
        "other_province": row[f"{other}_province"],
        "other_program": row[f"{other}_program"],
        "other_since": row[f"{other}_since"].isoformat(),
        "found_at": row["found_at"].isoformat(),
    }


def run_national(service: NationalService, stop: threading.Event, *, backoff: float = 1.0) -> None:
    """Consume until ``stop``; on a failure (NATS or the national store away) wait and carry on."""
    while not stop.is_set():
        try:
            service.step()
        except Exception as e:
            log.warning("national service stopped by %s; retrying", type(e).__name__, extra={"event": "national-error"})
            service.model.close()
            stop.wait(backoff)
