"""Individual enrolment (单人保, 《最低生活保障审核确认办法》(民发〔2021〕57号)): a severely disabled or
seriously ill member of a margin household enrolled alone, on the standard less their own income."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from domain.assessment import Finding, Reason
from domain.members import Member
from domain.rules.dibao.codes import (
    BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL,
    BENEFIT_AMOUNT,
    INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS,
    INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY,
    MARGIN_INCOME_BELOW_LIMIT,
    MARGIN_INCOME_OVER_LIMIT,
    OWN_INCOME_ABOVE_STANDARD,
    PARTIAL_ENROLMENT_REFUSED,
    reason,
    yuan,
)
from domain.rules.dibao.facts import DibaoFacts, DibaoParameters
from domain.rules.dibao.income import own_net_income, per_capita_below
from domain.values import ZERO, round_yuan


def severity(member: Member) -> Reason:
    """The 单人保 ground the member meets, or the reason they meet none."""
    d, who = member.disability, f"member {member.person_id}"
    if d is not None and d.severe:
        return reason(
            INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY, f"{who} has a severe disability ({d.kind} grade {d.grade})"
        )
    if member.seriously_ill:
        return reason(INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS, f"{who} is seriously ill")
    return reason(BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL, f"{who} is neither severely disabled nor seriously ill")


def grounds_test(facts: DibaoFacts, beneficiaries: list[UUID]) -> Finding[bool]:
    """Every beneficiary severely disabled (grade 1–2, or grade 3 intellectual/mental) or seriously ill."""
    by_id = {m.person_id: m for m in facts.members}
    reasons = tuple(severity(by_id[b]) for b in beneficiaries)
    return Finding(all(r.code != BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL for r in reasons), reasons)


def margin_test(per_capita: Decimal, p: DibaoParameters) -> Finding[bool]:
    """A margin household: per-capita income strictly below ``dibao.margin_multiplier`` × standard."""
    codes = (MARGIN_INCOME_BELOW_LIMIT, MARGIN_INCOME_OVER_LIMIT)
    return per_capita_below(per_capita, p.margin_limit, codes, "the margin limit")


def own_gap_amount(facts: DibaoFacts, beneficiaries: list[UUID], p: DibaoParameters) -> Finding[Decimal]:
    """The sum over beneficiaries of (standard − own counted income net of own costs, never below zero),
    rounded half up to the fen once; zero when no beneficiary's own income is below the standard."""
    gaps = {b: max(ZERO, p.standard - own_net_income(facts.circumstances, b, p.excluded_kinds)) for b in beneficiaries}
    amount = round_yuan(sum(gaps.values(), ZERO))
    parts = "; ".join(f"member {b} gap {yuan(g)}" for b, g in gaps.items())
    if amount <= 0:
        text = f"own income is not below the standard {yuan(p.standard)}: {parts}"
        return Finding(ZERO, (reason(OWN_INCOME_ABOVE_STANDARD, text),))
    return Finding(amount, (reason(BENEFIT_AMOUNT, f"individual enrolment monthly amount: {parts}; total {amount}"),))


def individual_amount(facts: DibaoFacts, per_capita: Decimal, p: DibaoParameters, assets_ok: bool) -> Finding[Decimal]:
    """单人保: the grounds, the margin test and the assets all hold, then the own-gap amount; else refused."""
    beneficiaries = sorted(frozenset(facts.beneficiaries), key=str)
    grounds, margin = grounds_test(facts, beneficiaries), margin_test(per_capita, p)
    reasons = (*grounds.reasons, *margin.reasons)
    why = [
        text
        for ok, text in (
            (grounds.value, "not every beneficiary is severely disabled or seriously ill"),
            (margin.value, "the household is not a margin household"),
            (assets_ok, "assets exceed the limits"),
        )
        if not ok
    ]
    if why:
        refused = reason(PARTIAL_ENROLMENT_REFUSED, "enrolling only some members is refused: " + "; ".join(why))
        return Finding(ZERO, (*reasons, refused))
    amount = own_gap_amount(facts, beneficiaries, p)
    return Finding(amount.value, (*reasons, *amount.reasons))
