"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.dci import install_dci
from api.deps import Services
from api.desk import install_desk
from api.guards import install_guards
from api.logs import request_id_var
from api.metrics import Metrics, MetricsMiddleware
from api.problems import install_problem_handlers
from api.routers import (
    audit,
    deadlines,
    disability,
    elderly,
    enrolments,
    findings,
    health,
    households,
    imports,
    payroll,
    policy,
    programs,
    register,
    reports,
)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
#: An ID number (18 characters) or a mobile number standing as a token of its own: personal data, not an id.
_PERSONAL_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9A-Za-z])")


def opaque_id(given: str) -> bool:
    """True for a client's request id the service may store and log: an opaque token of up to 64
    characters, never one that holds an ID or mobile number."""
    return bool(_REQUEST_ID.match(given)) and not _PERSONAL_NUMBER.search(given)


#: Response headers the request-id middleware sets, replacing any the route gave.
_OWN_HEADERS = frozenset({b"x-request-id", b"cache-control"})


class RequestIdMiddleware(HttpMiddleware):
    """Gives each request an id (the client's ``X-Request-ID`` when opaque, else a new one), logged and
    echoed, and marks every answer ``Cache-Control: no-store``."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        rid = given if opaque_id(given) else uuid.uuid4().hex  # logged: an id, never free text
        scope.setdefault("state", {})["request_id"] = rid
        own = [(b"x-request-id", rid.encode("latin-1")), (b"cache-control", b"no-store")]

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in _OWN_HEADERS]
                # Personal data may travel in any answer (and in a problem naming a field): no cache may keep it.
                message = {**message, "headers": headers + own}
            await send(message)

        token = request_id_var.set(rid)
        try:
            await self.app(scope, receive, send_marked)
        finally:
            request_id_var.reset(token)


def create_app(services_factory: Callable[[], Services]) -> FastAPI:
    """Build the HTTP app; ``services_factory`` (the composition root) runs at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = services_factory()
        app.state.services = services
        services.casework.on_saved.append(metrics.count_events)
        try:
            yield
        finally:
            services.views.close()
            services.casework.close()

    app = FastAPI(
        title="jiuzhu 救助",
        summary="Social assistance from application to payment, with every decision explainable.",
        version="0.1.0",
        lifespan=lifespan,
    )

    install_guards(app)  # limits, request log, Idempotency-Key: inside the request id below
    metrics = app.state.metrics = Metrics(lambda: getattr(app.state, "services", None))  # this app's own registry
    app.add_middleware(MetricsMiddleware)  # outside the guards: times and counts their refusals too

    app.add_middleware(RequestIdMiddleware)  # outermost: every answer, refusals included, carries the id

    install_problem_handlers(app)
    for module in (
        households,
        elderly,
        enrolments,
        deadlines,
        programs,
        disability,
        audit,
        policy,
        payroll,
        reports,
        findings,
        imports,
        health,
    ):
        app.include_router(module.router)
    install_dci(app)  # other agencies' systems: the DCI IBR lookups under /dci/ibr (docs/dci.md)
    app.include_router(register.router)  # the register of households in difficulty and the notices
    install_desk(app)  # the web desk for people under /desk/ (HTML; outside the OpenAPI schema)
    return app
