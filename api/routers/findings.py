"""Cross-province findings (跨省重复享受): what the nation found, resolved by a caseworker here.

The relay records each finding the national service sends as an event of this store and a line of
the worklist (``GET /api/v1/worklist``, kind ``cross_province_duplicate``); this route records how a
caseworker resolved one (docs/national.md)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import ActorDep, ServicesDep
from api.schemas import Choice, IsoDate, RequestBody, Text
from application.national.findings import resolve_finding
from domain.errors import NotFound
from domain.national_finding import Resolution

router = APIRouter(prefix="/api/v1/national-findings", tags=["national"])


class ResolutionIn(RequestBody):
    effective_on: IsoDate
    outcome: Choice[Resolution]
    note: Text = Field(min_length=1)


class ResolutionOut(BaseModel):
    finding_id: str
    outcome: Resolution
    resolved_on: date


@router.post("/{finding_id}/resolution", operation_id="resolve_national_finding", response_model=ResolutionOut)
def resolve(finding_id: str, body: ResolutionIn, actor: ActorDep, services: ServicesDep) -> ResolutionOut:
    """Record how a finding was resolved (once); it leaves the worklist. The note is the reason."""
    store = services.national_findings
    if store is None:
        raise NotFound(
            "this store keeps no national findings (the national layer runs on PostgreSQL)",
            field="finding_id",
            rule="finding-known",
        )
    services.casework.check_date(body.effective_on)
    resolve_finding(services.casework, store, finding_id, body.outcome, body.note, on=body.effective_on, actor=actor)
    return ResolutionOut(finding_id=finding_id, outcome=body.outcome, resolved_on=body.effective_on)
