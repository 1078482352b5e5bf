"""Households: registration, reading, members and circumstances."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from api import schemas
from api.deps import (
    ActorDep,
    CreateDep,
    PageLimit,
    PurposeDep,
    RequestIdDep,
    ServicesDep,
    WriteDep,
    log_read,
    log_reads,
)
from api.problems import Problem
from api.reveal import RevealQuery, reveal_purpose, with_id_numbers
from api.schemas import MemberIn
from api.views import HouseholdOut
from application.commands import (
    AddMember,
    ChangeMember,
    RecordCircumstances,
    RecordPayeeAccount,
    RegisterHousehold,
    RemoveMember,
)
from application.views.rows import HouseholdQuery
from domain.circumstances import Assets, Circumstances, CostItem, IncomeItem
from domain.enrolment import Status
from domain.household import Household
from domain.members import Disability, Member
from domain.person_index import person_index_id
from domain.values import IdNumber, Program

router = APIRouter(prefix="/api/v1/households", tags=["households"])


def to_member(m: MemberIn, person_id: UUID | None = None) -> Member:
    """The member as the domain knows it: the request's fields carry over by name (``MemberIn`` mirrors
    ``Member``); the ID number and the disability become the domain's values."""
    disability = Disability(m.disability.kind, m.disability.grade) if m.disability else None
    fields = dict(m) | {"id_number": IdNumber(m.id_number), "disability": disability}
    return Member(person_id=person_id or uuid4(), **fields)


def household_response(services: ServicesDep, h: Household, response: Response) -> HouseholdOut:
    response.headers["ETag"] = f'"{h.version}"'
    return HouseholdOut.of(h, services.casework.clock().date())


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="register_household", response_model=HouseholdOut)
def register_household(
    body: schemas.RegisterHousehold, write: CreateDep, services: ServicesDep, response: Response
) -> HouseholdOut:
    h = services.casework.handle(
        RegisterHousehold(
            area_type=body.area_type,
            division_code=body.division_code,
            address=body.address,
            members=tuple(to_member(m) for m in body.members),
            meta=write.dated(body.registered_on, body.reason),
        )
    )
    response.headers["Location"] = f"/api/v1/households/{h.id}"
    return household_response(services, h, response)


@router.get("/{household_id}", operation_id="get_household", response_model=HouseholdOut)
def get_household(
    household_id: UUID,
    actor: ActorDep,
    services: ServicesDep,
    response: Response,
    purpose: PurposeDep,
    rid: RequestIdDep,
    as_of: Annotated[datetime | None, Query(description="as known at this instant (recorded by then)")] = None,
    effective_on: Annotated[date | None, Query(description="in effect on this date")] = None,
    reveal: RevealQuery = None,
) -> HouseholdOut:
    """The household now, or as known at ``as_of`` and in effect on ``effective_on``; the read is logged."""
    h = services.casework.read_household(household_id, actor)
    log_read(services, actor, household_id, reveal_purpose(actor, reveal, purpose), rid)
    if as_of is None and effective_on is None:
        return with_id_numbers(household_response(services, h, response), h, reveal)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    past = services.auditor.household_at(household_id, as_of=as_of, effective_on=effective_on)
    response.headers["ETag"] = f'"{past.version}"'
    on = effective_on or services.casework.clock().date()
    return with_id_numbers(HouseholdOut.of(past, on, in_effect_only=effective_on is not None), past, reveal)


@router.post(
    "/{household_id}/members",
    status_code=status.HTTP_201_CREATED,
    operation_id="add_member",
    response_model=HouseholdOut,
)
def add_member(
    household_id: UUID, body: schemas.AddMember, write: WriteDep, services: ServicesDep, response: Response
) -> HouseholdOut:
    member = to_member(body.member)
    cmd = AddMember(household_id=household_id, member=member, cause=body.cause, meta=write.meta(body))
    return household_response(services, services.casework.handle(cmd).household, response)


