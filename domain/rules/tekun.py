"""Extreme-poverty support (特困人员救助供养, tekun): pure functions of facts and parameters (docs/rules.md).

The three criteria (no ability to work, no means of living, no supporter able to support), the
care level from six daily activities, and the monthly amount: basic living (multiplier × the dibao
standard of the person's area type) plus the care subsidy for the arrangement and care level.
No I/O and no clock: the date assessed for comes with the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.assessment import Assessment, Reason
from domain.members import DisabilityKind, Member, SchoolStatus
from domain.policy import ParameterSnapshot
from domain.values import AreaType, Program, round_up_yuan, round_yuan

ZERO = Decimal("0.00")
ELDERLY_AGE = 60
WORKING_AGE = 16
ADULT_AGE = 18

_ORDINANCE = "《社会救助暂行办法》(国务院令第649号) 第三章 特困人员供养"
_MEASURES = "《特困人员认定办法》(民发〔2021〕43号)"
BASIS_WORK = f"{_MEASURES} 无劳动能力：未满16周岁、年满60周岁、残疾等级"
BASIS_MINOR = f"{_MEASURES} 未成年人可延至18周岁，在校就读的可延长"
BASIS_MEANS = f"{_MEASURES} 无生活来源：收入低于最低生活保障标准且财产符合规定"
BASIS_SUPPORTER = f"{_MEASURES} 无法定赡养抚养扶养义务人或其无履行义务能力"
BASIS_CHILD = f"{_MEASURES} 纳入孤儿、事实无人抚养儿童保障范围的不再认定为特困人员"
BASIS_CARE = f"{_MEASURES} 生活自理能力评估"
_OPINION = "《国务院关于进一步健全特困人员救助供养制度的意见》(国发〔2016〕14号)"
BASIS_AMOUNT = f"{_ORDINANCE}；{_OPINION} 基本生活标准和照料护理标准"

# Reason codes: stored with every decision, so never rename one; add new ones.
NO_WORK_ABILITY_ELDERLY = "NO_WORK_ABILITY_ELDERLY"
NO_WORK_ABILITY_UNDER_16 = "NO_WORK_ABILITY_UNDER_16"
NO_WORK_ABILITY_DISABILITY = "NO_WORK_ABILITY_DISABILITY"
ABLE_TO_WORK = "ABLE_TO_WORK"
MINOR_UNDER_18 = "MINOR_UNDER_18"
IN_SCHOOL_EXTENSION = "IN_SCHOOL_EXTENSION"
SCHOOL_EXTENSION_AGE_REACHED = "SCHOOL_EXTENSION_AGE_REACHED"
INCOME_BELOW_DIBAO_STANDARD = "INCOME_BELOW_DIBAO_STANDARD"
INCOME_NOT_BELOW_DIBAO_STANDARD = "INCOME_NOT_BELOW_DIBAO_STANDARD"
FINANCIAL_ASSETS_WITHIN_LIMIT = "FINANCIAL_ASSETS_WITHIN_LIMIT"
FINANCIAL_ASSETS_OVER_LIMIT = "FINANCIAL_ASSETS_OVER_LIMIT"
NO_CAPABLE_SUPPORTER = "NO_CAPABLE_SUPPORTER"
HAS_CAPABLE_SUPPORTER = "HAS_CAPABLE_SUPPORTER"
TAKES_CHILD_PROGRAM = "TAKES_CHILD_PROGRAM"
CARE_LEVEL_ASSESSED = "CARE_LEVEL_ASSESSED"
BENEFIT_AMOUNT = "BENEFIT_AMOUNT"

#: Every reason code this module emits, with the legal basis it rests on.
REASON_CATALOGUE: dict[str, str] = {
    **dict.fromkeys(
        (NO_WORK_ABILITY_ELDERLY, NO_WORK_ABILITY_UNDER_16, NO_WORK_ABILITY_DISABILITY, ABLE_TO_WORK), BASIS_WORK
    ),
    **dict.fromkeys((MINOR_UNDER_18, IN_SCHOOL_EXTENSION, SCHOOL_EXTENSION_AGE_REACHED), BASIS_MINOR),
    **dict.fromkeys(
        (
            INCOME_BELOW_DIBAO_STANDARD,
            INCOME_NOT_BELOW_DIBAO_STANDARD,
            FINANCIAL_ASSETS_WITHIN_LIMIT,
            FINANCIAL_ASSETS_OVER_LIMIT,
        ),
        BASIS_MEANS,
    ),
    **dict.fromkeys((NO_CAPABLE_SUPPORTER, HAS_CAPABLE_SUPPORTER), BASIS_SUPPORTER),
    TAKES_CHILD_PROGRAM: BASIS_CHILD,
    CARE_LEVEL_ASSESSED: BASIS_CARE,
    BENEFIT_AMOUNT: BASIS_AMOUNT,
}


class CareLevel(StrEnum):
    """生活自理能力: 完全自理 / 部分丧失 / 完全丧失."""

    SELF_CARE = "self_care"
    PARTIAL = "partial"
    FULL = "full"


class Arrangement(StrEnum):
    CONCENTRATED = "concentrated"  # 集中供养, in an institution
    DISPERSED = "dispersed"  # 分散供养, at home


class DailyActivity(StrEnum):
    """The six indicators of the self-care assessment."""

    EATING = "eating"
    DRESSING = "dressing"
    BED_TRANSFER = "bed_transfer"
    TOILETING = "toileting"
    WALKING_INDOORS = "walking_indoors"
    BATHING = "bathing"


#: The highest (least severe) grade of each disability kind that means no ability to work.
_NO_WORK_GRADE: dict[DisabilityKind, int] = {
    DisabilityKind.INTELLECTUAL: 3,
    DisabilityKind.MENTAL: 3,
    DisabilityKind.PHYSICAL: 2,
    DisabilityKind.VISUAL: 1,
}


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


def care_level(unable: frozenset[DailyActivity]) -> CareLevel:
    """Care level from the daily activities the person cannot do: none, 1–3, 4 or more."""
    n = len(frozenset(DailyActivity(a) for a in unable))
    if n == 0:
        return CareLevel.SELF_CARE
    return CareLevel.PARTIAL if n <= 3 else CareLevel.FULL


def able_to_work(member: Member, on: date) -> tuple[bool, str]:
    """Whether the member has the ability to work on ``on`` (statutory test only), and why."""
    age = member.age_on(on)
    if age >= ELDERLY_AGE:
        return False, NO_WORK_ABILITY_ELDERLY
    if age < WORKING_AGE:
        return False, NO_WORK_ABILITY_UNDER_16
    d = member.disability
    if d is not None and d.grade <= _NO_WORK_GRADE.get(DisabilityKind(d.kind), 0):
        return False, NO_WORK_ABILITY_DISABILITY
    return True, ABLE_TO_WORK


def _reason(code: str, message: str) -> Reason:
    return Reason(code=code, message=message, legal_basis=REASON_CATALOGUE[code])


def _work_criterion(facts: TekunFacts, params: ParameterSnapshot) -> tuple[bool, Reason]:
    """No ability to work, or a minor (or a student within the school extension) treated as such."""
    person, age = facts.person, facts.person.age_on(facts.on)
    able, code = able_to_work(person, facts.on)
    if not able:
        d = person.disability
        text = f"disability {d.kind} grade {d.grade}" if code == NO_WORK_ABILITY_DISABILITY and d else f"aged {age}"
        return True, _reason(code, f"no ability to work: {text}")
    if age < ADULT_AGE:
        return True, _reason(MINOR_UNDER_18, f"aged {age}: a minor stays eligible until 18")
    if person.school_status == SchoolStatus.FULL_TIME:
        until = params.count("tekun.school_extension_age")
        if age < until:
            return True, _reason(IN_SCHOOL_EXTENSION, f"aged {age} in full-time school: eligible until {until}")
        return False, _reason(
            SCHOOL_EXTENSION_AGE_REACHED, f"aged {age} in full-time school: the extension ends at {until}"
        )
    return False, _reason(ABLE_TO_WORK, f"aged {age} with no qualifying disability: able to work")


def _inputs(facts: TekunFacts) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; no names and no ID numbers."""
    p = facts.person
    d = p.disability
    return {
        "area_type": str(facts.area_type),
        "on": facts.on.isoformat(),
        "person": {
            "person_id": str(p.person_id),
            "age": p.age_on(facts.on),
            "disability": None if d is None else {"kind": str(d.kind), "grade": d.grade},
            "labour_capacity": str(p.labour_capacity),
            "school_status": str(p.school_status),
        },
        "monthly_income": str(facts.monthly_income),
        "financial_assets": str(facts.financial_assets),
        "has_capable_supporter": facts.has_capable_supporter,
        "unable_activities": sorted(str(a) for a in facts.unable_activities),
        "arrangement": str(facts.arrangement),
        "takes_child_program": facts.takes_child_program,
    }


