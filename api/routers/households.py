"""Households: registration, reading, members and circumstances."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Response, status

from api.deps import ActorDep, IfMatchDep, PurposeDep, RequestIdDep, ServicesDep, log_read, require_role
from api.permissions import PERMISSIONS
from api.reveal import RevealQuery, reveal_purpose, with_id_numbers
from api.schemas import AddMember, ChangeMember, MemberIn, RecordCircumstances, RegisterHousehold, RemoveMember
from api.views import HouseholdOut
from domain.circumstances import Assets, Circumstances, CostItem, IncomeItem
from domain.household import Household
from domain.members import Disability, Member
from domain.values import IdNumber

router = APIRouter(prefix="/api/v1/households", tags=["households"])


def to_member(m: MemberIn, person_id: UUID | None = None) -> Member:
    return Member(
        person_id=person_id or uuid4(),
        name=m.name,
        id_number=IdNumber(m.id_number),
        relation=m.relation,
        disability=Disability(m.disability.kind, m.disability.grade) if m.disability else None,
        labour_capacity=m.labour_capacity,
        school_status=m.school_status,
        seriously_ill=m.seriously_ill,
        absence=m.absence,
        resident=m.resident,
        support_duty=m.support_duty,
    )


def household_response(services: ServicesDep, h: Household, response: Response) -> HouseholdOut:
    response.headers["ETag"] = f'"{h.version}"'
    return HouseholdOut.of(h, services.casework.clock().date())


@router.post("", status_code=status.HTTP_201_CREATED, operation_id="register_household", response_model=HouseholdOut)
def register_household(
    body: RegisterHousehold, actor: ActorDep, services: ServicesDep, rid: RequestIdDep, response: Response
) -> HouseholdOut:
    require_role(actor, PERMISSIONS["register_household"], "register households")
    h = services.casework.register_household(
        area_type=body.area_type,
        division_code=body.division_code,
        address=body.address,
        members=tuple(to_member(m) for m in body.members),
        registered_on=body.registered_on,
        actor=actor,
        reason=body.reason,
        request_id=rid,
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
    require_role(actor, PERMISSIONS["get_household"], "read households")
    h = services.casework.read_household(household_id, actor)
    log_read(services, actor, household_id, reveal_purpose(actor, reveal, purpose), rid)
    if as_of is None and effective_on is None:
        return with_id_numbers(household_response(services, h, response), h, reveal)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    past = services.auditor.household_at(household_id, as_of=as_of, effective_on=effective_on)
    response.headers["ETag"] = f'"{past.version}"'
    return with_id_numbers(HouseholdOut.of(past, effective_on or services.casework.clock().date()), past, reveal)


@router.post(
    "/{household_id}/members",
    status_code=status.HTTP_201_CREATED,
    operation_id="add_member",
    response_model=HouseholdOut,
)
def add_member(
    household_id: UUID,
    body: AddMember,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> HouseholdOut:
    require_role(actor, PERMISSIONS["add_member"], "change members")
    h = services.casework.add_member(
        household_id,
        to_member(body.member),
        cause=body.cause,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return household_response(services, h, response)


@router.patch("/{household_id}/members/{person_id}", operation_id="change_member", response_model=HouseholdOut)
def change_member(
    household_id: UUID,
    person_id: UUID,
    body: ChangeMember,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> HouseholdOut:
    require_role(actor, PERMISSIONS["change_member"], "change members")
    changes = {}
    for field in body.model_fields_set - {"effective_on", "reason"}:
        value = getattr(body, field)
        if field == "disability" and value is not None:
            value = Disability(value.kind, value.grade)
        changes[field] = value
    h = services.casework.change_member(
        household_id,
        person_id,
        changes,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return household_response(services, h, response)


@router.post("/{household_id}/members/{person_id}/removal", operation_id="remove_member", response_model=HouseholdOut)
def remove_member(
    household_id: UUID,
    person_id: UUID,
    body: RemoveMember,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> HouseholdOut:
    require_role(actor, PERMISSIONS["remove_member"], "change members")
    h = services.casework.remove_member(
        household_id,
        person_id,
        cause=body.cause,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return household_response(services, h, response)


@router.put("/{household_id}/circumstances", operation_id="record_circumstances", response_model=HouseholdOut)
def record_circumstances(
    household_id: UUID,
    body: RecordCircumstances,
    actor: ActorDep,
    services: ServicesDep,
    version: IfMatchDep,
    rid: RequestIdDep,
    response: Response,
) -> HouseholdOut:
    require_role(actor, PERMISSIONS["record_circumstances"], "record circumstances")
    circumstances = Circumstances(
        incomes=tuple(IncomeItem(i.person_id, i.kind, i.monthly_amount) for i in body.incomes),
        assets=Assets(body.assets.financial, body.assets.vehicle_value, body.assets.dwellings),
        costs=tuple(CostItem(c.person_id, c.kind, c.monthly_amount) for c in body.costs),
    )
    h = services.casework.record_circumstances(
        household_id,
        circumstances,
        effective_on=body.effective_on,
        actor=actor,
        expected_version=version,
        reason=body.reason,
        request_id=rid,
    )
    return household_response(services, h, response)
