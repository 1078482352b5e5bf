"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    try:
        services.casework.recorder.max_notification_id()
    except Exception as e:
        return JSONResponse({"status": "unavailable", "detail": type(e).__name__}, status_code=503)
    return JSONResponse({"status": "ready"})
