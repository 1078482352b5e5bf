"""A member's disability certificate (the disability subsidies read it: docs/rules.md)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import ServicesDep, WriteDep
from api.routers.households import household_response
from api.schemas import DisabilityCertificateIn
from api.views import HouseholdOut
from application.commands import RecordDisabilityCertificate
from domain.disability import DisabilityCertificate

router = APIRouter(tags=["programs"])


@router.put(
    "/api/v1/households/{household_id}/members/{person_id}/disability-certificate",
    operation_id="record_disability_certificate",
    response_model=HouseholdOut,
)
def record_disability_certificate(
    household_id: UUID,
    person_id: UUID,
    body: DisabilityCertificateIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> HouseholdOut:
    """Record the certificate the member holds from ``effective_on`` (first issue, grade change, renewal):
    category, grade 1–4, number (shown masked), issued on, valid until (inclusive)."""
    certificate = DisabilityCertificate(
        category=body.category,
        grade=body.grade,
        number=body.certificate_number,
        issued_on=body.issued_on,
        valid_until=body.valid_until,
    )
    cmd = RecordDisabilityCertificate(
        household_id=household_id, person_id=person_id, certificate=certificate, meta=write.meta(body)
    )
    return household_response(services, services.casework.handle(cmd).household, response)
