"""Liveness, readiness and the Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4 as CONTENT_TYPE
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.problems import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from infrastructure.pool import ping

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
def healthz() -> dict[str, str]:
    """The process answers (nothing else is checked)."""
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    """503 unless the database answers and, when projection workers keep the views, they are not far behind."""
    settings = services.settings
    try:
        ping(services.casework.recorder)  # fails within the connect timeout when the database is away
        lag = services.views.lag()
    except DATABASE_UNAVAILABLE as e:
        detail = {"status": "unavailable", "database": "unreachable", "detail": type(e).__name__}
        return JSONResponse(detail, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    body: dict[str, object] = {
        "status": "ready",
        "database": "ok",
        "projections": settings.projections,
        "lag": {"projection": lag.projection, "events": lag.events, "seconds": round(lag.seconds, 3)},
    }
    # Projecting in process, every read catches up first: the lag is what no one has read yet, not a delay.
    behind = settings.projections == "workers" and (
        lag.events > settings.ready_max_lag_events or lag.seconds > settings.ready_max_lag_seconds
    )
    if behind:
        body["status"] = "projections-behind"
        return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    return JSONResponse(body)


@router.get(
    "/metrics",
    operation_id="metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text exposition format"}},
)
async def metrics(request: Request) -> Response:
    """Request latency, commands, events appended, payroll progress and projection lag, for Prometheus."""
    body = await run_in_threadpool(request.app.state.metrics.exposition)
    return Response(body, media_type=CONTENT_TYPE)
