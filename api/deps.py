"""Dependencies: the services, the calling actor, permissions, If-Match, and ``WriteDep``: what every
write carries (actor, If-Match, request id) for a router to complete into a command's ``Meta``."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Protocol
from urllib.parse import unquote
from uuid import UUID

from fastapi import Depends, Header, Query, Request

from api.authorization import authorize
from api.problems import Problem
from application.audit import Auditor
from application.casework import Casework
from application.commands import Meta
from application.followers import Recalculation
from application.notices import MayQualify
from application.payroll import Payroll
from application.register_reads import Register
from application.views.projection import Views
from application.views.reports import Reports
from application.views.rows import AccessRecord
from domain.text import clean_text
from domain.values import Actor, Role
from infrastructure.agencies import AgencyRegistry
from infrastructure.idempotency import IdempotencyStore
from infrastructure.national.province_store import ProvinceNationalStore
from infrastructure.settings import Settings
from infrastructure.tokens import TokenInvalid, TokenIssuer


@dataclass
class Services:
    """Everything the routes use, built once by the composition root."""

    settings: Settings
    casework: Casework
    auditor: Auditor
    tokens: TokenIssuer
    views: Views
    payroll: Payroll
    reports: Reports
    recalculation: Recalculation  # the follower that re-prices after a new parameter value
    register: Register  # the register of households in difficulty (低收入人口)
    notices: MayQualify  # the follower raising and closing "may qualify" notices
    idempotency: IdempotencyStore | None = None  # Idempotency-Key storage beside the events (api.idempotency)
    national_findings: ProvinceNationalStore | None = None  # cross-province findings (PostgreSQL stores only)
    agencies: AgencyRegistry | None = None  # the DCI lookups' registered clients (infrastructure/agencies.py)


# The dependencies that only read the request are ``async def``: FastAPI runs a plain ``def`` dependency in its
# thread pool, a hop of two thread switches per dependency per request, for a few microseconds of work.


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def request_services(request: Request) -> Services:
    return get_services(request)


ServicesDep = Annotated[Services, Depends(request_services)]


def current_actor(
    request: Request,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Actor:
    """The caller from the bearer token (401 otherwise), permitted by the table for this route (403 otherwise)."""
    actor = _authenticate(services, authorization)
    authorize(request, services, actor)
    return actor


def _authenticate(services: Services, authorization: str | None) -> Actor:
    challenge = {"WWW-Authenticate": 'Bearer realm="jiuzhu"'}
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Problem(
            401, "unauthenticated", "Authentication required", "send Authorization: Bearer <token>", headers=challenge
        )
    try:
        return services.tokens.verify(authorization[7:].strip())
    except TokenInvalid as e:
        raise Problem(
            401, "unauthenticated", "Invalid token", f"the bearer token is not valid: {e}", headers=challenge
        ) from None


ActorDep = Annotated[Actor, Depends(current_actor)]


def require_role(actor: Actor, allowed: frozenset[Role], operation: str) -> None:
    if actor.role not in allowed:
        raise Problem(
            403,
            "forbidden-role",
            "Forbidden",
            f"role {actor.role} may not {operation}",
            field="role",
            rule="role-permitted",
        )


def require_jurisdiction(actor: Actor, division_code: str) -> None:
    if not division_code.startswith(actor.jurisdiction):
        raise Problem(
            403,
            "forbidden-jurisdiction",
            "Outside jurisdiction",
            f"division {division_code} is outside the caller's jurisdiction {actor.jurisdiction}",
            field="division_code",
            rule="jurisdiction",
        )


_IF_MATCH = re.compile(r'^\s*(?:W/)?"?([0-9]{1,12})"?\s*$')


async def if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
    """The version the caller last saw, from ``If-Match: "N"``; None when absent."""
    if if_match is None or if_match.strip() == "*":
        return None
    m = _IF_MATCH.match(if_match)
    if not m:
        raise Problem(
            400,
            "invalid-if-match",
            "Invalid If-Match",
            'If-Match takes the ETag, e.g. "3"',
            field="If-Match",
            rule="if-match-format",
        )
    return int(m.group(1))


IfMatchDep = Annotated[int | None, Depends(if_match)]


async def request_id(request: Request) -> str:
    rid: str = request.state.request_id
    return rid


RequestIdDep = Annotated[str, Depends(request_id)]


def purpose(x_purpose: Annotated[str | None, Header(alias="X-Purpose", max_length=200)] = None) -> str:
    """Why the caller reads personal data; recorded in the read-access log.

    Header values arrive as Latin-1: a purpose sent as UTF-8 bytes or percent-encoded (``核对`` as
    ``%E6%A0%B8%E5%AF%B9``) is decoded back to its text, which may hold no control character (``%00``).
    """
    text = (x_purpose or "").strip()
    with contextlib.suppress(UnicodeError):  # not UTF-8 bytes: keep it as it came
        text = text.encode("latin-1").decode("utf-8")
    return clean_text(unquote(text).strip(), field="X-Purpose") or "not stated"


PurposeDep = Annotated[str, Depends(purpose)]


class DatedBody(Protocol):
    """A write's request body: the date it takes effect, and perhaps why."""

    @property
    def effective_on(self) -> date: ...


@dataclass(frozen=True)
class Write:
    """The caller of a write as the request gives it — actor (authorized for the route), If-Match
    and request id — completed by ``meta`` with the body's date and reason into a command's ``Meta``."""

    actor: Actor
    expected_version: int | None
    request_id: str

    def meta(self, body: DatedBody) -> Meta:
        """The command's ``Meta`` for a body with ``effective_on`` (and, most often, ``reason``)."""
        return self.dated(body.effective_on, getattr(body, "reason", None))

    def dated(self, effective_on: date, reason: str | None) -> Meta:
        return Meta(
            actor=self.actor,
            effective_on=effective_on,
            reason=reason,
            request_id=self.request_id,
            expected_version=self.expected_version,
        )


async def write(actor: ActorDep, version: IfMatchDep, rid: RequestIdDep) -> Write:
    """A write on an existing household: it takes ``If-Match``."""
    return Write(actor, version, rid)


async def create(actor: ActorDep, rid: RequestIdDep) -> Write:
    """A write that creates (a household) or is not a household's (policy): no ``If-Match``."""
    return Write(actor, None, rid)


WriteDep = Annotated[Write, Depends(write)]
CreateDep = Annotated[Write, Depends(create)]

#: The most rows one page of a list may ask for; a larger ``limit`` gets 422.
MAX_PAGE = 1000
PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"rows per page, 1 to {MAX_PAGE}")]


def log_read(services: Services, actor: Actor, household_id: UUID, why: str, rid: str) -> None:
    """Record a read of a household's personal data for the auditor."""
    log_reads(services, actor, [household_id], why, rid)


def log_reads(services: Services, actor: Actor, household_ids: Iterable[UUID | str], why: str, rid: str) -> None:
    """Record that one answer carried the names or ID numbers of these households (one entry each, once)."""
    at = services.casework.clock()
    seen = dict.fromkeys(str(h) for h in household_ids)
    services.auditor.log_accesses([AccessRecord(at, actor.user_id, actor.role.value, hid, why, rid) for hid in seen])
