"""How a periodic review ends (docs/rules.md): continued, adjusted, gradual exit or terminated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.assessment import Assessment
from domain.enrolment import ReviewOutcome
from domain.rules import dibao

#: Income earned by working; a rise in it above the standard leads to gradual exit, not termination.
WORK_INCOME_KINDS = frozenset({"wages", "business", "agriculture"})

#: Findings that refuse dibao for a reason other than income: these end in termination.
NON_INCOME_FAILURES = frozenset(
    {
        dibao.ASSETS_FINANCIAL_OVER_LIMIT,
        dibao.ASSETS_VEHICLE_OVER_LIMIT,
        dibao.ASSETS_DWELLINGS_OVER_LIMIT,
        dibao.NO_COUNTED_MEMBERS,
        dibao.NO_BENEFICIARIES,
        dibao.BENEFICIARY_NOT_COUNTED,
        dibao.BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL,
        dibao.MARGIN_INCOME_OVER_LIMIT,
        dibao.PARTIAL_ENROLMENT_REFUSED,
        dibao.OWN_INCOME_ABOVE_STANDARD,
    }
)


def work_income(assessment: Assessment) -> Decimal:
    """Counted monthly income from work in an assessment's recorded inputs."""
    incomes: list[dict[str, Any]] = assessment.inputs.get("incomes", [])
    return sum(
        (
            Decimal(i["monthly_amount"])
            for i in incomes
            if i["kind"] in WORK_INCOME_KINDS and i.get("counted", True) and not i.get("excluded")
        ),
        Decimal(0),
    )


def review_outcome(current_amount: Decimal, previous: Assessment | None, new: Assessment) -> ReviewOutcome:
    """Decide a review's outcome from the new assessment and the one the enrolment stood on."""
    if new.eligible:
        return ReviewOutcome.CONTINUED if new.monthly_amount == current_amount else ReviewOutcome.ADJUSTED
    codes = set(new.reason_codes)
    only_income = dibao.INCOME_NOT_BELOW_STANDARD in codes and not codes & NON_INCOME_FAILURES
    if only_income and previous is not None and work_income(new) > work_income(previous):
        return ReviewOutcome.GRADUAL_EXIT
    return ReviewOutcome.TERMINATED
