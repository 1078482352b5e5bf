"""The dibao rules composed: who counts, their income, the means and asset tests, whom the application
covers, and the amount (docs/rules.md). Each step is one formula returning its value and reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.assessment import Assessment, Finding
from domain.policy import ParameterSnapshot
from domain.rules.dibao.amount import Coverage, coverage, gap_amount
from domain.rules.dibao.assets import asset_test
from domain.rules.dibao.codes import NO_COUNTED_MEMBERS, reason, yuan
from domain.rules.dibao.facts import DibaoFacts, DibaoParameters
from domain.rules.dibao.income import HouseholdIncome, counted_income, income_test, per_capita_income
from domain.rules.dibao.individual import individual_amount
from domain.rules.dibao.members import counted_members, member_status
from domain.rules.dibao.record import inputs
from domain.values import ZERO, Program


def _figures(p: DibaoParameters, income: HouseholdIncome, n: int, facts: DibaoFacts) -> dict[str, Any]:
    """The intermediate amounts an auditor reads, as strings to the fen; the member counts as integers."""
    return {
        "standard": yuan(p.standard),
        "gross_income": yuan(income.gross),
        "excluded_income": yuan(income.excluded),
        "deductions": yuan(income.deductions),
        "household_income": yuan(income.net),
        "per_capita_income": None if n == 0 else yuan(per_capita_income(income, n)),
        "counted_members": n,
        "covered_members": len(frozenset(facts.beneficiaries)),
        "financial_assets_per_capita": None if n == 0 else yuan(facts.circumstances.assets.financial / n),
        "financial_limit_per_capita": yuan(p.financial_limit),
        "margin_limit": yuan(p.margin_limit),
    }


def _amount(
    facts: DibaoFacts, p: DibaoParameters, counted_ids: frozenset[UUID], income: HouseholdIncome
) -> tuple[Finding[Decimal], Coverage]:
    """With at least one counted member: the tests and the amount (zero when refused), and the coverage."""
    n = len(counted_ids)
    per_capita = per_capita_income(income, n)
    below, assets = income_test(per_capita, p), asset_test(facts.circumstances.assets, n, p)
    covers = coverage(facts, counted_ids)
    found = (*below.reasons, *assets.reasons, *covers.reasons)
    if covers.value is Coverage.INDIVIDUAL:
        amount = individual_amount(facts, per_capita, p, assets.value)
    elif covers.value is Coverage.HOUSEHOLD and below.value and assets.value:
        amount = gap_amount(p, per_capita, n)
    else:
        amount = Finding(ZERO)
    return Finding(amount.value, (*found, *amount.reasons)), covers.value


def assess_dibao(facts: DibaoFacts, params: ParameterSnapshot) -> Assessment:
    """Run the dibao rules: eligibility, amount, reasons, and the record of what was used."""
    p = DibaoParameters.read(params, facts.area_type)
    status = member_status(facts, p.adult_age)
    members = counted_members(facts, status)
    income = counted_income(facts.circumstances, members.value, p.excluded_kinds)
    if members.value:
        amount, covers = _amount(facts, p, members.value, income.value)
    else:
        amount, covers = Finding(ZERO, (reason(NO_COUNTED_MEMBERS, "no member of the household is counted"),)), None
    return Assessment(
        program=Program.DIBAO,
        assessed_on=facts.on,
        eligible=amount.value > 0,
        monthly_amount=amount.value,
        reasons=(*members.reasons, *income.reasons, *amount.reasons),
        figures=_figures(p, income.value, len(members.value), facts),
        inputs=inputs(facts, status, p.excluded_kinds),
        parameters=params.used_values(),
        individual=covers is Coverage.INDIVIDUAL,
    )
