"""Request and response bodies. Aggregates are never returned as-is: ``*Out.of`` maps them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from domain.circumstances import CostKind, IncomeKind
from domain.enrolment import TownshipOpinion
from domain.errors import InvalidValue
from domain.members import (
    MAX_MEMBERS,
    Absence,
    AdditionCause,
    DisabilityKind,
    LabourCapacity,
    Relation,
    RemovalCause,
    SchoolStatus,
)
from domain.rules.children import ParentSituation
from domain.rules.temporary import ApprovalLevel, GrantKind
from domain.values import AreaType, DivisionCode, IdNumber, Program, money


def _money(value: Any) -> Decimal:
    if isinstance(value, float):  # a JSON number with a fraction: judge it by its written form
        value = repr(value)
    try:
        return money(value)
    except InvalidValue as e:
        raise PydanticCustomError(e.rule, e.message) from None


def _id_number(value: str) -> str:
    try:
        return IdNumber(value).value
    except InvalidValue as e:
        raise PydanticCustomError(e.rule, e.message) from None


def _division(value: str) -> str:
    try:
        return DivisionCode(value).code
    except InvalidValue as e:
        raise PydanticCustomError(e.rule, e.message) from None


Money = Annotated[Decimal, BeforeValidator(_money), Field(json_schema_extra={"type": "string", "example": "780.00"})]
IdNumberStr = Annotated[str, AfterValidator(_id_number), Field(min_length=18, max_length=18)]
DivisionStr = Annotated[str, AfterValidator(_division), Field(examples=["430112001001"])]
Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DisabilityIn(Strict):
    kind: DisabilityKind
    grade: int = Field(ge=1, le=4)


class MemberIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    id_number: IdNumberStr
    relation: Relation
    disability: DisabilityIn | None = None
    labour_capacity: LabourCapacity = LabourCapacity.FULL
    school_status: SchoolStatus = SchoolStatus.NOT_IN_SCHOOL
    seriously_ill: bool = False
    absence: Absence | None = None
    resident: bool = True
    support_duty: bool = False


class RegisterHousehold(Strict):
    area_type: AreaType
    division_code: DivisionStr
    address: str = Field(min_length=1, max_length=500)
    registered_on: date
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)
    reason: Text | None = None


class Dated(Strict):
    effective_on: date
    reason: Text | None = None


class AddMember(Dated):
    member: MemberIn
    cause: AdditionCause


class ChangeMember(Dated):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    relation: Relation | None = None
    disability: DisabilityIn | None = None
    labour_capacity: LabourCapacity | None = None
    school_status: SchoolStatus | None = None
    seriously_ill: bool | None = None
    absence: Absence | None = None
    resident: bool | None = None
    support_duty: bool | None = None

    @field_validator(
        "name", "relation", "labour_capacity", "school_status", "seriously_ill", "resident", "support_duty"
    )
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        """Only disability and absence may be cleared with null; the others always have a value."""
        if value is None:
            raise PydanticCustomError("not_null", "this fact cannot be cleared")
        return value


class RemoveMember(Dated):
    cause: RemovalCause


class IncomeIn(Strict):
    person_id: UUID
    kind: IncomeKind
    monthly_amount: Money


class CostIn(Strict):
    person_id: UUID
    kind: CostKind
    monthly_amount: Money


class AssetsIn(Strict):
    financial: Money = Decimal("0.00")
    vehicle_value: Money = Decimal("0.00")
    dwellings: int = Field(default=0, ge=0, le=100)


class RecordCircumstances(Dated):
    incomes: list[IncomeIn] = Field(default_factory=list, max_length=500)
    assets: AssetsIn = Field(default_factory=AssetsIn)
    costs: list[CostIn] = Field(default_factory=list, max_length=500)


class Apply(Dated):
    program: Program
    beneficiaries: list[UUID] = Field(min_length=1, max_length=MAX_MEMBERS)
    terms: dict[str, str | bool] = Field(
        default_factory=dict,
        max_length=10,
        description="tekun: arrangement (concentrated|dispersed), has_capable_supporter; "
        "orphan / unsupported_child: placement (institutional|community)",
    )


class TownshipReviewIn(Dated):
    investigated_on: date
    findings: Text = Field(min_length=1)
    opinion: TownshipOpinion


class Decide(Dated):
    pass


class DecideWithReason(Strict):
    effective_on: date
    reason_code: Code
    reason: Text = Field(min_length=1)


class ParameterIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    jurisdiction: str = Field(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$")
    effective_from: date
    value: str | int | list[str]
    legal_basis: Text = Field(min_length=1)
    reason: Text = Field(min_length=1)


class CareAssessmentIn(Dated):
    unable_activities: list[str] = Field(
        max_length=6, description="of eating, dressing, bed_transfer, toileting, walking_indoors, bathing"
    )


class ParentStatusIn(Strict):
    situation: ParentSituation
    since: date


class ParentsIn(Dated):
    father: list[ParentStatusIn] = Field(default_factory=list, max_length=11)
    mother: list[ParentStatusIn] = Field(default_factory=list, max_length=11)


class TemporaryGrantIn(Strict):
    kind: GrantKind
    level: ApprovalLevel
    amount: Money
    effective_on: date
    reason: Text = Field(min_length=1)
