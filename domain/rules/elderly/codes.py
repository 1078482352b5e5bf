"""The reason codes of the elderly programs with their legal basis, and their vocabularies (docs/rules.md).

Codes are stored with every decision, so never rename one; add new ones.
"""

from __future__ import annotations

from enum import StrEnum

from domain.assessment import ReasonCatalogue

_LAW = "《中华人民共和国老年人权益保障法》第三十三条 国家鼓励地方建立八十周岁以上低收入老年人高龄津贴制度"
_NOTICE = "湖南省民政厅 湖南省财政厅《关于建立高龄津贴制度的通知》(示例)"
_HOME_CARE = "民政部 财政部《关于建立经济困难的高龄、失能等老年人补贴制度的通知》(民发〔2014〕113号)"
BASIS_ALLOWANCE_AGE = f"{_LAW}；{_NOTICE} 年满80周岁的次月起发放"
BASIS_ALLOWANCE_RESIDENCE = f"{_NOTICE} 具有本辖区户籍的老年人"
BASIS_ALLOWANCE_AMOUNT = f"{_NOTICE} 按年龄段分档发放，跨档的次月起按新档发放"
BASIS_HOME_CARE_AGE = f"{_HOME_CARE} 补贴对象为经济困难的老年人"
BASIS_HOME_CARE_MEANS = f"{_HOME_CARE} 低保家庭、分散供养特困人员和低收入家庭中的老年人；集中供养的由供养机构照料"
BASIS_HOME_CARE_NEED = f"{_HOME_CARE} 失能老年人护理补贴，按生活自理能力评估分档"
BASIS_HOME_CARE_AMOUNT = f"{_HOME_CARE} 补贴标准，可发放资金或服务券"

ELDERLY_AGE_REACHED = "ELDERLY_AGE_REACHED"
ELDERLY_AGE_NOT_REACHED = "ELDERLY_AGE_NOT_REACHED"
RESIDENT_REGISTERED = "RESIDENT_REGISTERED"
RESIDENT_NOT_REGISTERED = "RESIDENT_NOT_REGISTERED"
ALLOWANCE_BAND = "ALLOWANCE_BAND"
HOME_CARE_AGE_REACHED = "HOME_CARE_AGE_REACHED"
HOME_CARE_AGE_NOT_REACHED = "HOME_CARE_AGE_NOT_REACHED"
IN_DIBAO_HOUSEHOLD = "IN_DIBAO_HOUSEHOLD"
TEKUN_DISPERSED = "TEKUN_DISPERSED"
ON_LOW_INCOME_REGISTER = "ON_LOW_INCOME_REGISTER"
NOT_ECONOMICALLY_DIFFICULT = "NOT_ECONOMICALLY_DIFFICULT"
TEKUN_CONCENTRATED_EXCLUDED = "TEKUN_CONCENTRATED_EXCLUDED"
CARE_NEED_ASSESSED = "CARE_NEED_ASSESSED"
NO_CARE_NEED = "NO_CARE_NEED"
HOME_CARE_AMOUNT = "HOME_CARE_AMOUNT"

#: Every reason code these rules emit, with the legal basis it rests on.
REASON_CATALOGUE = ReasonCatalogue(
    {
        BASIS_ALLOWANCE_AGE: (ELDERLY_AGE_REACHED, ELDERLY_AGE_NOT_REACHED),
        BASIS_ALLOWANCE_RESIDENCE: (RESIDENT_REGISTERED, RESIDENT_NOT_REGISTERED),
        BASIS_ALLOWANCE_AMOUNT: (ALLOWANCE_BAND,),
        BASIS_HOME_CARE_AGE: (HOME_CARE_AGE_REACHED, HOME_CARE_AGE_NOT_REACHED),
        BASIS_HOME_CARE_MEANS: (
            IN_DIBAO_HOUSEHOLD,
            TEKUN_DISPERSED,
            ON_LOW_INCOME_REGISTER,
            NOT_ECONOMICALLY_DIFFICULT,
            TEKUN_CONCENTRATED_EXCLUDED,
        ),
        BASIS_HOME_CARE_NEED: (CARE_NEED_ASSESSED, NO_CARE_NEED),
        BASIS_HOME_CARE_AMOUNT: (HOME_CARE_AMOUNT,),
    }
)
#: A finding of the elderly rules with its code's legal basis.
reason = REASON_CATALOGUE.reason

#: The allowance's age bands, lowest first: ``elderly_allowance.age.<band>`` and ``….amount.<band>``.
BANDS = ("band_1", "band_2", "band_3")


class PaidAs(StrEnum):
    """How the home-care subsidy reaches the person, a term of each enrolment."""

    MONEY = "money"  # 发放资金
    SERVICE_CREDIT = "service_credit"  # 服务券/服务时长，由服务机构提供
