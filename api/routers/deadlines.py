"""The decision deadline: an approver extends an undecided application's deadline, with a reason."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.deps import ActorDep, IfMatchDep, RequestIdDep, ServicesDep
from api.routers.enrolments import result
from api.schemas import IsoDate, RequestBody, Text
from api.views import EnrolmentResult

router = APIRouter(prefix="/api/v1/households/{household_id}", tags=["enrolments"])


class DeadlineExtensionIn(RequestBody):
    effective_on: IsoDate
    reason: Text = Field(min_length=1)


class DeadlineExtended(EnrolmentResult):
    deadline: date  # the extended deadline for the county's decision


@router.post(
    "/enrolments/{enrolment_id}/deadline-extension",
    operation_id="extend_decision_deadline",
    response_model=DeadlineExtended,
)
def extend_deadline(
    household_id: UUID,
    enrolment_id: UUID,
    body: DeadlineExtensionIn,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> DeadlineExtended:
    """Extend the deadline for the decision to ``decision.extended_deadline_working_days`` (special cases)."""
    deadline, h = services.casework.extend_decision_deadline(
        household_id,
        enrolment_id,
        effective_on=body.effective_on,
        actor=actor,
        reason=body.reason,
        expected_version=version,
        request_id=rid,
    )
    return DeadlineExtended(**result(services, h, enrolment_id, response).model_dump(), deadline=deadline)
