"""Temporary assistance (临时救助): a one-off grant, emergency or expenditure, docs/rules.md.

The district approves any amount; a township (乡镇/街道) approves small grants up to the township cap.
Pure function of the request and the parameters; the cap is read only for township-level grants.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.assessment import Assessment, Finding, ReasonCatalogue
from domain.errors import InvalidValue
from domain.policy import ParameterSnapshot
from domain.values import CENT, ZERO, Program

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
REASON_CATALOGUE = ReasonCatalogue(
    {
        BASIS_GRANT: (AMOUNT_NOT_POSITIVE, GRANT_AMOUNT),
        BASIS_TOWNSHIP: (TOWNSHIP_CAP_EXCEEDED, WITHIN_TOWNSHIP_CAP),
        BASIS_DISTRICT: (DISTRICT_APPROVAL,),
    }
)
#: A finding of the temporary-assistance rules with its code's legal basis.
reason = REASON_CATALOGUE.reason


class GrantKind(StrEnum):
    EMERGENCY = "emergency"  # 急难型
    EXPENDITURE = "expenditure"  # 支出型


class ApprovalLevel(StrEnum):
    DISTRICT = "district"  # 区（县）民政部门
    TOWNSHIP = "township"  # 乡镇人民政府、街道办事处


def positive_test(amount: Decimal) -> Finding[bool]:
    """A grant is of a positive amount."""
    if amount > 0:
        return Finding(True)
    return Finding(False, (reason(AMOUNT_NOT_POSITIVE, f"the grant amount {amount} is not greater than 0"),))


def approval_test(level: ApprovalLevel, amount: Decimal, cap: Decimal | None) -> Finding[bool]:
    """The district approves any amount; a township up to ``temporary.township_cap`` (小额), inclusive."""
    if level is ApprovalLevel.DISTRICT or cap is None:
        return Finding(True, (reason(DISTRICT_APPROVAL, f"the grant amount {amount} is approved at district level"),))
    if amount > cap:
        text = f"the grant amount {amount} exceeds the township approval cap {cap}: it needs district approval"
        return Finding(False, (reason(TOWNSHIP_CAP_EXCEEDED, text),))
    return Finding(True, (reason(WITHIN_TOWNSHIP_CAP, f"the grant amount {amount} is within the township cap {cap}"),))


def _checked_amount(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(CENT):
        raise InvalidValue("amount must be a decimal with at most 2 decimal places", field="amount", rule="money-cents")
    return amount.quantize(CENT)


def assess_temporary_grant(
    kind: GrantKind, level: ApprovalLevel, amount: Decimal, on: date, params: ParameterSnapshot
) -> Assessment:
    """Whether a one-off grant of ``amount`` may be approved at ``level``; the amount is the grant.
    The township cap is read only for a positive township-level grant."""
    kind, level, amount = GrantKind(kind), ApprovalLevel(level), _checked_amount(amount)
    positive = positive_test(amount)
    cap = None
    if positive.value and level is ApprovalLevel.TOWNSHIP:
        cap = params.decimal("temporary.township_cap").quantize(CENT)
    approved = approval_test(level, amount, cap) if positive.value else Finding(False)
    eligible = positive.value and approved.value
    granted = (reason(GRANT_AMOUNT, f"one-off {kind} grant of {amount}"),) if eligible else ()
    return Assessment(
        program=Program.TEMPORARY,
        assessed_on=on,
        eligible=eligible,
        monthly_amount=amount if eligible else ZERO,
        reasons=(*positive.reasons, *approved.reasons, *granted),
        figures={"one_off": True, "amount": str(amount), "township_cap": None if cap is None else str(cap)},
        inputs={"kind": str(kind), "approval_level": str(level), "amount": str(amount), "on": on.isoformat()},
        parameters=params.used_values(),
    )
