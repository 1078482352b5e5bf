"""Enrolments: application, township review, county decision, reviews, suspension, termination."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from api.deps import ActorDep, ServicesDep, WriteDep
from api.schemas import Apply, Decide, DecideWithReason, IsoDate, RequestBody, TownshipReviewIn
from api.views import EnrolmentOut, EnrolmentResult
from application import commands
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


def decision(path: str, operation_id: str, name: str, command: Callable[..., commands.EnrolmentCommand[Any]]) -> None:
    """A route for a decision whose body is only its date and reason: build the command, handle it."""

    @router.post(
        f"/enrolments/{{enrolment_id}}/{path}", operation_id=operation_id, name=name, response_model=EnrolmentResult
    )
    def decide(
        household_id: UUID, enrolment_id: UUID, body: Decide, write: WriteDep, services: ServicesDep, response: Response
    ) -> EnrolmentResult:
        done = services.casework.handle(
            command(household_id=household_id, enrolment_id=enrolment_id, meta=write.meta(body))
        )
        return result(services, done.household, enrolment_id, response, done.result)


def decision_with_reason(path: str, operation_id: str, command: Callable[..., commands.EnrolmentCommand[Any]]) -> None:
    """A route for a decision that states a reason code and text (rejection, suspension, termination)."""

    @router.post(
        f"/enrolments/{{enrolment_id}}/{path}",
        operation_id=operation_id,
        name=operation_id,
        response_model=EnrolmentResult,
    )
    def decide(
        household_id: UUID,
        enrolment_id: UUID,
        body: DecideWithReason,
        write: WriteDep,
        services: ServicesDep,
        response: Response,
    ) -> EnrolmentResult:
        done = services.casework.handle(
            command(
                household_id=household_id,
                enrolment_id=enrolment_id,
                reason_code=body.reason_code,
                meta=write.meta(body),
            )
        )
        return result(services, done.household, enrolment_id, response, done.result)


@router.post("/applications", status_code=status.HTTP_201_CREATED, operation_id="apply", response_model=EnrolmentResult)
def apply(
    household_id: UUID, body: Apply, write: WriteDep, services: ServicesDep, response: Response
) -> EnrolmentResult:
    eid, h = services.casework.handle(
        commands.FileApplication(
            household_id=household_id,
            program=body.program,
            beneficiaries=tuple(body.beneficiaries),
            terms=dict(body.terms),
            meta=write.meta(body),
        )
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


decision("withdrawal", "withdraw_application", "withdraw", commands.Withdraw)


@router.post(
    "/enrolments/{enrolment_id}/township-review", operation_id="record_township_review", response_model=EnrolmentResult
)
def township_review(
    household_id: UUID,
    enrolment_id: UUID,
    body: TownshipReviewIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> EnrolmentResult:
    did, h = services.casework.handle(
        commands.RecordTownshipReview(
            household_id=household_id,
            enrolment_id=enrolment_id,
            investigated_on=body.investigated_on,
            findings=body.findings,
            opinion=body.opinion,
            meta=write.meta(body),
        )
    )
    return result(services, h, enrolment_id, response, did)


decision("approval", "approve", "approve", commands.Approve)
decision_with_reason("rejection", "reject", commands.Reject)
decision("reviews", "review", "review", commands.Review)
decision_with_reason("suspension", "suspend", commands.Suspend)
decision("resumption", "resume", "resume", commands.Resume)
decision_with_reason("termination", "terminate", commands.Terminate)


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
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> CorrectionOut:
    """Price facts learned late: per month already paid, arrears (补发) or overpayment (追回); the
    payroll of the first unpaid month carries them as separate lines."""
    did, h = services.casework.handle(
        commands.CorrectPayments(household_id=household_id, enrolment_id=enrolment_id, meta=write.meta(body))
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
