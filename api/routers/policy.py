"""Policy parameters: what is in force for a division on a date; new dated values (admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from api.deps import ActorDep, CreateDep, Services, ServicesDep, Write
from api.routers.policy_readiness import router as readiness_router
from api.schemas import MAX_POLICY_BATCH, IsoDate, ParameterIn, ParametersIn, RequestBody
from api.views import ParameterOut
from application import policy_service
from application.commands import ConfirmParameter, SetParameter

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])
router.include_router(readiness_router)

#: A division code or a jurisdiction prefix: a province (2 digits) or a city (4) reads what is set for it.
DIVISION_OR_PREFIX = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"
DIVISION_HELP = "a division code (6, 9 or 12 digits) or a province (2) or city (4) prefix"


class RecalculationOut(BaseModel):
    households: int
    adjusted: int
    skipped: list[str]


class ParameterSetOut(ParameterOut):
    recalculation: RecalculationOut


class ParametersSetOut(BaseModel):
    parameters: list[ParameterOut]
    recalculation: RecalculationOut


class ParametersOut(BaseModel):
    division_code: str
    on: date
    parameters: list[ParameterOut]
    confirmed_until: dict[str, date | None]


@router.get("/parameters", operation_id="get_parameters", response_model=ParametersOut)
def get_parameters(
    actor: ActorDep,
    services: ServicesDep,
    division: Annotated[str, Query(pattern=DIVISION_OR_PREFIX, description=DIVISION_HELP)],
    on: date | None = None,
) -> ParametersOut:
    day = on or services.casework.clock().date()
    snapshot = services.casework.policy().snapshot(division, day)
    return ParametersOut(
        division_code=division,
        on=day,
        parameters=[ParameterOut.of(snapshot.values[k]) for k in sorted(snapshot.values)],
        confirmed_until={
            k: (snapshot.confirmed or {}).get((k, v.jurisdiction)) for k, v in sorted(snapshot.values.items())
        },
    )


class ConfirmationIn(RequestBody):
    name: str = Field(min_length=1, max_length=100)
    jurisdiction: str = Field(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$")
    confirmed_until: IsoDate
    reason: str = Field(min_length=1, max_length=2000)


class ConfirmationsIn(RequestBody):
    """Many confirmations, recorded all together or not at all; a refusal names the item (``items.3.name``)."""

    items: list[ConfirmationIn] = Field(min_length=1, max_length=MAX_POLICY_BATCH)


class ConfirmationsOut(BaseModel):
    items: list[ConfirmationIn]


@router.post(
    "/confirmations",
    status_code=status.HTTP_201_CREATED,
    operation_id="confirm_parameter",
    response_model=ConfirmationIn,
)
def confirm_parameter(body: ConfirmationIn, write: CreateDep, services: ServicesDep) -> ConfirmationIn:
    """Confirm that a parameter series holds up to a date; amounts past it are refused until confirmed."""
    services.casework.handle(_confirmation(body, write, services))
    return body


@router.post(
    "/confirmations:batch",
    status_code=status.HTTP_201_CREATED,
    operation_id="confirm_parameters",
    response_model=ConfirmationsOut,
)
def confirm_parameters(body: ConfirmationsIn, write: CreateDep, services: ServicesDep) -> ConfirmationsOut:
    """Confirm many series at once: all recorded in one save, or none (a refusal names the item's index)."""
    policy_service.confirm_parameters(services.casework, [_confirmation(item, write, services) for item in body.items])
    return ConfirmationsOut(items=body.items)


def _confirmation(body: ConfirmationIn, write: Write, services: Services) -> ConfirmParameter:
    today = services.casework.clock().date()
    return ConfirmParameter(
        name=body.name,
        jurisdiction=body.jurisdiction,
        confirmed_until=body.confirmed_until,
        meta=write.dated(today, body.reason),
    )


def _value(body: ParameterIn, write: Write) -> SetParameter:
    return SetParameter(
        name=body.name,
        jurisdiction=body.jurisdiction,
        value=body.value,
        legal_basis=body.legal_basis,
        meta=write.dated(body.effective_from, body.reason),
    )


@router.post(
    "/parameters", status_code=status.HTTP_201_CREATED, operation_id="set_parameter", response_model=ParameterSetOut
)
def set_parameter(body: ParameterIn, write: CreateDep, services: ServicesDep) -> ParameterSetOut:
    """Record a new dated value, then re-price every enrolment it may govern: each month whose amount it
    changes is recorded as an ``EntitlementChanged`` naming it (``adjusted`` counts them). The re-pricing
    is the ``Recalculation`` follower's (``application.followers``); if a ``jiuzhu follow`` worker handled
    the value first, this answer reports nothing adjusted and the worker's log tells what it changed."""
    value = services.casework.handle(_value(body, write))
    return ParameterSetOut(**ParameterOut.of(value).model_dump(), recalculation=_recalculated(services, write))


@router.post(
    "/parameters:batch",
    status_code=status.HTTP_201_CREATED,
    operation_id="set_parameters",
    response_model=ParametersSetOut,
)
def set_parameters(body: ParametersIn, write: CreateDep, services: ServicesDep) -> ParametersSetOut:
    """Record many dated values at once — all in one save, or none (a refusal names the item's index,
    ``items.3.value``) — then re-price as for one value: the follower handles each value of the batch,
    and ``recalculation`` sums what they changed."""
    values = policy_service.set_parameters(services.casework, [_value(item, write) for item in body.items])
    return ParametersSetOut(
        parameters=[ParameterOut.of(v) for v in values], recalculation=_recalculated(services, write)
    )


def _recalculated(services: Services, write: Write) -> RecalculationOut:
    """Run the follower inline (it re-prices each value exactly once, tracked) and report what it changed
    for this request's values."""
    handled = [r for r in services.recalculation.follow() if r.request_id == write.request_id]
    return RecalculationOut(
        households=sum(r.report.households for r in handled),
        adjusted=sum(len(r.report.recorded) for r in handled),
        skipped=[f"{h}/{e}: {why}" for r in handled for h, e, why in r.report.skipped],
    )
