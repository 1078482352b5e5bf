"""De facto unsupported children (事实无人抚养儿童, 民发〔2019〕62号): the parents' situations, and the
rate or, for a child already on dibao or tekun, the difference (docs/rules.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.assessment import Assessment, Finding, Reason
from domain.policy import STATUTORY_DEFAULTS, ParameterSnapshot
from domain.rules.children import (
    BOTH_PARENTS_UNABLE,
    LOST,
    NO_DIFFERENCE_TO_PAY,
    NOT_UNSUPPORTED,
    ONE_PARENT_LOST_OTHER_UNABLE,
    ORPHAN_NOT_UNSUPPORTED,
    PARENT_ABLE_TO_SUPPORT,
    PARENT_DEAD_OR_MISSING,
    PARENT_SITUATION_NOT_BEGUN,
    PARENT_SITUATION_UNDER_SIX_MONTHS,
    PARENT_UNABLE_TO_SUPPORT,
    SIX_MONTH_SITUATIONS,
    UNSUPPORTED_RATE,
    UNSUPPORTED_TOP_UP,
    ChildFacts,
    ParentSituation,
    ParentStatus,
    age_test,
    inputs,
    is_orphan,
    reason,
    whole_months,
)
from domain.values import ZERO, Program, round_yuan


@dataclass(frozen=True, slots=True)
class ParentState:
    """One parent on the assessment date: lost to the child, or unable to support it."""

    lost: bool = False
    unable: bool = False


def situation_finding(who: str, s: ParentStatus, on: date, min_months: int) -> tuple[ParentState, Reason]:
    """What one recorded situation makes of the parent on ``on``, and the finding that says so."""
    situation, since, months = ParentSituation(s.situation), s.since.isoformat(), whole_months(s.since, on)
    if s.since > on:
        return ParentState(), reason(PARENT_SITUATION_NOT_BEGUN, f"{who}: {situation} since {since} has not begun")
    if situation in LOST:
        return ParentState(lost=True), reason(PARENT_DEAD_OR_MISSING, f"{who}: {situation} since {since}")
    if situation in SIX_MONTH_SITUATIONS and months < min_months:
        text = f"{who}: {situation} since {since} for {months} whole months, under {min_months}"
        return ParentState(), reason(PARENT_SITUATION_UNDER_SIX_MONTHS, text)
    return ParentState(unable=True), reason(PARENT_UNABLE_TO_SUPPORT, f"{who}: {situation} since {since}")


def parent_state(
    who: str, statuses: tuple[ParentStatus, ...], on: date, min_months: int = STATUTORY_DEFAULTS["children.min_months"]
) -> Finding[ParentState]:
    """One parent on ``on``: lost, unable to support (out of contact and other restrictions of liberty
    only from ``children.min_months`` whole months), or able to support."""
    found = [situation_finding(who, s, on, min_months) for s in statuses]
    state = ParentState(lost=any(f.lost for f, _ in found), unable=any(f.unable for f, _ in found))
    reasons = [r for _, r in found]
    if not state.lost and not state.unable:
        reasons.append(reason(PARENT_ABLE_TO_SUPPORT, f"{who}: in no situation that prevents support"))
    return Finding(state, tuple(reasons))


def parents_test(father: ParentState, mother: ParentState) -> Finding[bool]:
    """Both parents unable to support, or one lost and the other unable."""
    if father.unable and mother.unable:
        return Finding(True, (reason(BOTH_PARENTS_UNABLE, "both parents are unable to support the child"),))
    if (father.lost and mother.unable) or (mother.lost and father.unable):
        text = "one parent is dead or missing and the other unable to support"
        return Finding(True, (reason(ONE_PARENT_LOST_OTHER_UNABLE, text),))
    return Finding(False, (reason(NOT_UNSUPPORTED, "the parents' situations do not make the child unsupported"),))


def top_up(rate: Decimal, share: Decimal) -> Finding[Decimal]:
    """The rate; for a child with a dibao or tekun share of the same month, the difference (补差), never
    below zero, rounded half up to the fen."""
    if share == 0:
        return Finding(rate, (reason(UNSUPPORTED_RATE, f"monthly amount: the unsupported-child rate {rate}"),))
    if share < rate:
        amount = round_yuan(rate - share)
        text = f"monthly amount: the difference {rate} - current dibao/tekun share {share} = {amount}"
        return Finding(amount, (reason(UNSUPPORTED_TOP_UP, text),))
    text = f"the current dibao/tekun share {share} is not below the unsupported-child rate {rate}"
    return Finding(ZERO, (reason(NO_DIFFERENCE_TO_PAY, text),))


def _unsupported(facts: ChildFacts, rate: Decimal, adult_age: int, min_months: int) -> Finding[Decimal]:
    """Not an orphan, under 18, the parents' test; then the amount (zero when any test fails)."""
    orphan, orphan_reasons = is_orphan(facts, adult_age)
    if orphan:
        text = "the child qualifies as an orphan and is not assessed as unsupported"
        return Finding(ZERO, (*orphan_reasons, reason(ORPHAN_NOT_UNSUPPORTED, text)))
    age = age_test(facts, adult_age)
    father = parent_state("father", facts.father, facts.on, min_months)
    mother = parent_state("mother", facts.mother, facts.on, min_months)
    parents = parents_test(father.value, mother.value)
    found = (*age.reasons, *father.reasons, *mother.reasons, *parents.reasons)
    if not (age.value and parents.value):
        return Finding(ZERO, found)
    amount = top_up(rate, facts.current_assistance_share)
    return Finding(amount.value, (*found, *amount.reasons))


def assess_unsupported_child(facts: ChildFacts, params: ParameterSnapshot) -> Assessment:
    """Run the unsupported-child rules: age, not an orphan, the parents' situations; the top-up rule."""
    rate = round_yuan(params.decimal("unsupported_child.rate"))
    share = facts.current_assistance_share
    amount = _unsupported(facts, rate, params.count("person.adult_age"), params.count("children.min_months"))
    figures: dict[str, Any] = {
        "rate": str(rate),
        "current_assistance_share": str(round_yuan(share)),
        "top_up": any(r.code == UNSUPPORTED_TOP_UP for r in amount.reasons),
    }
    return Assessment(
        program=Program.UNSUPPORTED_CHILD,
        assessed_on=facts.on,
        eligible=amount.value > 0,
        monthly_amount=amount.value,
        reasons=amount.reasons,
        figures=figures,
        inputs=inputs(facts),
        parameters=params.used_values(),
    )
