"""Request and response bodies. Aggregates are never returned as-is: ``*Out.of`` maps them.

Request bodies are strict (docs/architecture.md): a value of the wrong JSON type is refused, never coerced. Every
request model derives from ``RequestBody`` (``strict=True``), so booleans are only ``true``/``false``,
integers only JSON integers (not ``"1"``, ``1.0`` or ``true``) and strings only JSON strings. FastAPI
validates the parsed JSON in Python mode, where strict ``date``, ``UUID`` and enum fields would refuse
the JSON strings that carry them; those types opt back into parsing with ``Strict(False)`` (``IsoDate``,
``Uuid``, ``Choice``) but still take a JSON string only: a date is ``"YYYY-MM-DD"`` (not a timestamp,
a boolean or a datetime), an enum one of its string values. Money is a decimal string or a JSON number
(judged by its written form), never a boolean (``Money``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator
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

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
E = TypeVar("E", bound=StrEnum)


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


def _iso_date(value: Any) -> Any:
    """A date is a JSON string ``YYYY-MM-DD``; pydantic then parses it (and refuses 2024-02-30)."""
    if type(value) is date:  # not from JSON: a response that echoes a request model
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "Input should be a date, a string written YYYY-MM-DD")
    if not ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Input should be a date written YYYY-MM-DD")
    return value


def _term(value: Any) -> Any:
    if not isinstance(value, (str, bool)):
        raise PydanticCustomError("term_type", "Input should be a string or true/false")
    return value


def _parameter_value(value: Any) -> Any:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise PydanticCustomError("parameter_value_type", "Input should be a string, an integer or a list of strings")


Money = Annotated[Decimal, BeforeValidator(_money), Field(json_schema_extra={"type": "string", "example": "780.00"})]
IdNumberStr = Annotated[str, AfterValidator(_id_number), Field(min_length=18, max_length=18)]
DivisionStr = Annotated[str, AfterValidator(_division), Field(examples=["430112001001"])]
Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
#: A date from a JSON string ``YYYY-MM-DD`` only.
IsoDate = Annotated[date, Strict(False), BeforeValidator(_iso_date)]
#: A UUID from a JSON string (a number or a boolean is refused: ``uuid_type``).
Uuid = Annotated[UUID, Strict(False)]
#: One of a string enum's values (anything else, a number included, is refused: ``enum``).
Choice = Annotated[E, Strict(False)]
#: An application term: a string or a boolean, as the program's rules require (``domain.rules.programs``).
TermValue = Annotated[str | bool, BeforeValidator(_term)]
ParameterValue = Annotated[str | int | list[str], BeforeValidator(_parameter_value)]


class RequestBody(BaseModel):
    """Every request body: no unknown fields, no coercion between JSON types."""

    model_config = ConfigDict(strict=True, extra="forbid")


class DisabilityIn(RequestBody):
    kind: Choice[DisabilityKind]
    grade: int = Field(ge=1, le=4)


class MemberIn(RequestBody):
    name: str = Field(min_length=1, max_length=100)
    id_number: IdNumberStr
    relation: Choice[Relation]
    disability: DisabilityIn | None = None
    labour_capacity: Choice[LabourCapacity] = LabourCapacity.FULL
    school_status: Choice[SchoolStatus] = SchoolStatus.NOT_IN_SCHOOL
    seriously_ill: bool = False
    absence: Choice[Absence] | None = None
    resident: bool = True
    support_duty: bool = False


class RegisterHousehold(RequestBody):
    area_type: Choice[AreaType]
    division_code: DivisionStr
    address: str = Field(min_length=1, max_length=500)
    registered_on: IsoDate
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)
    reason: Text | None = None


class Dated(RequestBody):
    effective_on: IsoDate
    reason: Text | None = None


class DisabilityCertificateIn(Dated):
    """A member's disability certificate (残疾人证) from ``effective_on``; ``reason`` is required for a new
    certificate of a member who holds one (a grade change, a renewal)."""

    category: Choice[DisabilityKind]
    grade: int = Field(ge=1, le=4)
    certificate_number: str = Field(min_length=6, max_length=30, pattern=r"^[0-9A-Za-z]+$")
    issued_on: IsoDate
    valid_until: IsoDate


class AddMember(Dated):
    member: MemberIn
    cause: Choice[AdditionCause]


class ChangeMember(Dated):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    relation: Choice[Relation] | None = None
    disability: DisabilityIn | None = None
    labour_capacity: Choice[LabourCapacity] | None = None
    school_status: Choice[SchoolStatus] | None = None
    seriously_ill: bool | None = None
    absence: Choice[Absence] | None = None
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
    cause: Choice[RemovalCause]


class IncomeIn(RequestBody):
    person_id: Uuid
    kind: Choice[IncomeKind]
    monthly_amount: Money


class CostIn(RequestBody):
    person_id: Uuid
    kind: Choice[CostKind]
    monthly_amount: Money


class AssetsIn(RequestBody):
    financial: Money = Decimal("0.00")
    vehicle_value: Money = Decimal("0.00")
    dwellings: int = Field(default=0, ge=0, le=100)


class RecordCircumstances(Dated):
    incomes: list[IncomeIn] = Field(default_factory=list, max_length=500)
    assets: AssetsIn = Field(default_factory=AssetsIn)
    costs: list[CostIn] = Field(default_factory=list, max_length=500)


class Apply(Dated):
    program: Choice[Program]
    beneficiaries: list[Uuid] = Field(min_length=1, max_length=MAX_MEMBERS)
    terms: dict[str, TermValue] = Field(
        default_factory=dict,
        max_length=10,
        description="tekun: arrangement (concentrated|dispersed), has_capable_supporter; "
        "orphan / unsupported_child: placement (institutional|community); "
        "home_care_subsidy: paid_as (money|service_credit)",
    )


class TownshipReviewIn(Dated):
    investigated_on: IsoDate
    findings: Text = Field(min_length=1)
    opinion: Choice[TownshipOpinion]


class Decide(Dated):
    pass


class DecideWithReason(RequestBody):
    effective_on: IsoDate
    reason_code: Code
    reason: Text = Field(min_length=1)


class ParameterIn(RequestBody):
    name: str = Field(min_length=1, max_length=100)
    jurisdiction: str = Field(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$")
    effective_from: IsoDate
    value: ParameterValue
    legal_basis: Text = Field(min_length=1)
    reason: Text = Field(min_length=1)


#: The most items one batch of parameter values or confirmations may carry.
MAX_POLICY_BATCH = 1000


class ParametersIn(RequestBody):
    """Many dated values, recorded all together or not at all; a refusal names the item (``items.3.value``)."""

    items: list[ParameterIn] = Field(min_length=1, max_length=MAX_POLICY_BATCH)


class CareAssessmentIn(Dated):
    unable_activities: list[str] = Field(
        max_length=6, description="of eating, dressing, bed_transfer, toileting, walking_indoors, bathing"
    )


class ParentStatusIn(RequestBody):
    situation: Choice[ParentSituation]
    since: IsoDate


class ParentsIn(Dated):
    father: list[ParentStatusIn] = Field(default_factory=list, max_length=11)
    mother: list[ParentStatusIn] = Field(default_factory=list, max_length=11)


class TemporaryGrantIn(RequestBody):
    kind: Choice[GrantKind]
    level: Choice[ApprovalLevel]
    amount: Money
    effective_on: IsoDate
    reason: Text = Field(min_length=1)
