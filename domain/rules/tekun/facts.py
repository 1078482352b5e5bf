"""What the tekun rules look at: one person's facts on a date, and the ages and amounts in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.members import Member
from domain.policy import STATUTORY_DEFAULTS, ParameterSnapshot
from domain.rules.tekun.codes import Arrangement, DailyActivity
from domain.values import AreaType


@dataclass(frozen=True, slots=True)
class TekunFacts:
    """What the tekun rules look at, as in force on ``on``."""

    area_type: AreaType
    person: Member
    on: date
    monthly_income: Decimal
    financial_assets: Decimal
    has_capable_supporter: bool
    unable_activities: frozenset[DailyActivity]
    arrangement: Arrangement
    takes_child_program: bool = False


@dataclass(frozen=True, slots=True)
class Ages:
    """The ages the ability-to-work test turns on (``person.working_age``, ``person.adult_age``,
    ``person.elderly_age``); the statutory 16, 18 and 60 where no snapshot is at hand."""

    working: int = STATUTORY_DEFAULTS["person.working_age"]
    adult: int = STATUTORY_DEFAULTS["person.adult_age"]
    elderly: int = STATUTORY_DEFAULTS["person.elderly_age"]

    @classmethod
    def read(cls, params: ParameterSnapshot) -> Ages:
        return cls(
            working=params.count("person.working_age"),
            adult=params.count("person.adult_age"),
            elderly=params.count("person.elderly_age"),
        )
