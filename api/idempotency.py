"""``Idempotency-Key`` on every POST, PUT and PATCH (spec §8).

A retry with the same key, the same method, path, query and body, by the same user, gets the first
response again (status, body, ETag and Location) and writes nothing; the key with another request
gets 422 ``idempotency-key-reused``; a retry while the first is still running gets 409
``idempotency-in-progress``. Only successful (2xx) responses are kept: a refused request wrote
nothing, so its key is released and a retry runs again.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import bearer_actor, header, read_body, replay, send_problem, services_of
from infrastructure.idempotency import IdempotencyStore, Outcome, StoredResponse

WRITES = frozenset({"POST", "PUT", "PATCH"})
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft's examples use
KEPT_HEADERS = frozenset({"content-type", "etag", "location", "content-disposition"})
PURGE_EVERY = 1000  # requests with a key between two purges of expired keys


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
        claim = await run_in_threadpool(
            store.begin, actor.user_id, key, fingerprint(services.casework.index_key, scope, body)
        )
        if claim.outcome is Outcome.REPLAY:
            assert claim.response is not None
            await _send_stored(claim.response, send)
        elif claim.outcome is Outcome.IN_PROGRESS:
            await send_problem(
                scope,
                send,
                409,
                "idempotency-in-progress",
                "Request in progress",
                "a request with this Idempotency-Key is still being processed; retry shortly",
                field="Idempotency-Key",
                headers={"Retry-After": "1"},
            )
        elif claim.outcome is Outcome.MISMATCH:
            await send_problem(
                scope,
                send,
                422,
                "idempotency-key-reused",
                "Idempotency-Key reused",
                "this Idempotency-Key was used for a different request (method, path, query or body)",
                field="Idempotency-Key",
            )
        else:
            await self._run(scope, replay(body, receive), send, store, actor.user_id, key, claim.token)

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
                await run_in_threadpool(store.complete, user, key, token, StoredResponse(status, kept, body))
            else:
                await run_in_threadpool(store.release, user, key, token)
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})

        try:
            await self.app(scope, receive, capture)
        except Exception:  # nothing to replay; a cancelled request keeps its claim until the lease ends
            await run_in_threadpool(store.release, user, key, token)
            raise
        self.seen += 1
        if self.seen % PURGE_EVERY == 0:
            await run_in_threadpool(store.purge)


async def _send_stored(response: StoredResponse, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers += [(b"content-length", str(len(response.body)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})
