"""Enrolments: application, township review, county decision, reviews, suspension, termination."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from api.deps import ActorDep, IfMatchDep, RequestIdDep, ServicesDep
from api.schemas import Apply, Decide, DecideWithReason, IsoDate, RequestBody, TownshipReviewIn
from api.views import EnrolmentOut, EnrolmentResult
from domain.household import Household

router = APIRouter(prefix="/api/v1/households/{household_id}", tags=["enrolments"])


def result(
    services: ServicesDep, h: Household, enrolment_id: UUID, response: Response, decision_id: UUID | None = None
) -> EnrolmentResult:
    response.headers["ETag"] = f'"{h.version}"'
    return EnrolmentResult(
        household_id=h.id,
        household_version=h.version,
        decision_id=decision_id,
        enrolment=EnrolmentOut.of(h.enrolment(enrolment_id), services.casework.clock().date()),
    )


@router.post("/applications", status_code=status.HTTP_201_CREATED, operation_id="apply", response_model=EnrolmentResult)
def apply(
    household_id: UUID,
    body: Apply,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    eid, h = services.casework.apply(
        household_id,
        body.program,
        tuple(body.beneficiaries),
        terms=dict(body.terms),
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    response.headers["Location"] = f"/api/v1/households/{household_id}/enrolments/{eid}"
    return result(services, h, eid, response)


@router.get("/enrolments/{enrolment_id}", operation_id="get_enrolment", response_model=EnrolmentOut)
def get_enrolment(
    household_id: UUID,
    enrolment_id: UUID,
    actor: ActorDep,
    services: ServicesDep,
    response: Response,
    on: Annotated[date | None, Query(description="the amount payable and beneficiaries on this date (today)")] = None,
) -> EnrolmentOut:
    """One enrolment: status, beneficiaries, the amount payable on a date and its steps (no names: not logged)."""
    h = services.casework.read_household(household_id, actor)
    response.headers["ETag"] = f'"{h.version}"'
    return EnrolmentOut.of(h.enrolment(enrolment_id), on or services.casework.clock().date())


@router.post(
    "/enrolments/{enrolment_id}/withdrawal", operation_id="withdraw_application", response_model=EnrolmentResult
)
def withdraw(
    household_id: UUID,
    enrolment_id: UUID,
    body: Decide,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    h = services.casework.withdraw(
        household_id,
        enrolment_id,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response)


@router.post(
    "/enrolments/{enrolment_id}/township-review", operation_id="record_township_review", response_model=EnrolmentResult
)
def township_review(
    household_id: UUID,
    enrolment_id: UUID,
    body: TownshipReviewIn,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    did, h = services.casework.record_township_review(
        household_id,
        enrolment_id,
        investigated_on=body.investigated_on,
        findings=body.findings,
        opinion=body.opinion,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response, did)


@router.post("/enrolments/{enrolment_id}/approval", operation_id="approve", response_model=EnrolmentResult)
def approve(
    household_id: UUID,
    enrolment_id: UUID,
    body: Decide,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    did, h = services.casework.approve(
        household_id,
        enrolment_id,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response, did)


@router.post("/enrolments/{enrolment_id}/rejection", operation_id="reject", response_model=EnrolmentResult)
def reject(
    household_id: UUID,
    enrolment_id: UUID,
    body: DecideWithReason,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    did, h = services.casework.reject(
        household_id,
        enrolment_id,
        reason_code=body.reason_code,
        reason=body.reason,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response, did)


@router.post("/enrolments/{enrolment_id}/reviews", operation_id="review", response_model=EnrolmentResult)
def review(
    household_id: UUID,
    enrolment_id: UUID,
    body: Decide,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    did, h = services.casework.review(
        household_id,
        enrolment_id,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response, did)


@router.post("/enrolments/{enrolment_id}/suspension", operation_id="suspend", response_model=EnrolmentResult)
def suspend(
    household_id: UUID,
    enrolment_id: UUID,
    body: DecideWithReason,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    h = services.casework.suspend(
        household_id,
        enrolment_id,
        reason_code=body.reason_code,
        reason=body.reason,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response)


@router.post("/enrolments/{enrolment_id}/resumption", operation_id="resume", response_model=EnrolmentResult)
def resume(
    household_id: UUID,
    enrolment_id: UUID,
    body: Decide,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    h = services.casework.resume(
        household_id,
        enrolment_id,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response)


@router.post("/enrolments/{enrolment_id}/termination", operation_id="terminate", response_model=EnrolmentResult)
def terminate(
    household_id: UUID,
    enrolment_id: UUID,
    body: DecideWithReason,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> EnrolmentResult:
    did, h = services.casework.terminate(
        household_id,
        enrolment_id,
        reason_code=body.reason_code,
        reason=body.reason,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        request_id=rid,
    )
    return result(services, h, enrolment_id, response, did)


class CorrectionIn(RequestBody):
    effective_on: IsoDate = Field(description="the date the fact learned late took effect")
    reason: str = Field(min_length=1, max_length=2000)


class CorrectionOut(BaseModel):
    household_id: UUID
    household_version: int
    decision_id: UUID
    months: list[dict[str, str]]
    arrears: Decimal
    recoveries: Decimal
    settled_in: date | None
    enrolment: EnrolmentOut


@router.post("/enrolments/{enrolment_id}/corrections", operation_id="correct_payments", response_model=CorrectionOut)
def correct_payments(
    household_id: UUID,
    enrolment_id: UUID,
    body: CorrectionIn,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> CorrectionOut:
    """Price facts learned late: per month already paid, arrears (补发) or overpayment (追回); the
    payroll of the first unpaid month carries them as separate lines."""
    did, h = services.casework.correct_payments(
        household_id,
        enrolment_id,
        effective_on=body.effective_on,
        actor=actor,
        reason=body.reason,
        expected_version=version,
        request_id=rid,
    )
    response.headers["ETag"] = f'"{h.version}"'
    event = next(
        e
        for e in services.casework.repository.event_store.get(h.id)
        if isinstance(e, Household.PaymentsCorrected) and e.decision_id == did
    )
    months = [
        {"month": f"{c.month:%Y-%m}", "paid": str(c.paid), "due": str(c.due), "difference": str(c.difference)}
        for c in event.months
    ]
    diffs = [c.difference for c in event.months]
    return CorrectionOut(
        household_id=h.id,
        household_version=h.version,
        decision_id=did,
        months=months,
        arrears=sum((d for d in diffs if d > 0), Decimal("0.00")),
        recoveries=sum((-d for d in diffs if d < 0), Decimal("0.00")),
        settled_in=event.amount_from,
        enrolment=EnrolmentOut.of(h.enrolment(enrolment_id), services.casework.clock().date()),
    )
