"""A household's declared means: income by member and kind, assets, deductible costs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidValue


class IncomeKind(StrEnum):
    """Kinds of monthly income. Which kinds are excluded is a policy parameter."""

    WAGES = "wages"
    BUSINESS = "business"
    AGRICULTURE = "agriculture"
    PROPERTY = "property"
    EMPLOYEE_PENSION = "employee_pension"
    RESIDENTS_BASIC_PENSION = "residents_basic_pension"
    MAINTENANCE = "maintenance"
    SOCIAL_ASSISTANCE = "social_assistance"
    ORPHAN_ALLOWANCE = "orphan_allowance"
    SCHOLARSHIP = "scholarship"
    HONOUR = "honour"
    OTHER = "other"


class CostKind(StrEnum):
    """Costs that may be deducted from household income (docs/rules.md)."""

    MEDICAL = "medical"
    DISABILITY = "disability"


@dataclass(frozen=True, slots=True)
class IncomeItem:
    person_id: UUID
    kind: IncomeKind
    monthly_amount: Decimal


@dataclass(frozen=True, slots=True)
class CostItem:
    person_id: UUID
    kind: CostKind
    monthly_amount: Decimal


@dataclass(frozen=True, slots=True)
class Assets:
    """Assets of the whole household at the declaration date."""

    financial: Decimal = Decimal("0.00")
    vehicle_value: Decimal = Decimal("0.00")
    dwellings: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.dwellings, bool) or not isinstance(self.dwellings, int) or self.dwellings < 0:
            raise InvalidValue(
                "dwellings must be a non-negative integer", field="assets.dwellings", rule="non-negative-integer"
            )


@dataclass(frozen=True, slots=True)
class Circumstances:
    """One complete declaration of means; it replaces the previous one from its effective date."""

    incomes: tuple[IncomeItem, ...] = ()
    assets: Assets = Assets()
    costs: tuple[CostItem, ...] = ()

    def income_of(self, person_id: UUID) -> tuple[IncomeItem, ...]:
        return tuple(i for i in self.incomes if i.person_id == person_id)

    def costs_of(self, person_id: UUID) -> tuple[CostItem, ...]:
        return tuple(c for c in self.costs if c.person_id == person_id)
