"""The request guards around the routes: limits and the request log, the input guard, then idempotency keys."""

from __future__ import annotations

from fastapi import FastAPI

from api.hygiene import HygieneMiddleware
from api.idempotency import IdempotencyMiddleware
from api.limits import LimitsMiddleware
from api.openapi_doc import document


def install_guards(app: FastAPI) -> None:
    """Add the guards (call before any middleware that must run outside them, e.g. the request id)."""
    app.add_middleware(IdempotencyMiddleware)  # inner: sees only requests within the limits
    app.add_middleware(HygieneMiddleware)  # no control character in a query, header or JSON string
    app.add_middleware(LimitsMiddleware)
    document(app)  # the schema says so: bearer auth, Idempotency-Key on writes, problem+json errors
