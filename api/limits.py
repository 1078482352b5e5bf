"""Request limits and the request log: a rate per caller (429), a body size (413), one log line per request.

The rate is a token bucket per user id (per client address without a valid token) holding a
minute's worth of requests and refilled continuously: a caller far over ``rate_per_minute`` gets 429
with ``Retry-After``. Buckets live in the process; with several workers each enforces the rate on
its own share. The request log names method, path, route template, status, duration, request id
and user id (an anonymous caller is ``anonymous``: an address can identify a person) — never a
query string or a body, where personal data travels.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import BodyTooLarge, bearer_actor, header, read_body, replay, send_problem, services_of
from api.logs import user_id_var
from infrastructure.settings import Settings

log = logging.getLogger("jiuzhu.requests")
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})  # probes and the scraper
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Uploads the route itself streams to disk, counting against ``max_upload_bytes`` (api/routers/imports.py).
UPLOAD_PATHS = frozenset({"/api/v1/imports/roll"})


class TokenBucket:
    """``rate`` requests a minute per key, bursts up to a minute's worth.

    At most ``max_keys`` buckets are kept: a new caller beyond that evicts the least recently seen
    one (whose bucket has had the longest to refill), never everyone's.
    """

    MAX_KEYS = 100_000

    def __init__(self, rate: int, now: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS):
        self.rate, self.now, self.max_keys = rate, now, max_keys
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, when), oldest first
        self.lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it could."""
        per_second = self.rate / 60.0
        with self.lock:
            now = self.now()
            tokens, when = self.buckets.get(key, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - when) * per_second)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / per_second
            self.buckets[key] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            self.buckets.move_to_end(key)
            while len(self.buckets) > self.max_keys:
                self.buckets.popitem(last=False)
            return wait


class LimitsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.bucket: TokenBucket | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings: Settings | None = getattr(services_of(scope), "settings", None)
        if scope["type"] != "http" or settings is None:
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        actor = bearer_actor(scope)
        who = f"user:{actor.user_id}" if actor else f"addr:{(scope.get('client') or ('?',))[0]}"  # the rate's key
        user = actor.user_id if actor else "anonymous"
        user_token = user_id_var.set(user)

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self._guard(scope, receive, send_logged, settings, who)
        finally:
            ms = round((time.perf_counter() - started) * 1000, 1)
            rid = scope.get("state", {}).get("request_id", "-")
            route = getattr(scope.get("route"), "path", None)
            log.info(
                "%s %s %s %.1fms rid=%s user=%s",
                *(scope["method"], scope["path"], status, ms, rid, user),
                extra={"method": scope["method"], "route": route, "status": status, "duration_ms": ms}
                | {"request_id": rid, "user_id": user},
            )
            user_id_var.reset(user_token)

    async def _guard(self, scope: Scope, receive: Receive, send: Send, settings: Settings, who: str) -> None:
        rate, limit = settings.rate_per_minute, settings.max_body_bytes
        if self.bucket is None or self.bucket.rate != rate:
            self.bucket = TokenBucket(rate)
        if scope["path"] not in UNLIMITED_PATHS:
            wait = self.bucket.take(who)
            if wait > 0:
                await send_problem(
                    scope,
                    send,
                    429,
                    "rate-limited",
                    "Too many requests",
                    f"more than {rate} requests a minute; retry after the Retry-After seconds",
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
                return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = header(scope, "content-length")
        if scope["path"] in UPLOAD_PATHS:  # streamed, not buffered here: the route stops at max_upload_bytes
            limit = settings.max_upload_bytes
            if declared is None or not (declared.isascii() and declared.isdigit() and int(declared) > limit):
                await self.app(scope, receive, send)
                return
        try:
            if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge
            body = await read_body(receive, limit)
        except BodyTooLarge:
            await send_problem(
                scope,
                send,
                413,
                "body-too-large",
                "Request body too large",
                f"the request body exceeds {limit} bytes",
                field="body",
                headers={"Connection": "close"},
            )
            return
        await self.app(scope, replay(body, receive), send)
