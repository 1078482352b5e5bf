"""The tekun amount in two parts kept apart everywhere: basic living and the care subsidy
(《国务院关于进一步健全特困人员救助供养制度的意见》(国发〔2016〕14号))."""

from __future__ import annotations

from decimal import Decimal

from domain.assessment import Finding
from domain.policy import ParameterSnapshot
from domain.rules.tekun.codes import BENEFIT_AMOUNT, CARE_LEVEL_ASSESSED, Arrangement, CareLevel, DailyActivity, reason
from domain.values import round_up_yuan, round_yuan


def care_level(unable: frozenset[DailyActivity]) -> CareLevel:
    """Care level from the daily activities the person cannot do: none, 1–3, 4 or more."""
    n = len(frozenset(DailyActivity(a) for a in unable))
    if n == 0:
        return CareLevel.SELF_CARE
    return CareLevel.PARTIAL if n <= 3 else CareLevel.FULL


def assessed_care_level(unable: frozenset[DailyActivity], arrangement: Arrangement) -> Finding[CareLevel]:
    """The care level with the finding that states it (生活自理能力评估)."""
    level, n = care_level(unable), len(frozenset(unable))
    text = f"unable to do {n} of 6 daily activities: care level {level}, {arrangement}"
    return Finding(level, (reason(CARE_LEVEL_ASSESSED, text),))


def basic_living(multiplier: Decimal, standard: Decimal) -> Decimal:
    """基本生活费: ``tekun.multiplier`` × the dibao standard, rounded up to the fen (never below the product)."""
    return round_up_yuan(multiplier * standard)


def care_subsidy(params: ParameterSnapshot, arrangement: Arrangement, level: CareLevel) -> Decimal:
    """护理补贴: the parameter ``tekun.care.<arrangement>.<level>``."""
    return params.decimal(f"tekun.care.{arrangement}.{level}")


def tekun_amount(
    multiplier: Decimal, standard: Decimal, subsidy: Decimal, arrangement: Arrangement, level: CareLevel
) -> Finding[Decimal]:
    """The monthly amount: basic living plus the care subsidy."""
    basic = basic_living(multiplier, standard)
    amount = basic + subsidy
    text = (
        f"monthly amount: basic living {multiplier} x {round_yuan(standard)} = {basic}"
        f" + care subsidy ({arrangement}, {level}) {round_yuan(subsidy)} = {amount}"
    )
    return Finding(amount, (reason(BENEFIT_AMOUNT, text),))
