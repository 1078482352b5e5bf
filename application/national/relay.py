"""The relay (``jiuzhu relay``): a province's notification log, reduced, onto JetStream for the nation.

It reads the log from its tracked position a page at a time, decodes each household event with the
application's own mapper, brings that household up to the event (a small cache, replaying from the
store when the cached copy is not one version behind — as the views' projection does), reduces it
to a national message (``application.national.messages``) and publishes it to
``<root>.national.<province>``, one message after the other, each acknowledged by JetStream before
the next. The message id is (store, notification id), so a page re-sent after a crash is absorbed
by JetStream's de-duplication. Only when a page is acknowledged is the position advanced: a relay
killed mid-page sends the page again, never skips it. A household whose national content did not
change (an address edit, say) sends nothing. A payroll batch (``PaymentsIssued``) is sent as a
payments message. While NATS is away the page fails, the position stays, and the relay process
(``application.national.worker``) tries again after its backoff: it catches up once NATS is back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from application.casework import Casework
from application.national.messages import Origin, content, encode, household_message, payments_message
from application.views.periods import Tracked, advance
from domain.household import Household
from domain.payroll import PayrollMonth
from infrastructure.payroll_transcodings import register_payroll_transcodings

HOUSEHOLD_TOPICS = get_topic(Household) + "."
PAYMENTS_TOPIC = get_topic(PayrollMonth.PaymentsIssued)


class Publisher(Protocol):
    def publish(self, subject: str, data: bytes, msg_id: str) -> tuple[int, bool]: ...


class Positions(Protocol):
    def position(self, store_id: str) -> int: ...

    def advance(self, store_id: str, position: int, published: int) -> None: ...


@dataclass(frozen=True)
class RelayConfig:
    province: str
    store_id: str
    subject: str  # e.g. jiuzhu.national.43
    key: bytes  # the national HMAC key
    page_size: int = 200


class Relay:
    def __init__(self, casework: Casework, positions: Positions, publisher: Publisher, config: RelayConfig):
        register_payroll_transcodings(casework.mapper.transcoder)
        self.casework, self.positions, self.publisher, self.config = casework, positions, publisher, config
        self.cache: OrderedDict[UUID, Tracked] = OrderedDict()
        self.sent: dict[UUID, str] = {}  # household → content of the last message acknowledged
        self.published = 0  # messages acknowledged as new by JetStream
        self.duplicates = 0  # re-sends JetStream recognised
        self.cache_size = 10_000

    def catch_up(self, stop: threading.Event | None = None) -> int:
        """Publish everything recorded so far; returns the notifications processed. Raises when NATS fails."""
        done = 0
        while stop is None or not stop.is_set():
            start = self.positions.position(self.config.store_id)
            page = self.casework.recorder.select_notifications(start, self.config.page_size, inclusive_of_start=False)
            if not page:
                return done
            published = sum(self._relay(n) for n in page)
            self.positions.advance(self.config.store_id, page[-1].id, published)
            done += len(page)
        return done

    def _relay(self, n: Notification) -> int:
        """Publish the national message of one notification, if it has one; 1 when JetStream stored it new."""
        origin = Origin(self.config.province, self.config.store_id, n.id)
        if n.topic == PAYMENTS_TOPIC:
            issued = self.casework.mapper.to_domain_event(n)
            assert isinstance(issued, PayrollMonth.PaymentsIssued)
            return self._publish(payments_message(issued.payments, origin), origin)
        if not n.topic.startswith(HOUSEHOLD_TOPICS):
            return 0
        tracked = self._advance(self.casework.mapper.to_domain_event(n))
        message = household_message(tracked, self.config.key, origin)
        if message is None:
            return 0
        digest = content(message)
        hid = tracked.household.id
        if self.sent.get(hid) == digest:
            return 0
        new = self._publish(message, origin)
        self.sent[hid] = digest
        return new

    def _publish(self, message: dict[str, Any], origin: Origin) -> int:
        _, duplicate = self.publisher.publish(self.config.subject, encode(message), origin.msg_id)
        if duplicate:
            self.duplicates += 1
            return 0
        self.published += 1
        return 1

    def _advance(self, event: Any) -> Tracked:
        hid, version = event.originator_id, event.originator_version
        tracked = self.cache.pop(hid, None)
        if tracked is not None and tracked.household.version == version - 1:
            advance(tracked, event)
        elif tracked is None and version == 1:
            tracked = advance(None, event)
        elif tracked is None or tracked.household.version != version:
            tracked = None
            for stored in self.casework.repository.event_store.get(hid, lte=version):
                tracked = advance(tracked, stored)  # type: ignore[arg-type]
            assert tracked is not None
        self.cache[hid] = tracked
        while len(self.cache) > self.cache_size:
            evicted, _ = self.cache.popitem(last=False)
            self.sent.pop(evicted, None)
        return tracked
