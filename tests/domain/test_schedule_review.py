"""Dates the rules set (benefit start, next review, end of gradual exit) and how a review ends (docs/rules.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.assessment import Assessment, Reason
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.enrolment import ReviewOutcome
from domain.members import Disability, DisabilityKind, LabourCapacity, Member, Relation
from domain.policy import ParameterSnapshot, ParameterValue
from domain.rules import dibao, schedule
from domain.rules.dibao import DibaoFacts, assess_dibao
from domain.rules.review import review_outcome, work_income
from domain.values import AreaType, Program
from tests.support import COMMUNITY, member

D = Decimal
ON = date(2024, 8, 1)

PARAMETERS: dict[str, Any] = {
    "dibao.standard.urban": D("780.00"),
    "dibao.standard.rural": D("630.00"),
    "dibao.asset.financial_months": 24,
    "dibao.asset.vehicle_value_limit": D("30000.00"),
    "dibao.asset.max_dwellings": 1,
    "dibao.margin_multiplier": D("1.5"),
    "dibao.income.excluded_kinds": ("honour", "orphan_allowance", "residents_basic_pension", "scholarship"),
    "dibao.benefit_start_months": 1,
    "dibao.gradual_exit_months": 6,
    "dibao.review_months.stable": 12,
    "dibao.review_months.other": 6,
}


def params(**overrides: Any) -> ParameterSnapshot:
    """A snapshot of the test parameters; keyword names use ``__`` for dots."""
    chosen = {**PARAMETERS, **{k.replace("__", "."): v for k, v in overrides.items()}}
    values = {name: ParameterValue(name, "430112", date(2024, 1, 1), v, "test basis") for name, v in chosen.items()}
    return ParameterSnapshot(division_code=COMMUNITY, on=ON, values=values)


# --- benefits_start and gradual_exit_until: the case table tests/rules/cases/schedule.yaml --------

# --- next_review_due ------------------------------------------------------------------------

START = date(2024, 2, 1)
SIXTY_ON_START = date(1964, 2, 1)  # 60 on START
FIFTY_NINE_ON_START = date(1964, 2, 2)  # 60 the day after START


def elderly(**kw: Any) -> Member:
    return member(Relation.HEAD, SIXTY_ON_START, **kw)


def worker(**kw: Any) -> Member:
    return member(Relation.SPOUSE, date(1985, 1, 1), **kw)


@pytest.mark.parametrize(
    ("members", "stable"),
    [
        pytest.param(lambda: (elderly(),), True, id="one-elderly"),
        pytest.param(lambda: (elderly(), member(Relation.SPOUSE, date(1950, 1, 1))), True, id="two-elderly"),
        pytest.param(lambda: (member(Relation.HEAD, FIFTY_NINE_ON_START),), False, id="59-on-start"),
        pytest.param(
            lambda: (elderly(), worker(disability=Disability(DisabilityKind.VISUAL, 4))),
            True,
            id="elderly-and-disabled",
        ),
        pytest.param(
            lambda: (elderly(), worker(labour_capacity=LabourCapacity.NONE)), True, id="elderly-and-no-labour"
        ),
        pytest.param(lambda: (elderly(), worker()), False, id="elderly-and-worker"),
        pytest.param(
            lambda: (elderly(), worker(labour_capacity=LabourCapacity.PARTIAL)),
            False,
            id="partial-labour-is-not-stable",
        ),
        pytest.param(lambda: (worker(),), False, id="worker"),
    ],
)
def test_income_stability_decides_the_review_interval(members: Any, stable: bool) -> None:
    """All members elderly, disabled or unable to work → 12 months; otherwise 6 months."""
    household = members()
    assert schedule.income_is_stable(household, START) is stable
    snapshot = params()
    expected = date(2025, 2, 1) if stable else date(2024, 8, 1)
    assert schedule.next_review_due(START, household, snapshot) == expected
    key = "dibao.review_months.stable" if stable else "dibao.review_months.other"
    assert [v.name for v in snapshot.used_values()] == [key]


def test_next_review_due_follows_the_parameters() -> None:
    """The intervals are parameters, not constants."""
    snapshot = params(dibao__review_months__stable=3, dibao__review_months__other=1)
    assert schedule.next_review_due(date(2024, 12, 15), (elderly(),), snapshot) == date(2025, 3, 1)
    assert schedule.next_review_due(date(2024, 12, 15), (worker(),), snapshot) == date(2025, 1, 1)


# --- review_outcome on constructed assessments ----------------------------------------------


def income(kind: str, amount: str, *, excluded: bool = False, counted: bool = True) -> dict[str, Any]:
    return {"kind": kind, "monthly_amount": amount, "excluded": excluded, "counted": counted}


def made(
    eligible: bool,
    amount: str = "0.00",
    codes: tuple[str, ...] = (),
    incomes: tuple[dict[str, Any], ...] = (),
) -> Assessment:
    """An assessment built directly: reasons from codes, inputs from income rows."""
    return Assessment(
        program=Program.DIBAO,
        assessed_on=ON,
        eligible=eligible,
        monthly_amount=D(amount),
        reasons=tuple(Reason(code, code, "test") for code in codes),
        figures={},
        inputs={"incomes": list(incomes)},
        parameters=(),
    )


PREVIOUS = made(True, "560.00", (dibao.INCOME_BELOW_STANDARD,), (income("wages", "1000.00"),))
NOT_BELOW = dibao.INCOME_NOT_BELOW_STANDARD


@pytest.mark.parametrize(
    ("previous", "new", "outcome"),
    [
        pytest.param(PREVIOUS, made(True, "560.00"), ReviewOutcome.CONTINUED, id="eligible-same-amount"),
        pytest.param(PREVIOUS, made(True, "560"), ReviewOutcome.CONTINUED, id="eligible-same-amount-other-scale"),
        pytest.param(PREVIOUS, made(True, "480.00"), ReviewOutcome.ADJUSTED, id="eligible-lower-amount"),
        pytest.param(PREVIOUS, made(True, "600.00"), ReviewOutcome.ADJUSTED, id="eligible-higher-amount"),
        pytest.param(
            PREVIOUS,
            made(False, codes=(dibao.COUNTED_MEMBERS, NOT_BELOW), incomes=(income("wages", "1600.00"),)),
            ReviewOutcome.GRADUAL_EXIT,
            id="wages-rose-above-standard",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(NOT_BELOW,), incomes=(income("wages", "1000.00"), income("business", "600.00"))),
            ReviewOutcome.GRADUAL_EXIT,
            id="business-income-rose",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(NOT_BELOW,), incomes=(income("wages", "1000.00"), income("agriculture", "1.00"))),
            ReviewOutcome.GRADUAL_EXIT,
            id="agriculture-income-rose",
        ),
        pytest.param(
            PREVIOUS,
            made(
                False,
                codes=(NOT_BELOW,),
                incomes=(income("wages", "1000.00"), income("employee_pension", "800.00")),
            ),
            ReviewOutcome.TERMINATED,
            id="non-work-income-rose",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(NOT_BELOW,), incomes=(income("wages", "1000.00"),)),
            ReviewOutcome.TERMINATED,
            id="work-income-unchanged",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(NOT_BELOW,), incomes=(income("wages", "800.00"), income("property", "900.00"))),
            ReviewOutcome.TERMINATED,
            id="work-income-fell",
        ),
        pytest.param(
            PREVIOUS,
            made(
                False,
                codes=(NOT_BELOW,),
                incomes=(income("wages", "1000.00"), income("wages", "900.00", excluded=True)),
            ),
            ReviewOutcome.TERMINATED,
            id="excluded-wages-do-not-count",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(dibao.INCOME_BELOW_STANDARD, dibao.ASSETS_FINANCIAL_OVER_LIMIT)),
            ReviewOutcome.TERMINATED,
            id="assets-over-limit",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(NOT_BELOW, dibao.ASSETS_DWELLINGS_OVER_LIMIT), incomes=(income("wages", "1600.00"),)),
            ReviewOutcome.TERMINATED,
            id="wages-rose-and-assets-over-limit",
        ),
        pytest.param(
            PREVIOUS,
            made(False, codes=(dibao.NO_COUNTED_MEMBERS,)),
            ReviewOutcome.TERMINATED,
            id="no-counted-members",
        ),
        pytest.param(
            None,
            made(False, codes=(NOT_BELOW,), incomes=(income("wages", "1600.00"),)),
            ReviewOutcome.TERMINATED,
            id="no-previous-assessment",
        ),
        pytest.param(PREVIOUS, made(False), ReviewOutcome.TERMINATED, id="ineligible-without-reasons"),
    ],
)
def test_review_outcome(previous: Assessment | None, new: Assessment, outcome: ReviewOutcome) -> None:
    """Eligible → continued/adjusted by amount; ineligible only through a rise in work income → gradual exit."""
    assert review_outcome(D("560.00"), previous, new) is outcome


def test_work_income_sums_counted_work_kinds() -> None:
    """Wages, business and agriculture count; other kinds and excluded items do not."""
    a = made(
        False,
        incomes=(
            income("wages", "100.00"),
            income("business", "20.00"),
            income("agriculture", "3.00"),
            income("employee_pension", "1000.00"),
            income("wages", "5000.00", excluded=True),
        ),
    )
    assert work_income(a) == D("123.00")
    assert work_income(made(False)) == D("0")


def test_wages_of_an_uncounted_member_do_not_make_a_gradual_exit() -> None:
    """Only counted income rose, and not from work: the review terminates."""
    previous = made(
        True, "560.00", (dibao.INCOME_BELOW_STANDARD,), (income("wages", "1000.00"), income("wages", "0.00"))
    )
    new = made(
        False,
        codes=(dibao.NO_SUPPORT_RELATION, dibao.COUNTED_MEMBERS, NOT_BELOW),
        incomes=(
            income("wages", "1000.00"),
            income("employee_pension", "800.00"),
            income("wages", "3000.00", counted=False),
        ),
    )
    assert review_outcome(D("560.00"), previous, new) is ReviewOutcome.TERMINATED


# --- review_outcome on assessments from the dibao rules -------------------------------------


def assess(
    head: Member,
    spouse: Member,
    incomes: tuple[tuple[Member, IncomeKind, str], ...],
    assets: Assets | None = None,
) -> Assessment:
    facts = DibaoFacts(
        area_type=AreaType.URBAN,
        members=(head, spouse),
        circumstances=Circumstances(
            incomes=tuple(IncomeItem(m.person_id, kind, D(a)) for m, kind, a in incomes), assets=assets or Assets()
        ),
        beneficiaries=(head.person_id, spouse.person_id),
        on=ON,
    )
    return assess_dibao(facts, params())


@pytest.fixture
def couple() -> tuple[Member, Member]:
    return member(Relation.HEAD), member(Relation.SPOUSE, date(1982, 3, 3))


def test_real_assessments_continued_and_adjusted(couple: tuple[Member, Member]) -> None:
    """Same facts → continued; lower wages → adjusted to the new gap amount."""
    head, spouse = couple
    previous = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"),))
    assert (previous.eligible, previous.monthly_amount) == (True, D("560.00"))  # (780 - 500) x 2
    same = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"),))
    lower = assess(head, spouse, ((head, IncomeKind.WAGES, "800.00"),))
    assert review_outcome(previous.monthly_amount, previous, same) is ReviewOutcome.CONTINUED
    assert lower.monthly_amount == D("760.00")  # (780 - 400) x 2
    assert review_outcome(previous.monthly_amount, previous, lower) is ReviewOutcome.ADJUSTED


def test_real_assessment_wages_rose_above_standard_is_gradual_exit(couple: tuple[Member, Member]) -> None:
    """Per-capita income above the standard because the head's wages rose → gradual exit."""
    head, spouse = couple
    previous = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"),))
    new = assess(head, spouse, ((head, IncomeKind.WAGES, "1600.00"),))
    assert not new.eligible
    assert dibao.INCOME_NOT_BELOW_STANDARD in new.reason_codes
    assert review_outcome(previous.monthly_amount, previous, new) is ReviewOutcome.GRADUAL_EXIT


def test_real_assessment_assets_over_limit_is_terminated(couple: tuple[Member, Member]) -> None:
    """Income still below the standard but a second dwelling → terminated."""
    head, spouse = couple
    previous = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"),))
    new = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"),), Assets(dwellings=2))
    assert dibao.ASSETS_DWELLINGS_OVER_LIMIT in new.reason_codes
    assert review_outcome(previous.monthly_amount, previous, new) is ReviewOutcome.TERMINATED


def test_real_assessment_non_work_income_rise_is_terminated(couple: tuple[Member, Member]) -> None:
    """Per-capita income above the standard because of a pension, wages unchanged → terminated."""
    head, spouse = couple
    previous = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"),))
    new = assess(head, spouse, ((head, IncomeKind.WAGES, "1000.00"), (spouse, IncomeKind.EMPLOYEE_PENSION, "800.00")))
    assert dibao.INCOME_NOT_BELOW_STANDARD in new.reason_codes
    assert review_outcome(previous.monthly_amount, previous, new) is ReviewOutcome.TERMINATED
