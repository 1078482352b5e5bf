"""Policy parameters: what is in force for a division on a date; new dated values (admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from api.deps import ActorDep, CreateDep, ServicesDep
from api.schemas import IsoDate, ParameterIn, RequestBody
from api.views import ParameterOut
from application.commands import ConfirmParameter, SetParameter
from application.jobs import JobReport

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


class RecalculationOut(BaseModel):
    households: int
    adjusted: int
    skipped: list[str]


class ParameterSetOut(ParameterOut):
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
    division: Annotated[str, Query(pattern=r"^[0-9]{6}([0-9]{3}){0,2}$")],
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


@router.post(
    "/confirmations",
    status_code=status.HTTP_201_CREATED,
    operation_id="confirm_parameter",
    response_model=ConfirmationIn,
)
def confirm_parameter(body: ConfirmationIn, write: CreateDep, services: ServicesDep) -> ConfirmationIn:
    """Confirm that a parameter series holds up to a date; amounts past it are refused until confirmed."""
    today = services.casework.clock().date()
    services.casework.handle(
        ConfirmParameter(
            name=body.name,
            jurisdiction=body.jurisdiction,
            confirmed_until=body.confirmed_until,
            meta=write.dated(today, body.reason),
        )
    )
    return body


@router.post(
    "/parameters", status_code=status.HTTP_201_CREATED, operation_id="set_parameter", response_model=ParameterSetOut
)
def set_parameter(body: ParameterIn, write: CreateDep, services: ServicesDep) -> ParameterSetOut:
    """Record a new dated value, then re-price every enrolment it may govern: each month whose amount it
    changes is recorded as an ``EntitlementChanged`` naming it (``adjusted`` counts them). The re-pricing
    is the ``Recalculation`` follower's (``application.followers``); if a ``jiuzhu follow`` worker handled
    the value first, this answer reports nothing adjusted and the worker's log tells what it changed."""
    value = services.casework.handle(
        SetParameter(
            name=body.name,
            jurisdiction=body.jurisdiction,
            value=body.value,
            legal_basis=body.legal_basis,
            meta=write.dated(body.effective_from, body.reason),
        )
    )
    # the follower re-prices (exactly once, tracked); run inline so the answer can say what changed
    handled = services.recalculation.follow()
    report = next((r.report for r in handled if r.value == value and r.request_id == write.request_id), JobReport())
    return ParameterSetOut(
        **ParameterOut.of(value).model_dump(),
        recalculation=RecalculationOut(
            households=report.households,
            adjusted=len(report.recorded),
            skipped=[f"{h}/{e}: {why}" for h, e, why in report.skipped],
        ),
    )