def assess_tekun(facts: TekunFacts, params: ParameterSnapshot) -> Assessment:
    """Run the tekun rules: the three criteria, the care level, the amount, and what was used."""
    area = str(facts.area_type)
    standard = params.decimal(f"dibao.standard.{area}")
    multiplier = params.decimal("tekun.multiplier")
    financial_limit = params.decimal("tekun.asset.financial_limit")
    level = care_level(facts.unable_activities)
    arrangement = Arrangement(facts.arrangement)
    care_subsidy = params.decimal(f"tekun.care.{arrangement}.{level}")
    basic_living = round_up_yuan(multiplier * standard)  # never below the product (docs/rules.md)

    reasons: list[Reason] = []
    work_ok, work_reason = _work_criterion(facts, params)
    reasons.append(work_reason)

    income_ok = facts.monthly_income < standard
    reasons.append(
        _reason(
            INCOME_BELOW_DIBAO_STANDARD if income_ok else INCOME_NOT_BELOW_DIBAO_STANDARD,
            f"monthly income {facts.monthly_income} is {'below' if income_ok else 'not below'} "
            f"the {area} dibao standard {round_yuan(standard)}",
        )
    )
    assets_ok = facts.financial_assets <= financial_limit
    reasons.append(
        _reason(
            FINANCIAL_ASSETS_WITHIN_LIMIT if assets_ok else FINANCIAL_ASSETS_OVER_LIMIT,
            f"financial assets {facts.financial_assets} {'are within' if assets_ok else 'exceed'} "
            f"the limit {round_yuan(financial_limit)}",
        )
    )
    supporter_ok = not facts.has_capable_supporter
    reasons.append(
        _reason(NO_CAPABLE_SUPPORTER, "no supporter able to support")
        if supporter_ok
        else _reason(HAS_CAPABLE_SUPPORTER, "a person with a support duty is able to support")
    )
    if facts.takes_child_program:
        reasons.append(
            _reason(TAKES_CHILD_PROGRAM, "the child takes the orphan or unsupported-child program instead of tekun")
        )

    unable = len(frozenset(facts.unable_activities))
    reasons.append(
        _reason(CARE_LEVEL_ASSESSED, f"unable to do {unable} of 6 daily activities: care level {level}, {arrangement}")
    )

    eligible = work_ok and income_ok and assets_ok and supporter_ok and not facts.takes_child_program
    amount = ZERO
    if eligible:
        amount = basic_living + care_subsidy
        reasons.append(
            _reason(
                BENEFIT_AMOUNT,
                f"monthly amount: basic living {multiplier} x {round_yuan(standard)} = {basic_living}"
                f" + care subsidy ({arrangement}, {level}) {round_yuan(care_subsidy)} = {amount}",
            )
        )

    return Assessment(
        program=Program.TEKUN,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=amount,
        reasons=tuple(reasons),
        figures={
            "standard": str(round_yuan(standard)),
            "multiplier": str(multiplier),
            "basic_living": str(basic_living),
            "care_level": str(level),
            "care_subsidy": str(round_yuan(care_subsidy)),
            "financial_limit": str(round_yuan(financial_limit)),
        },
        inputs=_inputs(facts),
        parameters=params.used_values(),
    )
