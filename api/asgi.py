"""Small ASGI helpers for the request guards: headers, buffered bodies, problem responses."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, problem_body
from domain.values import Actor

_ACTOR = "jiuzhu.actor"  # scope key of the verified caller


class HttpMiddleware:
    """A plain ASGI middleware that sees HTTP requests only (``http``); the lifespan passes straight through.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs the rest of
    the chain in a task of its own and streams the response through a queue, a cost paid by every request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        else:
            await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class BodyTooLarge(Exception):
    """The request body exceeds the limit."""


def header(scope: Scope, name: str) -> str | None:
    """The first value of a request header (``name`` in lower case), decoded as Latin-1."""
    raw = name.encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key == raw:
            return str(value.decode("latin-1"))
    return None


async def read_body(receive: Receive, limit: int | None = None) -> bytes:
    """The whole request body; ``BodyTooLarge`` as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the buffered body once, then defers to the real one (disconnects)."""
    sent = False

    async def receive_again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_again


def bearer_actor(scope: Scope) -> Actor | None:
    """The caller of a request with a valid bearer token, else None (the route answers 401 itself).

    Verified once per request: the guards share the answer through the scope.
    """
    if _ACTOR in scope:
        cached: Actor | None = scope[_ACTOR]
        return cached
    authorization = header(scope, "authorization")
    services = services_of(scope)
    actor: Actor | None = None
    if services is not None and authorization and authorization.lower().startswith("bearer "):
        try:
            actor = services.tokens.verify(authorization[7:].strip())
        except Exception:  # any token the route would refuse
            actor = None
    scope[_ACTOR] = actor
    return actor


def services_of(scope: Scope) -> Any:
    """The running app's services (None before start-up)."""
    app = scope.get("app")
    return getattr(getattr(app, "state", None), "services", None)


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """An RFC 9457 problem response sent straight from a guard, shaped like ``api.problems``' ones."""
    errors = [{"field": field, "rule": kind, "message": detail}] if field else None
    rid = scope.get("state", {}).get("request_id")
    body = problem_body(status, kind, title, detail, scope.get("path", ""), errors=errors, request_id=rid)
    data = json.dumps(body, ensure_ascii=False).encode()
    raw = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(data)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": data, "more_body": False})
