"""Program facts and one-off grants: care assessments (tekun), parents' situations (children), temporary
assistance, and the calendar job."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from api.deps import ActorDep, ServicesDep, WriteDep, require_role
from api.routers.households import household_response
from api.schemas import CareAssessmentIn, ParentsIn, TemporaryGrantIn
from api.views import HouseholdOut
from application.commands import AssessCare, GrantTemporary, RecordParents
from domain.rules.children import ParentStatus
from domain.rules.temporary import ApprovalLevel
from domain.values import Role

router = APIRouter(tags=["programs"])


@router.post(
    "/api/v1/households/{household_id}/members/{person_id}/care-assessment",
    operation_id="assess_care",
    response_model=HouseholdOut,
)
def assess_care(
    household_id: UUID,
    person_id: UUID,
    body: CareAssessmentIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> HouseholdOut:
    """Record which of the six daily activities the person cannot do (tekun care level)."""
    activities = tuple(body.unable_activities)
    cmd = AssessCare(
        household_id=household_id, person_id=person_id, unable_activities=activities, meta=write.meta(body)
    )
    return household_response(services, services.casework.handle(cmd).household, response)


@router.put(
    "/api/v1/households/{household_id}/members/{person_id}/parents",
    operation_id="record_parents",
    response_model=HouseholdOut,
)
def record_parents(
    household_id: UUID,
    person_id: UUID,
    body: ParentsIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> HouseholdOut:
    """Record a child's parents' situations, each with the date it began."""
    cmd = RecordParents(
        household_id=household_id,
        person_id=person_id,
        father=tuple(ParentStatus(p.situation, p.since) for p in body.father),
        mother=tuple(ParentStatus(p.situation, p.since) for p in body.mother),
        meta=write.meta(body),
    )
    return household_response(services, services.casework.handle(cmd).household, response)


class GrantOut(BaseModel):
    household_id: UUID
    household_version: int
    grant_id: UUID
    amount: str
    level: str
    kind: str


@router.post(
    "/api/v1/households/{household_id}/temporary-assistance",
    status_code=status.HTTP_201_CREATED,
    operation_id="grant_temporary",
    response_model=GrantOut,
)
def grant_temporary(
    household_id: UUID,
    body: TemporaryGrantIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> GrantOut:
    """A one-off grant: a caseworker grants at township level (up to the cap), an approver at district level."""
    if body.level is ApprovalLevel.DISTRICT and write.actor.role is not Role.APPROVER:
        require_role(write.actor, frozenset({Role.APPROVER}), "grant at district level")
    grant_id, h = services.casework.handle(
        GrantTemporary(
            household_id=household_id, kind=body.kind, level=body.level, amount=body.amount, meta=write.meta(body)
        )
    )
    response.headers["ETag"] = f'"{h.version}"'
    g = h.grants[grant_id]
    return GrantOut(
        household_id=h.id,
        household_version=h.version,
        grant_id=grant_id,
        amount=str(g.amount),
        level=g.level,
        kind=g.kind,
    )


class JobOut(BaseModel):
    households: int
    recorded: list[dict[str, str]]
    skipped: list[dict[str, str]]


@router.post("/api/v1/jobs/tick", operation_id="run_tick", response_model=JobOut)
def run_tick(actor: ActorDep, services: ServicesDep, on: Annotated[date, Query(alias="date")]) -> JobOut:
    """Apply what the calendar decided by a date: ageing out at 18, gradual exits that ran out, the elderly
    allowance's missed verifications and enrolments at the birthday. Idempotent."""
    services.casework.check_date(on, "date")
    report = services.casework.tick(on, actor)
    return JobOut(
        households=report.households,
        recorded=[{"household_id": str(h), "enrolment_id": str(e), "what": w} for h, e, w in report.recorded],
        skipped=[{"household_id": str(h), "enrolment_id": str(e), "why": w} for h, e, w in report.skipped],
    )
