"""NATS JetStream behind a small synchronous facade (the rest of jiuzhu is synchronous).

The official client ``nats-py`` is asyncio; ``JetStreamBus`` runs its own event loop in a daemon
thread and waits for each call's result. Publishing returns only once JetStream has acknowledged
the message (stored it), and carries a ``Nats-Msg-Id`` so that a re-sent message inside the
stream's duplicate window is absorbed rather than stored twice. Consumers are durable pull
consumers with explicit acks: a message not acknowledged is delivered again after ``ack_wait``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig
from nats.js.errors import NotFoundError

T = TypeVar("T")
log = logging.getLogger("jiuzhu.national")
DUPLICATE_WINDOW = 120.0  # seconds JetStream remembers a message id


class BusUnavailable(ConnectionError):
    """NATS did not answer (down, restarting, or the call timed out): retry later."""


@dataclass(frozen=True)
class Delivery:
    """One message delivered by a pull consumer; ``ack`` it once its effect is committed."""

    subject: str
    data: bytes
    msg_id: str
    stream_seq: int
    raw: Msg = field(repr=False)


class JetStreamBus:
    def __init__(self, url: str, *, timeout: float = 2.0, ack_wait: float = 30.0):
        self.url, self.timeout, self.ack_wait = url, timeout, ack_wait
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="jiuzhu-nats", daemon=True)
        self._thread.start()
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._subs: dict[tuple[str, str], JetStreamContext.PullSubscription] = {}

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result((timeout or self.timeout) + 1.0)
        except Exception as e:
            future.cancel()
            if isinstance(e, NotFoundError):
                raise
            raise BusUnavailable(f"NATS at {self.url}: {type(e).__name__}: {e}") from e

    def js(self) -> JetStreamContext:
        """The JetStream context, connecting first (the client reconnects by itself afterwards)."""
        if self._js is None or self._nc is None or self._nc.is_closed:
            self._nc = self._run(self._connect())
            self._js = self._nc.jetstream(timeout=self.timeout)
            self._subs.clear()
        return self._js

    async def _connect(self) -> Client:
        return await nats.connect(
            [u.strip() for u in self.url.split(",") if u.strip()],  # a cluster: its servers, comma-separated
            connect_timeout=self.timeout,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            allow_reconnect=True,
            error_cb=_quiet,
        )

    def ensure_stream(self, name: str, subjects: Sequence[str]) -> None:
        """Create the stream if it does not exist (file storage, a duplicate window for message ids)."""
        js = self.js()
        try:
            self._run(js.stream_info(name))
        except NotFoundError:
            config = StreamConfig(name=name, subjects=list(subjects), duplicate_window=DUPLICATE_WINDOW)
            self._run(js.add_stream(config))

    def delete_stream(self, name: str) -> None:
        with contextlib.suppress(NotFoundError):
            self._run(self.js().delete_stream(name))

    def publish(self, subject: str, data: bytes, msg_id: str) -> tuple[int, bool]:
        """Publish and wait for JetStream's ack: (stream sequence, whether it was a duplicate)."""
        ack = self._run(self.js().publish(subject, data, timeout=self.timeout, headers={"Nats-Msg-Id": msg_id}))
        return ack.seq, bool(ack.duplicate)

    def fetch(self, stream: str, subject: str, durable: str, batch: int, wait: float) -> list[Delivery]:
        """Up to ``batch`` messages from a durable pull consumer (created on first use); [] after ``wait`` s."""
        js = self.js()
        key = (stream, durable)
        sub = self._subs.get(key)
        if sub is None:
            config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=self.ack_wait, max_ack_pending=10_000)
            sub = self._subs[key] = self._run(js.pull_subscribe(subject, durable=durable, stream=stream, config=config))
        try:
            msgs = self._run(sub.fetch(batch, timeout=wait), timeout=wait + self.timeout)
        except BusUnavailable as e:
            if isinstance(e.__cause__, (TimeoutError, asyncio.TimeoutError, nats.errors.TimeoutError)):
                return []
            raise
        return [_delivery(m) for m in msgs]

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Acknowledge, waiting for the server to confirm (a lost ack only means a harmless re-delivery)."""
        for d in deliveries:
            self._run(d.raw.ack_sync(timeout=self.timeout))

    def consumer_pending(self, stream: str, durable: str) -> int:
        """Messages the durable consumer has not yet had acknowledged (waiting plus in flight)."""
        info = self._run(self.js().consumer_info(stream, durable))
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    def stream_messages(self, name: str) -> int:
        """Messages the stream holds (re-sends absorbed by de-duplication are not among them)."""
        info = self._run(self.js().stream_info(name))
        return int(info.state.messages)

    def delete_consumer(self, stream: str, durable: str) -> None:
        with contextlib.suppress(NotFoundError):
            self._run(self.js().delete_consumer(stream, durable))

    def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(BusUnavailable):
                self._run(self._nc.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()


async def _quiet(e: Exception) -> None:
    """Connection errors surface as BusUnavailable on the next call; the client's own log would repeat them."""
    log.debug("nats: %s: %s", type(e).__name__, e)


def _delivery(m: Msg) -> Delivery:
    headers = m.headers or {}
    return Delivery(m.subject, m.data, headers.get("Nats-Msg-Id", ""), m.metadata.sequence.stream, m)
