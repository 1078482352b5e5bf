"""What the dibao rules look at: the household's facts on a date, and the parameters in force then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.circumstances import Circumstances
from domain.members import Member
from domain.policy import ParameterSnapshot
from domain.values import AreaType


@dataclass(frozen=True, slots=True)
class DibaoFacts:
    """What the dibao rules look at, as in force on ``on``."""

    area_type: AreaType
    members: tuple[Member, ...]
    circumstances: Circumstances
    beneficiaries: tuple[UUID, ...]
    on: date


@dataclass(frozen=True, slots=True)
class DibaoParameters:
    """The parameters the dibao rules read. All are read up front, whatever the outcome, so that every
    assessment records the same parameters for the same area type."""

    area: str
    standard: Decimal
    financial_months: int
    vehicle_limit: Decimal
    max_dwellings: int
    margin_multiplier: Decimal
    excluded_kinds: frozenset[str]
    adult_age: int

    @classmethod
    def read(cls, params: ParameterSnapshot, area_type: AreaType) -> DibaoParameters:
        area = str(area_type)
        return cls(
            area=area,
            standard=params.decimal(f"dibao.standard.{area}"),
            financial_months=params.count("dibao.asset.financial_months"),
            vehicle_limit=params.decimal("dibao.asset.vehicle_value_limit"),
            max_dwellings=params.count("dibao.asset.max_dwellings"),
            margin_multiplier=params.decimal("dibao.margin_multiplier"),
            excluded_kinds=params.codes("dibao.income.excluded_kinds"),
            adult_age=params.count("person.adult_age"),
        )

    @property
    def financial_limit(self) -> Decimal:
        """Financial assets allowed per counted member: months × standard."""
        return self.financial_months * self.standard

    @property
    def margin_limit(self) -> Decimal:
        """The margin household's per-capita income limit; compared exactly, shown to the fen."""
        return self.margin_multiplier * self.standard
