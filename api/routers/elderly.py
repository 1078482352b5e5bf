"""The elderly programs' facts: a member's residence registration (户籍/居住登记)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import ServicesDep, WriteDep
from api.routers.households import household_response
from api.schemas import Dated, DivisionStr, IsoDate
from api.views import HouseholdOut
from application.commands import RecordResidence
from domain.residence import Residence

router = APIRouter(tags=["programs"])


class ResidenceIn(Dated):
    """Where the member is registered, as known from ``effective_on``; ``reason`` is required to change
    a registration already recorded (a move, an end: ``ended_on`` is the first day no longer registered)."""

    division_code: DivisionStr
    registered_from: IsoDate
    ended_on: IsoDate | None = None


@router.put(
    "/api/v1/households/{household_id}/members/{person_id}/residence",
    operation_id="record_residence",
    response_model=HouseholdOut,
)
def record_residence(
    household_id: UUID,
    person_id: UUID,
    body: ResidenceIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> HouseholdOut:
    """Record the member's residence registration; the elderly allowance pays registered residents."""
    residence = Residence(body.division_code, body.registered_from, body.ended_on)
    cmd = RecordResidence(household_id=household_id, person_id=person_id, residence=residence, meta=write.meta(body))
    return household_response(services, services.casework.handle(cmd).household, response)
