"""RFC 9457 problem responses: one stable ``type`` per kind of error, the field and rule named."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.errors import (
    ConcurrentUpdate,
    HouseholdFailedVerification,
    HouseholdNotFound,
    OutsideJurisdiction,
    ProgramNotAvailable,
    StaleVersion,
)
from application.views.projection import ProjectionsBehind
from domain.errors import DomainError, FourEyesViolation, InvalidValue, NotFound, RuleViolation, TransitionForbidden
from infrastructure.fencing import ClaimAlreadyCommitted, ClaimLost
from infrastructure.store_errors import STORE_UNAVAILABLE

PROBLEM_JSON = "application/problem+json"
PATH_FIELDS = {"household_id", "person_id", "enrolment_id", "decision_id", "finding_id"}
#: The store is unavailable (``infrastructure/store_errors.py``): answered 503 ``database-unavailable``.
DATABASE_UNAVAILABLE = STORE_UNAVAILABLE
RETRY_AFTER_SECONDS = "2"
log = logging.getLogger("jiuzhu.errors")


def problem_type(kind: str) -> str:
    return f"urn:jiuzhu:problem:{kind}"


class Problem(Exception):
    """An HTTP-level refusal raised by the API layer itself (auth, headers)."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.field, self.rule, self.headers = field, rule or kind, headers or {}


def problem_response(
    status: int,
    kind: str,
    title: str,
    detail: str,
    request: Request,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    rid = getattr(request.state, "request_id", None)
    body = problem_body(status, kind, title, detail, request.url.path, errors=errors, request_id=rid)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_body(
    status: int,
    kind: str,
    title: str,
    detail: str,
    instance: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """An RFC 9457 problem as every answer of this API carries it, from a route or from a guard: the
    errors name field and rule, and the request id lets a caller quote the request to support."""
    body: dict[str, Any] = {
        "type": problem_type(kind),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    return body


#: The status and title of each refusal; the first row that matches wins, so a subclass stands before
#: its base (a household outside the jurisdiction is answered as not found, four-eyes before rules).
_REFUSALS: tuple[tuple[type[DomainError] | tuple[type[DomainError], ...], int, str], ...] = (
    (StaleVersion, 412, "Precondition failed"),
    (ConcurrentUpdate, 409, "Concurrent update"),
    (HouseholdFailedVerification, 409, "Household failed verification"),
    (HouseholdNotFound, 404, "Household not found"),
    (TransitionForbidden, 409, "Transition forbidden"),
    (OutsideJurisdiction, 403, "Outside jurisdiction"),
    (FourEyesViolation, 403, "Four eyes required"),
    ((InvalidValue, RuleViolation, ProgramNotAvailable), 422, "Request refused by a rule"),
)


def domain_status(exc: DomainError) -> tuple[int, str]:
    if isinstance(exc, NotFound):  # a path's id is not there; a body's reference points nowhere
        return (404, "Not found") if exc.field in PATH_FIELDS else (422, "Unknown reference")
    for kinds, status, title in _REFUSALS:
        if isinstance(exc, kinds):
            return status, title
    return 422, "Request refused"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = "body" if err.get("type") == "json_invalid" else ".".join(loc) or "body"
        out.append({"field": field, "rule": err.get("type", "invalid"), "message": err.get("msg", "invalid")})
    return out


async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
    status, title = domain_status(exc)
    headers = {"ETag": f'"{exc.current}"'} if isinstance(exc, StaleVersion) else None
    errors = [{"field": exc.field or "body", "rule": exc.rule, "message": exc.message}]
    return problem_response(status, exc.kind, title, exc.message, request, errors, headers)


async def api_problem(request: Request, exc: Problem) -> JSONResponse:
    errors = [{"field": exc.field, "rule": exc.rule, "message": exc.detail}] if exc.field else None
    return problem_response(exc.status, exc.kind, exc.title, exc.detail, request, errors, exc.headers)


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = _validation_errors(exc)
    if any(e["rule"] == "json_invalid" for e in errors):
        return problem_response(
            400, "malformed-json", "Malformed JSON", "the request body is not valid JSON", request, errors
        )
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem_response(422, "validation-error", "Invalid request", detail, request, errors)


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    return problem_response(exc.status_code, kind, detail, detail, request, headers=getattr(exc, "headers", None))


async def claim_lost(request: Request, exc: ClaimLost) -> JSONResponse:
    """The request's Idempotency-Key claim fenced its save (``infrastructure.fencing``): nothing was written."""
    if isinstance(exc, ClaimAlreadyCommitted):
        detail = "the request was applied, but the database's answer was lost; read the resource to see the result"
        errors = [{"field": "Idempotency-Key", "rule": "idempotency-applied", "message": detail}]
        return problem_response(409, "idempotency-applied", "Request already applied", detail, request, errors)
    detail = "a retry with this Idempotency-Key took the request over; nothing was written by this one"
    errors = [{"field": "Idempotency-Key", "rule": "idempotency-in-progress", "message": detail}]
    headers = {"Retry-After": "1"}
    return problem_response(409, "idempotency-in-progress", "Request in progress", detail, request, errors, headers)


async def projections_behind(request: Request, exc: ProjectionsBehind) -> JSONResponse:
    detail = "the views have not caught up with the latest writes yet; retry shortly"
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    return problem_response(503, "projections-behind", "Views not ready", detail, request, headers=headers)


async def unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - last resort
    return problem_response(
        500, "internal-error", "Internal error", "an unexpected error occurred; it was logged", request
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Every error the API answers as a problem, each kind with its handler (the last one catches the rest)."""
    handlers: list[tuple[type[Exception], Any]] = [
        (DomainError, domain_error),
        (Problem, api_problem),
        (RequestValidationError, validation_error),
        (StarletteHTTPException, http_error),
        (ClaimLost, claim_lost),
        (ProjectionsBehind, projections_behind),
        *((kind, database_unavailable) for kind in DATABASE_UNAVAILABLE),
        (Exception, unexpected),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, handler)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After: the store could not be reached. A retry with the same Idempotency-Key is safe: the key
    says whether this request's events were committed (``infrastructure.fencing``)."""
    log.warning("database unavailable: %s", type(exc).__name__)  # the message may quote SQL parameters: not logged
    detail = "the database is unavailable; retry after the Retry-After seconds"
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    return problem_response(503, "database-unavailable", "Service unavailable", detail, request, headers=headers)