@router.patch("/{household_id}/members/{person_id}", operation_id="change_member", response_model=HouseholdOut)
def change_member(
    household_id: UUID,
    person_id: UUID,
    body: schemas.ChangeMember,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> HouseholdOut:
    changes = {}
    for field in body.model_fields_set - {"effective_on", "reason"}:
        value = getattr(body, field)
        if field == "disability" and value is not None:
            value = Disability(value.kind, value.grade)
        changes[field] = value
    cmd = ChangeMember(household_id=household_id, person_id=person_id, changes=changes, meta=write.meta(body))
    return household_response(services, services.casework.handle(cmd).household, response)


@router.post("/{household_id}/members/{person_id}/removal", operation_id="remove_member", response_model=HouseholdOut)
def remove_member(
    household_id: UUID,
    person_id: UUID,
    body: schemas.RemoveMember,
    write: WriteDep,
    services: ServicesDep,
    response: Response,
) -> HouseholdOut:
    cmd = RemoveMember(household_id=household_id, person_id=person_id, cause=body.cause, meta=write.meta(body))
    return household_response(services, services.casework.handle(cmd).household, response)


class PayeeAccountIn(schemas.Dated):
    """The account payments are credited to from ``effective_on``; ``reason`` is required to change one."""

    payee_id: schemas.Uuid
    bank: str = Field(min_length=1, max_length=60)
    account_number: str = Field(min_length=1, max_length=40)


@router.put("/{household_id}/payee-account", operation_id="record_payee_account", response_model=HouseholdOut)
def record_payee_account(
    household_id: UUID, body: PayeeAccountIn, write: WriteDep, services: ServicesDep, response: Response
) -> HouseholdOut:
    """Record the payee (a member) and the bank account the household's payments are credited to;
    the response shows the number masked (only the payroll's bank file carries it in full)."""
    cmd = RecordPayeeAccount(
        household_id=household_id,
        payee_id=body.payee_id,
        bank=body.bank,
        account_number=body.account_number,
        meta=write.meta(body),
    )
    return household_response(services, services.casework.handle(cmd).household, response)


@router.put("/{household_id}/circumstances", operation_id="record_circumstances", response_model=HouseholdOut)
def record_circumstances(
    household_id: UUID, body: schemas.RecordCircumstances, write: WriteDep, services: ServicesDep, response: Response
) -> HouseholdOut:
    circumstances = Circumstances(
        incomes=tuple(IncomeItem(i.person_id, i.kind, i.monthly_amount) for i in body.incomes),
        assets=Assets(body.assets.financial, body.assets.vehicle_value, body.assets.dwellings),
        costs=tuple(CostItem(c.person_id, c.kind, c.monthly_amount) for c in body.costs),
    )
    cmd = RecordCircumstances(household_id=household_id, circumstances=circumstances, meta=write.meta(body))
    return household_response(services, services.casework.handle(cmd).household, response)


class HouseholdFound(BaseModel):
    household_id: UUID
    division_code: str
    area_type: str
    head_name: str
    head_id_masked: str
    enrolments: list[dict[str, str]]


class HouseholdSearchOut(BaseModel):
    on: date
    limit: int
    offset: int
    households: list[HouseholdFound]


@router.get("", operation_id="search_households", response_model=HouseholdSearchOut)
def search_households(
    actor: ActorDep,
    services: ServicesDep,
    purpose: PurposeDep,
    rid: RequestIdDep,
    limit: PageLimit = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    division: Annotated[str | None, Query(pattern=r"^[0-9]{6}([0-9]{3}){0,2}$")] = None,
    program: Program | None = None,
    state: Status | None = None,
    on: Annotated[date | None, Query(description="enrolment states in effect on this date (default today)")] = None,
    id_number: Annotated[
        str | None, Query(min_length=18, max_length=18, description="a person named in an application")
    ] = None,
) -> HouseholdSearchOut:
    """Households within the caller's jurisdiction by division, program, enrolment state on a date, or the
    ID number of a person named in an application (looked up through the keyed-hash person index)."""
    prefix = division or actor.jurisdiction
    if not prefix.startswith(actor.jurisdiction) and not actor.jurisdiction.startswith(prefix):
        raise Problem(
            403,
            "forbidden-jurisdiction",
            "Outside jurisdiction",
            f"division {prefix} is outside the caller's jurisdiction {actor.jurisdiction}",
            field="division",
            rule="jurisdiction",
        )
    prefix = prefix if prefix.startswith(actor.jurisdiction) else actor.jurisdiction
    day = on or services.casework.clock().date()
    ids: list[str] | None = None
    if id_number is not None:
        index = services.casework.person_index(person_index_id(IdNumber(id_number), services.casework.index_key))
        ids = sorted({str(c.household_id) for c in index.claims.values()})
    services.views.catch_up()
    query = HouseholdQuery(prefix, day, program and program.value, state and state.value, ids, limit, offset)
    rows = services.views.store.search(query)
    found = [HouseholdFound(**r) for r in rows]
    log_reads(services, actor, [h.household_id for h in found], purpose, rid)  # the answer names each head
    return HouseholdSearchOut(on=day, limit=limit, offset=offset, households=found)
