"""The auditor's endpoints: history, decision explanations, store verification, the read-access log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import ActorDep, PageLimit, PurposeDep, RequestIdDep, ServicesDep, log_read
from application.views.rows import AccessRecord
from domain.values import Program

router = APIRouter(tags=["audit"])


class ActorOut(BaseModel):
    user_id: str
    role: str


class HistoryEntry(BaseModel):
    version: int
    event: str
    recorded_at: datetime
    effective_on: date
    actor: ActorOut
    reason: str | None
    request_id: str | None
    enrolment_id: UUID | None
    program: str | None
    decision_id: UUID | None
    summary: str
    changes: dict[str, Any]


class HistoryOut(BaseModel):
    household_id: UUID
    events: list[HistoryEntry]


@router.get("/api/v1/households/{household_id}/history", operation_id="household_history", response_model=HistoryOut)
def history(
    household_id: UUID,
    actor: ActorDep,
    services: ServicesDep,
    purpose: PurposeDep,
    rid: RequestIdDep,
    program: Program | None = None,
    effective_from: Annotated[date | None, Query(alias="from")] = None,
    effective_to: Annotated[date | None, Query(alias="to")] = None,
) -> HistoryOut:
    """Every event: recorded instant, effective date, actor, reason and what changed."""
    services.casework.read_household(household_id, actor)
    log_read(services, actor, household_id, purpose, rid)
    entries = services.auditor.history(
        household_id,
        program=program.value if program else None,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    return HistoryOut(household_id=household_id, events=[HistoryEntry.model_validate(e) for e in entries])


@router.get("/api/v1/households/{household_id}/decisions/{decision_id}", operation_id="explain_decision")
def explain_decision(
    household_id: UUID,
    decision_id: UUID,
    actor: ActorDep,
    services: ServicesDep,
    purpose: PurposeDep,
    rid: RequestIdDep,
) -> dict[str, Any]:
    """The facts, parameters, outcome and decider of one decision, with a re-computation today."""
    services.casework.read_household(household_id, actor)
    log_read(services, actor, household_id, purpose, rid)
    return services.auditor.explain(household_id, decision_id)


class FindingOut(BaseModel):
    kind: str
    originator_id: str
    originator_version: int
    detail: str


class VerificationOut(BaseModel):
    ok: bool
    events_checked: int
    aggregates_checked: int
    seconds: float
    events_per_second: float
    findings: list[FindingOut]


@router.get("/api/v1/audit/verification", operation_id="verify_store", response_model=VerificationOut)
def verify_store(actor: ActorDep, services: ServicesDep) -> VerificationOut:
    """Walk the store and report every event changed, removed, reordered or inserted behind our back."""
    report = services.auditor.verify(jurisdiction=actor.jurisdiction)
    return VerificationOut(
        ok=report.ok,
        events_checked=report.events_checked,
        aggregates_checked=report.aggregates_checked,
        seconds=round(report.seconds, 6),
        events_per_second=round(report.events_per_second, 1),
        findings=[FindingOut(**vars(f)) for f in report.findings],
    )


@router.get("/api/v1/audit/access-log", operation_id="access_log", response_model=list[AccessRecord])
def access_log(
    actor: ActorDep,
    services: ServicesDep,
    household_id: UUID | None = None,
    user_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: PageLimit = 100,
) -> list[AccessRecord]:
    """Who read which household's personal data, when and why (newest first), within the caller's jurisdiction."""
    if household_id is not None:
        services.casework.read_household(household_id, actor)  # outside the jurisdiction: as if unknown
    return services.auditor.access_log(
        household_id=household_id, user_id=user_id, limit=limit, jurisdiction=actor.jurisdiction
    )
