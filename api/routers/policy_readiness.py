"""``GET /api/v1/policy/readiness``: before anyone applies in a jurisdiction, every parameter the rules
will read there over a period — the value and legal basis in force, the jurisdiction it is inherited
from, and the days on which a rule would refuse for want of a value or of a confirmation."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, ServicesDep
from api.views import ParameterOut
from domain.errors import InvalidValue
from domain.policy import CATALOGUE
from domain.policy_readiness import ParameterReadiness, Span, readiness
from infrastructure.policy_seed import ParameterInfo, load_catalogue

router = APIRouter()  # included by api.routers.policy, under its prefix

DIVISION_OR_PREFIX = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"
DAY_OR_MONTH = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"
FROM_HELP = "first day, YYYY-MM-DD, or YYYY-MM for the month's first (default: today)"
TO_HELP = "last day, YYYY-MM-DD, or YYYY-MM for the month's last (default: the first day)"
#: The longest period one question may cover (ten years).
MAX_DAYS = 3660


class SpanOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")

    @classmethod
    def of(cls, span: Span) -> SpanOut:
        return cls(start=span.start, end=span.end)


class InForceOut(ParameterOut):
    """A value in force over part of the period; ``jurisdiction`` is where it is inherited from."""

    during: SpanOut


class UnconfirmedOut(BaseModel):
    during: SpanOut
    jurisdiction: str
    confirmed_until: date | None = Field(description="null: the series was never confirmed")


class ParameterReadinessOut(BaseModel):
    name: str
    kind: str
    unit: str
    description: str
    national_legal_basis: str
    ready: bool
    in_force: list[InForceOut]
    missing: list[SpanOut] = Field(description="days with no value in force: a rule reading it refuses")
    unconfirmed: list[UnconfirmedOut] = Field(description="days whose value is not confirmed: refused too")
    statutory_default: int | None = Field(description="the law's value, read when no value is set")


class ReadinessOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    division_code: str
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    ready: bool
    missing: list[str] = Field(description="parameters with no value in force on some day of the period")
    unconfirmed: list[str] = Field(description="parameters whose value is unconfirmed on some day")
    parameters: list[ParameterReadinessOut]


@router.get("/readiness", operation_id="policy_readiness", response_model=ReadinessOut)
def policy_readiness(
    actor: ActorDep,
    services: ServicesDep,
    division: Annotated[str, Query(pattern=DIVISION_OR_PREFIX, description="a division code or a 2/4-digit prefix")],
    start: Annotated[str | None, Query(alias="from", pattern=DAY_OR_MONTH, description=FROM_HELP)] = None,
    end: Annotated[str | None, Query(alias="to", pattern=DAY_OR_MONTH, description=TO_HELP)] = None,
) -> ReadinessOut:
    """Every parameter the rules of every program read, over the period: what is in force, inherited from
    which jurisdiction, and what is missing or unconfirmed — so one answer lists what a new jurisdiction
    must set (``jiuzhu policy load FILE``) instead of one refusal per township review."""
    first = _day(start, "from", last_of_month=False) if start else services.casework.clock().date()
    last = _day(end, "to", last_of_month=True) if end else first
    if last < first or (last - first).days > MAX_DAYS:
        raise InvalidValue(f"'to' must be on or after 'from', at most {MAX_DAYS} days", field="to", rule="period")
    found = readiness(services.casework.policy(), division, first, last)
    return ReadinessOut(
        division_code=division,
        start=first,
        end=last,
        ready=all(p.ready for p in found),
        missing=[p.name for p in found if p.missing],
        unconfirmed=[p.name for p in found if p.unconfirmed],
        parameters=[_out(p, _catalogue().get(p.name)) for p in found],
    )


def _day(text: str, name: str, *, last_of_month: bool) -> date:
    """A day (``2024-07-01``) or a month (``2024-07``: its first day, or its last for ``to``)."""
    try:
        if len(text) == len("2024-07-01"):
            return date.fromisoformat(text)
        first = date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InvalidValue(f"{name} is not a date: {text!r}", field=name, rule="date") from None
    if not last_of_month:
        return first
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@cache
def _catalogue() -> dict[str, ParameterInfo]:
    return load_catalogue()


def _out(p: ParameterReadiness, info: ParameterInfo | None) -> ParameterReadinessOut:
    kind, unit = CATALOGUE[p.name]
    return ParameterReadinessOut(
        name=p.name,
        kind=str(kind),
        unit=unit,
        description=info.description if info else "",
        national_legal_basis=info.legal_basis if info else "",
        ready=p.ready,
        in_force=[InForceOut(**ParameterOut.of(v).model_dump(), during=SpanOut.of(s)) for s, v in p.in_force],
        missing=[SpanOut.of(s) for s in p.missing],
        unconfirmed=[
            UnconfirmedOut(during=SpanOut.of(u.span), jurisdiction=u.jurisdiction, confirmed_until=u.confirmed_until)
            for u in p.unconfirmed
        ],
        statutory_default=p.statutory_default,
    )
