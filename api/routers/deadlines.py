"""The decision deadline: an approver extends an undecided application's deadline, with a reason."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import Field

from api.deps import ServicesDep, WriteDep
from api.routers.enrolments import result
from api.schemas import IsoDate, RequestBody, Text
from api.views import EnrolmentResult
from application.commands import ExtendDecisionDeadline

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
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> DeadlineExtended:
    """Extend the deadline for the decision to ``decision.extended_deadline_working_days`` (special cases)."""
    deadline, h = services.casework.handle(
        ExtendDecisionDeadline(household_id=household_id, enrolment_id=enrolment_id, meta=write.meta(body))
    )
    return DeadlineExtended(**result(services, h, enrolment_id, response).model_dump(), deadline=deadline)
