"""Temporary assistance (临时救助): a one-off grant, emergency or expenditure, docs/rules.md.

The district approves any amount; a township (乡镇/街道) approves small grants up to the township cap.
Pure function of the request and the parameters; the cap is read only for township-level grants.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.assessment import Assessment, Reason
from domain.errors import InvalidValue
from domain.policy import ParameterSnapshot
from domain.values import CENT, Program

ZERO = Decimal("0.00")

_NOTICE = "《国务院关于全面建立临时救助制度的通知》(国发〔2014〕47号)"
_OPINION = "《关于进一步加强和改进临时救助工作的意见》(民发〔2018〕23号)"
BASIS_GRANT = f"{_NOTICE} 急难型、支出型临时救助；{_OPINION}"
BASIS_TOWNSHIP = f"{_OPINION} 乡镇（街道）审批小额临时救助"
BASIS_DISTRICT = f"{_NOTICE} 县级人民政府民政部门审批"

# Reason codes: stored with every decision, so never rename one; add new ones.
AMOUNT_NOT_POSITIVE = "AMOUNT_NOT_POSITIVE"
TOWNSHIP_CAP_EXCEEDED = "TOWNSHIP_CAP_EXCEEDED"
WITHIN_TOWNSHIP_CAP = "WITHIN_TOWNSHIP_CAP"
DISTRICT_APPROVAL = "DISTRICT_APPROVAL"
GRANT_AMOUNT = "GRANT_AMOUNT"

#: Every reason code this module emits, with the legal basis it rests on.
REASON_CATALOGUE: dict[str, str] = {
    AMOUNT_NOT_POSITIVE: BASIS_GRANT,
    GRANT_AMOUNT: BASIS_GRANT,
    TOWNSHIP_CAP_EXCEEDED: BASIS_TOWNSHIP,
    WITHIN_TOWNSHIP_CAP: BASIS_TOWNSHIP,
    DISTRICT_APPROVAL: BASIS_DISTRICT,
}


class GrantKind(StrEnum):
    EMERGENCY = "emergency"  # 急难型
    EXPENDITURE = "expenditure"  # 支出型


class ApprovalLevel(StrEnum):
    DISTRICT = "district"  # 区（县）民政部门
    TOWNSHIP = "township"  # 乡镇人民政府、街道办事处


def _reason(code: str, message: str) -> Reason:
    return Reason(code=code, message=message, legal_basis=REASON_CATALOGUE[code])


def assess_temporary_grant(
    kind: GrantKind, level: ApprovalLevel, amount: Decimal, on: date, params: ParameterSnapshot
) -> Assessment:
    """Whether a one-off grant of ``amount`` may be approved at ``level``; the amount is the grant."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(CENT):
        raise InvalidValue("amount must be a decimal with at most 2 decimal places", field="amount", rule="money-cents")
    kind, level = GrantKind(kind), ApprovalLevel(level)
    amount = amount.quantize(CENT)
    reasons: list[Reason] = []
    figures: dict[str, object] = {"one_off": True, "amount": str(amount), "township_cap": None}
    eligible = True
    if amount <= 0:
        eligible = False
        reasons.append(_reason(AMOUNT_NOT_POSITIVE, f"the grant amount {amount} is not greater than 0"))
    elif level is ApprovalLevel.TOWNSHIP:
        cap = params.decimal("temporary.township_cap").quantize(CENT)
        figures["township_cap"] = str(cap)
        if amount > cap:
            eligible = False
            reasons.append(
                _reason(
                    TOWNSHIP_CAP_EXCEEDED,
                    f"the grant amount {amount} exceeds the township approval cap {cap}: it needs district approval",
                )
            )
        else:
            reasons.append(_reason(WITHIN_TOWNSHIP_CAP, f"the grant amount {amount} is within the township cap {cap}"))
    else:
        reasons.append(_reason(DISTRICT_APPROVAL, f"the grant amount {amount} is approved at district level"))
    if eligible:
        reasons.append(_reason(GRANT_AMOUNT, f"one-off {kind} grant of {amount}"))
    return Assessment(
        program=Program.TEMPORARY,
        assessed_on=on,
        eligible=eligible,
        monthly_amount=amount if eligible else ZERO,
        reasons=tuple(reasons),
        figures=figures,
        inputs={"kind": str(kind), "approval_level": str(level), "amount": str(amount), "on": on.isoformat()},
        parameters=params.used_values(),
    )
