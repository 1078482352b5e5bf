"""Household income and the means test against the standard (《社会救助暂行办法》第九条; 民发〔2021〕57号 家庭收入)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from domain.assessment import Finding
from domain.circumstances import Circumstances
from domain.rules.dibao.codes import (
    COSTS_DEDUCTED,
    INCOME_BELOW_STANDARD,
    INCOME_EXCLUDED,
    INCOME_NOT_BELOW_STANDARD,
    reason,
    yuan,
)
from domain.rules.dibao.facts import DibaoParameters
from domain.values import ZERO


@dataclass(frozen=True, slots=True)
class HouseholdIncome:
    """The counted members' monthly income: counted, excluded by kind, and the deductible costs."""

    gross: Decimal
    excluded: Decimal
    deductions: Decimal

    @property
    def net(self) -> Decimal:
        """Household income: gross less deductible costs, never below zero."""
        return max(ZERO, self.gross - self.deductions)


def counted_income(
    circ: Circumstances, counted_ids: frozenset[UUID], excluded: frozenset[str]
) -> Finding[HouseholdIncome]:
    """The counted members' income, less the excluded kinds (``dibao.income.excluded_kinds``) and their
    deductible costs; reasons when anything was excluded or deducted."""
    incomes = [i for i in circ.incomes if i.person_id in counted_ids]
    income = HouseholdIncome(
        gross=sum((i.monthly_amount for i in incomes if str(i.kind) not in excluded), ZERO),
        excluded=sum((i.monthly_amount for i in incomes if str(i.kind) in excluded), ZERO),
        deductions=sum((c.monthly_amount for c in circ.costs if c.person_id in counted_ids), ZERO),
    )
    reasons = []
    if income.excluded > 0:
        reasons.append(reason(INCOME_EXCLUDED, f"income {yuan(income.excluded)} of excluded kinds is not counted"))
    if income.deductions > 0:
        reasons.append(
            reason(
                COSTS_DEDUCTED,
                f"deductible costs {yuan(income.deductions)} are deducted from income {yuan(income.gross)}",
            )
        )
    return Finding(income, tuple(reasons))


def per_capita_income(income: HouseholdIncome, counted_members: int) -> Decimal:
    """Household income per counted member, exact: money is rounded once, at the end of each amount."""
    return income.net / counted_members


def per_capita_below(per_capita: Decimal, limit: Decimal, codes: tuple[str, str], limit_text: str) -> Finding[bool]:
    """Per-capita income strictly below a limit, with the code for each side (below, not below)."""
    below = per_capita < limit
    text = f"per-capita income {yuan(per_capita)} is {'below' if below else 'not below'} {limit_text} {yuan(limit)}"
    return Finding(below, (reason(codes[0] if below else codes[1], text),))


def income_test(per_capita: Decimal, p: DibaoParameters) -> Finding[bool]:
    """Per-capita income strictly below the standard of the household's area type."""
    codes = (INCOME_BELOW_STANDARD, INCOME_NOT_BELOW_STANDARD)
    return per_capita_below(per_capita, p.standard, codes, f"the {p.area} standard")


def own_net_income(circ: Circumstances, person_id: UUID, excluded: frozenset[str]) -> Decimal:
    """A person's counted income minus their own deductible costs, never below zero (单人保)."""
    income = sum((i.monthly_amount for i in circ.income_of(person_id) if str(i.kind) not in excluded), ZERO)
    costs = sum((c.monthly_amount for c in circ.costs_of(person_id)), ZERO)
    return max(ZERO, income - costs)
