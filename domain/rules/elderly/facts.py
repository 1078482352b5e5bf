"""What the elderly programs' rules look at: one person's facts on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.members import Member
from domain.residence import Residence
from domain.rules.elderly.codes import PaidAs
from domain.rules.tekun.codes import Arrangement, DailyActivity
from domain.values import age_on


@dataclass(frozen=True, slots=True)
class AllowanceFacts:
    """The elderly allowance looks at the person's age and residence registration on ``on``;
    ``jurisdiction`` is the division prefix of the county whose allowance it is."""

    person: Member
    on: date
    residence: Residence | None
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class HomeCareFacts:
    """The home-care subsidy looks at the person's age, the household's assistance, the care assessment."""

    person: Member
    on: date
    in_dibao: bool
    tekun_arrangement: Arrangement | None  # the person's own tekun enrolment, if any
    on_low_income_register: bool
    unable_activities: frozenset[DailyActivity]
    paid_as: PaidAs


def age_before_month(person: Member, on: date) -> int:
    """The age completed by the end of the month before ``on``'s month: a birthday counts from the next month."""
    return age_on(person.birth_date, on.replace(day=1) - timedelta(days=1))
