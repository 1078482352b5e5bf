"""The tekun reason codes with their legal basis, and the vocabularies of care (docs/rules.md).

Codes are stored with every decision, so never rename one; add new ones.
"""

from __future__ import annotations

from enum import StrEnum

from domain.assessment import ReasonCatalogue

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
REASON_CATALOGUE = ReasonCatalogue(
    {
        BASIS_WORK: (NO_WORK_ABILITY_ELDERLY, NO_WORK_ABILITY_UNDER_16, NO_WORK_ABILITY_DISABILITY, ABLE_TO_WORK),
        BASIS_MINOR: (MINOR_UNDER_18, IN_SCHOOL_EXTENSION, SCHOOL_EXTENSION_AGE_REACHED),
        BASIS_MEANS: (
            INCOME_BELOW_DIBAO_STANDARD,
            INCOME_NOT_BELOW_DIBAO_STANDARD,
            FINANCIAL_ASSETS_WITHIN_LIMIT,
            FINANCIAL_ASSETS_OVER_LIMIT,
        ),
        BASIS_SUPPORTER: (NO_CAPABLE_SUPPORTER, HAS_CAPABLE_SUPPORTER),
        BASIS_CHILD: (TAKES_CHILD_PROGRAM,),
        BASIS_CARE: (CARE_LEVEL_ASSESSED,),
        BASIS_AMOUNT: (BENEFIT_AMOUNT,),
    }
)
#: A finding of the tekun rules with its code's legal basis.
reason = REASON_CATALOGUE.reason


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
