"""How a periodic review ends (spec §4): continued, adjusted, gradual exit or terminated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.assessment import Assessment
from domain.enrolment import ReviewOutcome

#: Income earned by working; a rise in it above the standard leads to gradual exit, not termination.
WORK_INCOME_KINDS = frozenset({"wages", "business", "agriculture"})
INCOME_CODE = "INCOME_NOT_BELOW_STANDARD"


def work_income(assessment: Assessment) -> Decimal:
    """Counted monthly income from work in an assessment's recorded inputs."""
    incomes: list[dict[str, Any]] = assessment.inputs.get("incomes", [])
    return sum(
        (Decimal(i["monthly_amount"]) for i in incomes if i["kind"] in WORK_INCOME_KINDS and not i.get("excluded")),
        Decimal("0"),
    )


def review_outcome(current_amount: Decimal, previous: Assessment | None, new: Assessment) -> ReviewOutcome:
    """Decide a review's outcome from the new assessment and the one the enrolment stood on."""
    if new.eligible:
        return ReviewOutcome.CONTINUED if new.monthly_amount == current_amount else ReviewOutcome.ADJUSTED
    only_income = (
        new.reason_codes
        and all(
            not r.startswith(("ASSETS_", "PARTIAL_", "NO_COUNTED", "BENEFICIARY_", "MARGIN_", "OWN_INCOME"))
            for r in new.reason_codes
        )
        and INCOME_CODE in new.reason_codes
    )
    if only_income and previous is not None and work_income(new) > work_income(previous):
        return ReviewOutcome.GRADUAL_EXIT
    return ReviewOutcome.TERMINATED
