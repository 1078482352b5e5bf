"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from api.deps import Services
from api.guards import install_guards
from api.problems import install_problem_handlers
from api.routers import audit, enrolments, health, households, payroll, policy, programs, reports


def create_app(services_factory: Callable[[], Services]) -> FastAPI:
    """Build the HTTP app; ``services_factory`` (the composition root) runs at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = services_factory()
        app.state.services = services
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

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.state.request_id = rid
        response = await call_next(request)
        response.headers["X-Request-ID"] = rid
        return response

    install_problem_handlers(app)
    for module in (households, enrolments, programs, audit, policy, payroll, reports, health):
        app.include_router(module.router)
    return app
