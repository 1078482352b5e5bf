"""The elderly programs' facts read from a household as in force on a date, and their prechecks."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.enrolment import PAYABLE
from domain.errors import RuleViolation
from domain.members import Member
from domain.policy import ParameterSnapshot
from domain.rules.elderly.codes import BANDS, PaidAs
from domain.rules.elderly.facts import AllowanceFacts, HomeCareFacts
from domain.rules.tekun.codes import Arrangement, DailyActivity
from domain.values import Program

if TYPE_CHECKING:
    from domain.facts import HouseholdFacts

#: A county's division code is the first six digits of any division inside it.
COUNTY_DIGITS = 6


def allowance_facts(h: HouseholdFacts, person: Member, on: date) -> AllowanceFacts:
    """The person's age and registration; the jurisdiction is the household's county."""
    return AllowanceFacts(
        person=person,
        on=on,
        residence=h.residence_on(person.person_id, on),
        jurisdiction=h.division_code[:COUNTY_DIGITS],
    )


def on_low_income_register(h: HouseholdFacts, person_id: UUID, on: date) -> bool:
    """Whether the household is on the low-income register (低收入人口) on the date.

    The hook for the register: until it is kept, no household is on it, and the home-care subsidy
    reaches dibao and dispersed tekun households only."""
    return False


def home_care_facts(h: HouseholdFacts, person: Member, terms: dict[str, Any], on: date) -> HomeCareFacts:
    """The household's dibao, the person's own tekun and its arrangement, the care assessment in force."""
    in_dibao, arrangement = False, None
    for e in h.enrolments.values():
        if e.status_on(on) not in PAYABLE:
            continue
        if e.program is Program.DIBAO:
            in_dibao = True
        elif e.program is Program.TEKUN and person.person_id in e.beneficiaries:
            arrangement = Arrangement(e.terms["arrangement"])
    return HomeCareFacts(
        person=person,
        on=on,
        in_dibao=in_dibao,
        tekun_arrangement=arrangement,
        on_low_income_register=on_low_income_register(h, person.person_id, on),
        unable_activities=frozenset(DailyActivity(a) for a in h.care_on(person.person_id, on)),
        paid_as=PaidAs(terms["paid_as"]),
    )


def precheck_elderly(program: Program, person: Member, on: date, params: ParameterSnapshot) -> None:
    """Refuse at once an application no investigation could make eligible: the home-care subsidy under
    its age; the elderly allowance for someone who does not reach the lowest band's age by the month's end
    (filed in the birthday month, it is paid from the month after)."""
    if program is Program.HOME_CARE_SUBSIDY:
        least, age = params.count("home_care.min_age"), person.age_on(on)
        rule = "home-care-age"
    else:
        least = params.count(f"elderly_allowance.age.{BANDS[0]}")
        age = person.age_on(on.replace(day=monthrange(on.year, on.month)[1]))
        rule = "elderly-allowance-age"
    if age < least:
        raise RuleViolation(
            f"the {program} programme is for people aged {least} or over; this person is {age}",
            field="beneficiaries[0]",
            rule=rule,
        )
