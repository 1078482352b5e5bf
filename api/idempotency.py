"""``Idempotency-Key`` on every POST, PUT and PATCH (docs/architecture.md).

A retry with the same key, the same method, path, query and body, by the same user, gets the first
response again (status, body, ETag and Location) and writes nothing; the key with another request
gets 422 ``idempotency-key-reused``; a retry while the first is still running gets 409
``idempotency-in-progress``. Only successful (2xx) responses are kept: a refused request wrote
nothing, so its key is released and a retry runs again.

While the request runs, its claim fences the event store (``infrastructure.fencing``): a write
lands only while the claim is ours, and marks it committed. The claim reaches the event recorder
through a ContextVar, ``current_claim``, set here around the request (see ``_run`` and the module
``infrastructure.fencing`` for why a ContextVar and what it covers). A committed claim whose
response was lost (the worker died, or the database went away, between the commit and storing the
response) answers 409 ``idempotency-applied``: the write happened once and is not run again. The
claim's lease (``JIUZHU_IDEMPOTENCY_LEASE_SECONDS``, 10 s) is renewed while the request runs, so a
retry after its worker was killed runs within seconds, never while the first is alive. A
claim the database could not release is released later, and the database being unreachable
answers 503 ``database-unavailable`` with Retry-After.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import bearer_actor, header, read_body, replay, send_problem, services_of
from api.problems import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from infrastructure.fencing import ClaimRef, current_claim
from infrastructure.idempotency import IdempotencyStore, Outcome, StoredResponse

WRITES = frozenset({"POST", "PUT", "PATCH"})
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft's examples use
KEPT_HEADERS = frozenset({"content-type", "etag", "location", "content-disposition"})
PURGE_EVERY = 1000  # requests with a key between two purges of expired keys
STORE_TRIES = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between tries to keep a response while the database is away
log = logging.getLogger("jiuzhu.idempotency")

#: A claim that cannot run: status, problem type, title, detail and headers of the answer.
REFUSALS: dict[Outcome, tuple[int, str, str, str, dict[str, str] | None]] = {
    Outcome.IN_PROGRESS: (
        409,
        "idempotency-in-progress",
        "Request in progress",
        "a request with this Idempotency-Key is still being processed; retry shortly",
        {"Retry-After": "1"},
    ),
    Outcome.APPLIED: (
        409,
        "idempotency-applied",
        "Request already applied",
        "the request with this Idempotency-Key was applied, but its response was lost when the server "
        "handling it stopped; read the resource to see the result",
        None,
    ),
    Outcome.MISMATCH: (
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        "this Idempotency-Key was used for a different request (method, path, query or body)",
        None,
    ),
}


def fingerprint(key: bytes, scope: Scope, body: bytes) -> str:
    """A keyed hash of what makes two requests "the same": method, path, query string and body."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body):
        mac.update(len(part).to_bytes(8, "big") + part)
    return mac.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen = 0
        self.unreleased: list[tuple[IdempotencyStore, str, str, str]] = []  # releases the database refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, "idempotency-key") if scope["type"] == "http" and scope["method"] in WRITES else None
        services = services_of(scope)
        store: IdempotencyStore | None = getattr(services, "idempotency", None)
        if key is None or store is None:
            await self.app(scope, receive, send)
            return
        if not KEY.match(key):
            await send_problem(
                scope,
                send,
                400,
                "invalid-idempotency-key",
                "Invalid Idempotency-Key",
                "Idempotency-Key takes 1 to 255 visible ASCII characters",
                field="Idempotency-Key",
            )
            return
        actor = bearer_actor(scope)
        if actor is None:  # the route refuses it (401): nothing to remember
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        try:
            await self._release_later_ones()
            claim = await run_in_threadpool(
                store.begin, actor.user_id, key, fingerprint(services.casework.index_key, scope, body)
            )
        except DATABASE_UNAVAILABLE:
            await _unavailable(scope, send)
            return
        if claim.outcome is Outcome.NEW:
            await self._run(scope, replay(body, receive), send, store, actor.user_id, key, claim.token)
        elif claim.outcome is Outcome.REPLAY:
            assert claim.response is not None
            await _send_stored(claim.response, send)
        else:
            status, rule, title, detail, headers = REFUSALS[claim.outcome]
            await send_problem(scope, send, status, rule, title, detail, field="Idempotency-Key", headers=headers)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, store: IdempotencyStore, user: str, key: str, token: str
    ) -> None:
        """Run the request, keep a 2xx response before sending it (so a retry finds it), release otherwise."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await finish()
            else:
                await send(message)

        async def finish() -> None:
            assert start is not None
            body = b"".join(chunks)
            status = int(start["status"])
            if 200 <= status < 300:
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", ())]
                kept = [(k, v) for k, v in headers if k.lower() in KEPT_HEADERS]
                await self._keep(store, user, key, token, StoredResponse(status, kept, body))
            else:
                await self._release(store, user, key, token)
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})

        # The one hand-over to the event recorder: every save made while the request runs — in this task, or
        # in the threadpool Starlette runs a sync route in (it copies the context) — is fenced by this claim.
        claimed = current_claim.set(ClaimRef(user, key, token))
        renewing = asyncio.create_task(_renew(store, user, key, token))  # the lease lives as long as this request
        try:
            await self.app(scope, receive, capture)
        except Exception:  # nothing to replay; a cancelled request keeps its claim until the lease ends
            await self._release(store, user, key, token)
            raise
        finally:
            renewing.cancel()
            current_claim.reset(claimed)
        self.seen += 1
        if self.seen % PURGE_EVERY == 0:
            await run_in_threadpool(store.purge)

    async def _keep(self, store: IdempotencyStore, user: str, key: str, token: str, response: StoredResponse) -> None:
        """Store a 2xx response, waiting out a short database outage; the client gets it either way (the write
        happened), and if it could not be kept a retry answers ``idempotency-applied``."""
        for pause in (*STORE_TRIES, None):
            try:
                await run_in_threadpool(store.complete, user, key, token, response)
                return
            except DATABASE_UNAVAILABLE:
                if pause is None:
                    log.warning("a response could not be kept for its Idempotency-Key; a retry gets 409")
                    return
                await asyncio.sleep(pause)

    async def _release(self, store: IdempotencyStore, user: str, key: str, token: str) -> None:
        try:
            await run_in_threadpool(store.release, user, key, token)
        except DATABASE_UNAVAILABLE:  # released by a later request, so retries are not held off for the lease
            self.unreleased.append((store, user, key, token))

    async def _release_later_ones(self) -> None:
        while self.unreleased:
            store, user, key, token = self.unreleased[0]
            await run_in_threadpool(store.release, user, key, token)  # the database may still be away: raises
            self.unreleased.pop(0)


async def _renew(store: IdempotencyStore, user: str, key: str, token: str) -> None:
    """Every third of the lease, extend the running request's claim; stops with the request (or its process)."""
    while True:
        await asyncio.sleep(store.lease / 3)
        try:
            await run_in_threadpool(store.renew, user, key, token)
        except DATABASE_UNAVAILABLE:  # the next renewal may reach it; the fence keeps a takeover safe meanwhile
            log.warning("an Idempotency-Key claim could not be renewed")


async def _unavailable(scope: Scope, send: Send) -> None:
    await send_problem(
        scope,
        send,
        503,
        "database-unavailable",
        "Service unavailable",
        "the database is unavailable; retry after the Retry-After seconds",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _send_stored(response: StoredResponse, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers += [(b"content-length", str(len(response.body)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})
