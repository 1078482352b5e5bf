"""The register of households in difficulty (低收入人口) and the "may qualify" notices.

The register on a date within the caller's jurisdiction (as known now or at ``as_of``), its figures for a
period, a caseworker's decision to enter a household or take it out (with a reason), a notice with its
rule outcome explained, and a notice's dismissal (with a reason). The notices themselves are lines of
``GET /api/v1/worklist`` (kind ``may_qualify``). docs/rules.md, "The register of households in difficulty".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.deps import ActorDep, PurposeDep, RequestIdDep, ServicesDep, WriteDep, log_read
from api.schemas import IsoDate, RequestBody, Text
from application.commands import DismissNotice, EnterRegister, LeaveRegister
from application.months import last_day, month_text, parse_month
from domain.errors import InvalidValue
from domain.household_register import notice
from domain.household_register_events import Notice

router = APIRouter(prefix="/api/v1", tags=["register"])
Division = Annotated[str | None, Query(max_length=12, description="a division inside the caller's jurisdiction")]


class ReasonOut(BaseModel):
    code: str
    message: str
    legal_basis: str


class RegisterEntryOut(BaseModel):
    household_id: UUID
    division_code: str
    persons: int
    grounds: list[str]  # dibao | tekun | margin | expenses | decision
    reasons: list[ReasonOut]


class RegisterOut(BaseModel):
    effective_on: date
    division: str
    as_of: datetime | None
    households: int
    persons: int
    entries: list[RegisterEntryOut]


class RegisterDecisionIn(RequestBody):
    effective_on: IsoDate
    reason: Text = Field(min_length=1)


class RegisterDecided(BaseModel):
    household_id: UUID
    version: int
    effective_on: date


class NoticeOut(BaseModel):
    notice_id: UUID
    household_id: UUID
    program: str
    beneficiaries: list[UUID]
    eligible_from: date
    monthly_amount: Decimal
    enrolled_amount: Decimal | None
    trigger: str
    raised_by: str
    status: str  # open | dismissed | acted_on
    closed_on: date | None
    closed_by: str | None
    closing_reason: str | None
    enrolment_id: UUID | None
    eligible: bool
    reasons: list[ReasonOut]  # the rule outcome: each finding with its legal basis
    figures: dict[str, Any]
    parameters: list[dict[str, Any]]  # the exact values the rules used

    @classmethod
    def of(cls, household_id: UUID, n: Notice) -> NoticeOut:
        a = n.assessment
        return cls(
            **{
                k: getattr(n, k) for k in ("notice_id", "eligible_from", "monthly_amount", "enrolled_amount", "trigger")
            },
            **{k: getattr(n, k) for k in ("raised_by", "status", "closed_on", "closed_by", "closing_reason")},
            household_id=household_id,
            program=str(n.program),
            beneficiaries=list(n.beneficiaries),
            enrolment_id=n.enrolment_id,
            eligible=a.eligible,
            reasons=[ReasonOut(code=r.code, message=r.message, legal_basis=r.legal_basis) for r in a.reasons],
            figures=a.figures,
            parameters=[
                {
                    "name": p.name,
                    "jurisdiction": p.jurisdiction,
                    "value": str(p.value),
                    "effective_from": p.effective_from,
                }
                for p in a.parameters
            ],
        )


class NoticeDismissalIn(RequestBody):
    effective_on: IsoDate
    reason: Text = Field(min_length=1)


@router.get("/register", operation_id="read_register", response_model=RegisterOut)
def read_register(
    actor: ActorDep,
    services: ServicesDep,
    effective_on: Annotated[date, Query(description="the households in the register on this date")],
    division: Division = None,
    as_of: Annotated[datetime | None, Query(description="as known at this instant (recorded by then)")] = None,
) -> RegisterOut:
    """The households of a division in the register on a date (``effective_on``), each with its grounds and
    reasons, as known now or at ``as_of``."""
    on = effective_on
    prefix = services.reports.division(actor, division)
    services.casework.check_date(on, "effective_on")
    if as_of is not None:
        as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        if as_of > services.casework.clock():
            raise InvalidValue("as_of lies in the future", field="as_of", rule="as-of-not-future")
    entries = [
        RegisterEntryOut(
            household_id=e.household_id,
            division_code=e.division_code,
            persons=e.persons,
            grounds=list(e.grounds),
            reasons=[ReasonOut(code=r.code, message=r.message, legal_basis=r.legal_basis) for r in e.reasons],
        )
        for e in services.register.entries(prefix, on, as_of)
    ]
    persons = sum(e.persons for e in entries)
    return RegisterOut(
        effective_on=on, division=prefix, as_of=as_of, households=len(entries), persons=persons, entries=entries
    )


@router.get("/register/statistics", operation_id="register_statistics")
def register_statistics(
    actor: ActorDep,
    services: ServicesDep,
    start: Annotated[str, Query(alias="from", max_length=16, description="first month, YYYY-MM")],
    end: Annotated[str, Query(alias="to", max_length=16, description="last month, YYYY-MM")],
    division: Division = None,
) -> dict[str, Any]:
    """The register at the period's end (households, persons, by ground), households entered and left in the
    period, and the "may qualify" notices raised, acted on and dismissed in it (open at its end)."""
    first, last = parse_month(start, "from"), last_day(parse_month(end, "to"))
    if first > last:
        raise InvalidValue(f"from {start} is after to {end}", field="from", rule="period-order")
    prefix = services.reports.division(actor, division)
    services.notices.follow()
    return {
        "division": prefix,
        "from": month_text(first),
        "to": month_text(last),
        "period_start": first.isoformat(),
        "period_end": last.isoformat(),
        "as_known_at": services.casework.clock().isoformat(),
        "register": {"on": last.isoformat(), **services.register.statistics(prefix, first, last)},
        "notices": services.notices.counts(prefix, first, last),
    }


@router.post("/households/{household_id}/register/entry", operation_id="enter_register", response_model=RegisterDecided)
def enter_register(
    household_id: UUID, body: RegisterDecisionIn, write: WriteDep, services: ServicesDep, response: Response
) -> RegisterDecided:
    """A caseworker enters the household in the register from a date, with a reason."""
    _, h = services.casework.handle(EnterRegister(household_id=household_id, meta=write.meta(body)))
    response.headers["ETag"] = f'"{h.version}"'
    return RegisterDecided(household_id=household_id, version=h.version, effective_on=body.effective_on)


@router.post("/households/{household_id}/register/exit", operation_id="leave_register", response_model=RegisterDecided)
def leave_register(
    household_id: UUID, body: RegisterDecisionIn, write: WriteDep, services: ServicesDep, response: Response
) -> RegisterDecided:
    """A caseworker takes the household out of the register from a date, with a reason (refused while dibao or
    tekun pays)."""
    _, h = services.casework.handle(LeaveRegister(household_id=household_id, meta=write.meta(body)))
    response.headers["ETag"] = f'"{h.version}"'
    return RegisterDecided(household_id=household_id, version=h.version, effective_on=body.effective_on)


@router.get("/households/{household_id}/notices/{notice_id}", operation_id="get_notice", response_model=NoticeOut)
def get_notice(
    household_id: UUID, notice_id: UUID, actor: ActorDep, services: ServicesDep, purpose: PurposeDep, rid: RequestIdDep
) -> NoticeOut:
    """A "may qualify" notice with the rule outcome that raised it, and how it was closed; the read is logged."""
    h = services.casework.read_household(household_id, actor)
    log_read(services, actor, household_id, purpose, rid)  # the rule outcome speaks of the members
    return NoticeOut.of(household_id, notice(h, notice_id))


@router.post(
    "/households/{household_id}/notices/{notice_id}/dismissal", operation_id="dismiss_notice", response_model=NoticeOut
)
def dismiss_notice(
    household_id: UUID,
    notice_id: UUID,
    body: NoticeDismissalIn,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> NoticeOut:
    """A caseworker dismisses an open notice, saying why; who and why are recorded."""
    _, h = services.casework.handle(
        DismissNotice(household_id=household_id, notice_id=notice_id, meta=write.meta(body))
    )
    response.headers["ETag"] = f'"{h.version}"'
    return NoticeOut.of(household_id, notice(h, notice_id))
