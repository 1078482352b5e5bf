"""The home-care service subsidy (居家养老服务补贴): age, economic difficulty, an assessed care need,
the amount by care-need level (民发〔2014〕113号)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.assessment import Assessment, Finding, Reason
from domain.policy import ParameterSnapshot
from domain.rules.elderly.codes import (
    CARE_NEED_ASSESSED,
    HOME_CARE_AGE_NOT_REACHED,
    HOME_CARE_AGE_REACHED,
    HOME_CARE_AMOUNT,
    IN_DIBAO_HOUSEHOLD,
    NO_CARE_NEED,
    NOT_ECONOMICALLY_DIFFICULT,
    ON_LOW_INCOME_REGISTER,
    TEKUN_CONCENTRATED_EXCLUDED,
    TEKUN_DISPERSED,
    reason,
)
from domain.rules.elderly.facts import HomeCareFacts
from domain.rules.tekun.amount import care_level
from domain.rules.tekun.codes import Arrangement, CareLevel
from domain.values import ZERO, Program, round_yuan


def age_test(facts: HomeCareFacts, min_age: int) -> Finding[bool]:
    """Aged ``home_care.min_age`` or over on the date."""
    age = facts.person.age_on(facts.on)
    if age >= min_age:
        return Finding(True, (reason(HOME_CARE_AGE_REACHED, f"aged {age}: {min_age} or over"),))
    return Finding(False, (reason(HOME_CARE_AGE_NOT_REACHED, f"aged {age}: under {min_age}"),))


def difficulty_test(facts: HomeCareFacts) -> Finding[bool]:
    """In a dibao household, dispersed tekun, or on the low-income register; never concentrated tekun."""
    if facts.tekun_arrangement is Arrangement.CONCENTRATED:
        text = "concentrated tekun support: the institution provides the care"
        return Finding(False, (reason(TEKUN_CONCENTRATED_EXCLUDED, text),))
    found: list[Reason] = []
    if facts.in_dibao:
        found.append(reason(IN_DIBAO_HOUSEHOLD, "the household receives dibao"))
    if facts.tekun_arrangement is Arrangement.DISPERSED:
        found.append(reason(TEKUN_DISPERSED, "dispersed tekun support at home"))
    if facts.on_low_income_register:
        found.append(reason(ON_LOW_INCOME_REGISTER, "the household is on the low-income register"))
    if found:
        return Finding(True, tuple(found))
    text = "neither dibao, dispersed tekun nor the low-income register"
    return Finding(False, (reason(NOT_ECONOMICALLY_DIFFICULT, text),))


def care_need(facts: HomeCareFacts) -> Finding[CareLevel]:
    """The care-need level from the six daily activities (the tekun assessment): partial or full is a need."""
    level, n = care_level(facts.unable_activities), len(facts.unable_activities)
    if level is CareLevel.SELF_CARE:
        return Finding(level, (reason(NO_CARE_NEED, "able to do all 6 daily activities: no assessed care need"),))
    return Finding(level, (reason(CARE_NEED_ASSESSED, f"unable to do {n} of 6 daily activities: {level}"),))


def level_amount(level: CareLevel, facts: HomeCareFacts, params: ParameterSnapshot) -> Finding[Decimal]:
    """The monthly amount of the level (``home_care.amount.<level>``), paid as the enrolment says."""
    amount = round_yuan(params.decimal(f"home_care.amount.{level}"))
    text = f"monthly amount: care need {level} {amount}, paid as {facts.paid_as}"
    return Finding(amount, (reason(HOME_CARE_AMOUNT, text),))


def inputs(facts: HomeCareFacts) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; no names and no ID numbers."""
    return {
        "on": facts.on.isoformat(),
        "person": {"person_id": str(facts.person.person_id), "age": facts.person.age_on(facts.on)},
        "in_dibao": facts.in_dibao,
        "tekun_arrangement": None if facts.tekun_arrangement is None else str(facts.tekun_arrangement),
        "on_low_income_register": facts.on_low_income_register,
        "unable_activities": sorted(str(a) for a in facts.unable_activities),
        "paid_as": str(facts.paid_as),
    }


def assess_home_care(facts: HomeCareFacts, params: ParameterSnapshot) -> Assessment:
    """Run the home-care rules: age, economic difficulty, care need, the level's amount."""
    age = age_test(facts, params.count("home_care.min_age"))
    difficult, need = difficulty_test(facts), care_need(facts)
    eligible = age.value and difficult.value and need.value is not CareLevel.SELF_CARE
    amount = level_amount(need.value, facts, params) if eligible else Finding(ZERO)
    return Assessment(
        program=Program.HOME_CARE_SUBSIDY,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=amount.value,
        reasons=tuple(r for f in (age, difficult, need, amount) for r in f.reasons),
        figures={"care_level": str(need.value), "paid_as": str(facts.paid_as)},
        inputs=inputs(facts),
        parameters=params.used_values(),
    )
