"""The three tekun criteria (《特困人员认定办法》(民发〔2021〕43号)): no ability to work, no means of
living, no supporter able to support; and a child on a children's program is not tekun."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.assessment import Finding, Reason
from domain.members import DisabilityKind, Member, SchoolStatus
from domain.policy import ParameterSnapshot
from domain.rules.tekun.codes import (
    ABLE_TO_WORK,
    FINANCIAL_ASSETS_OVER_LIMIT,
    FINANCIAL_ASSETS_WITHIN_LIMIT,
    HAS_CAPABLE_SUPPORTER,
    IN_SCHOOL_EXTENSION,
    INCOME_BELOW_DIBAO_STANDARD,
    INCOME_NOT_BELOW_DIBAO_STANDARD,
    MINOR_UNDER_18,
    NO_CAPABLE_SUPPORTER,
    NO_WORK_ABILITY_DISABILITY,
    NO_WORK_ABILITY_ELDERLY,
    NO_WORK_ABILITY_UNDER_16,
    SCHOOL_EXTENSION_AGE_REACHED,
    TAKES_CHILD_PROGRAM,
    reason,
)
from domain.rules.tekun.facts import Ages, TekunFacts
from domain.values import round_yuan

#: The highest (least severe) grade of each disability kind that means no ability to work.
_NO_WORK_GRADE: dict[DisabilityKind, int] = {
    DisabilityKind.INTELLECTUAL: 3,
    DisabilityKind.MENTAL: 3,
    DisabilityKind.PHYSICAL: 2,
    DisabilityKind.VISUAL: 1,
}


def able_to_work(member: Member, on: date, ages: Ages | None = None) -> tuple[bool, str]:
    """Whether the member has the ability to work on ``on`` (statutory test only), and why."""
    ages, age = ages or Ages(), member.age_on(on)
    if age >= ages.elderly:
        return False, NO_WORK_ABILITY_ELDERLY
    if age < ages.working:
        return False, NO_WORK_ABILITY_UNDER_16
    d = member.disability
    if d is not None and d.grade <= _NO_WORK_GRADE.get(DisabilityKind(d.kind), 0):
        return False, NO_WORK_ABILITY_DISABILITY
    return True, ABLE_TO_WORK


def work_test(facts: TekunFacts, ages: Ages, params: ParameterSnapshot) -> Finding[bool]:
    """No ability to work, or a minor (or a student within ``tekun.school_extension_age``) treated as such."""
    person, age = facts.person, facts.person.age_on(facts.on)
    able, code = able_to_work(person, facts.on, ages)
    if not able:
        d = person.disability
        text = f"disability {d.kind} grade {d.grade}" if code == NO_WORK_ABILITY_DISABILITY and d else f"aged {age}"
        return Finding(True, (reason(code, f"no ability to work: {text}"),))
    if age < ages.adult:
        return Finding(True, (reason(MINOR_UNDER_18, f"aged {age}: a minor stays eligible until {ages.adult}"),))
    if person.school_status == SchoolStatus.FULL_TIME:
        until = params.count("tekun.school_extension_age")
        if age < until:
            return Finding(
                True, (reason(IN_SCHOOL_EXTENSION, f"aged {age} in full-time school: eligible until {until}"),)
            )
        text = f"aged {age} in full-time school: the extension ends at {until}"
        return Finding(False, (reason(SCHOOL_EXTENSION_AGE_REACHED, text),))
    return Finding(False, (reason(ABLE_TO_WORK, f"aged {age} with no qualifying disability: able to work"),))


def income_test(facts: TekunFacts, standard: Decimal) -> Finding[bool]:
    """No means of living, income: strictly below the dibao standard of the person's area type."""
    ok = facts.monthly_income < standard
    text = (
        f"monthly income {facts.monthly_income} is {'below' if ok else 'not below'} "
        f"the {facts.area_type} dibao standard {round_yuan(standard)}"
    )
    return Finding(ok, (reason(INCOME_BELOW_DIBAO_STANDARD if ok else INCOME_NOT_BELOW_DIBAO_STANDARD, text),))


def asset_test(facts: TekunFacts, limit: Decimal) -> Finding[bool]:
    """No means of living, assets: financial assets at most ``tekun.asset.financial_limit``."""
    ok = facts.financial_assets <= limit
    text = f"financial assets {facts.financial_assets} {'are within' if ok else 'exceed'} the limit {round_yuan(limit)}"
    return Finding(ok, (reason(FINANCIAL_ASSETS_WITHIN_LIMIT if ok else FINANCIAL_ASSETS_OVER_LIMIT, text),))


def supporter_test(facts: TekunFacts) -> Finding[bool]:
    """No one with a support duty able to support; and not on the orphan or unsupported-child program."""
    found: list[Reason] = [
        reason(HAS_CAPABLE_SUPPORTER, "a person with a support duty is able to support")
        if facts.has_capable_supporter
        else reason(NO_CAPABLE_SUPPORTER, "no supporter able to support")
    ]
    if facts.takes_child_program:
        found.append(
            reason(TAKES_CHILD_PROGRAM, "the child takes the orphan or unsupported-child program instead of tekun")
        )
    return Finding(not facts.has_capable_supporter and not facts.takes_child_program, tuple(found))
