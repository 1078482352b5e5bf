"""The tekun rules beyond the case table (tests/rules/cases/tekun.yaml): the record an assessment keeps
(figures, the parameters used, inputs, reasons with their legal basis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.assessment import Assessment
from domain.members import Disability, DisabilityKind, Member, Relation, SchoolStatus
from domain.policy import ParameterSnapshot
from domain.rules import tekun
from domain.rules.tekun import (
    Arrangement,
    DailyActivity,
    TekunFacts,
    assess_tekun,
)
from domain.values import AreaType, Program
from tests.rules.support import (
    ON,
    assert_catalogued,
    assert_no_personal_data,
    checked,
    table_snapshot,
)
from tests.rules.support import person as make_person

D = Decimal


ELDER = date(1950, 6, 1)  # 73 on ON
FOUR = frozenset({DailyActivity.EATING, DailyActivity.DRESSING, DailyActivity.BED_TRANSFER, DailyActivity.TOILETING})


def person(birth: date = ELDER, **changes: Any) -> Member:
    return make_person(Relation.HEAD, birth, **changes)


def assess(
    member: Member | None = None,
    *,
    area: AreaType = AreaType.URBAN,
    income: str = "0.00",
    assets: str = "0.00",
    supporter: bool = False,
    unable: frozenset[DailyActivity] = frozenset(),
    arrangement: Arrangement = Arrangement.DISPERSED,
    child_program: bool = False,
    params: ParameterSnapshot | None = None,
    on: date = ON,
) -> Assessment:
    """Run the rules for an elderly person without income unless told otherwise; check the amount invariant."""
    facts = TekunFacts(
        area_type=area,
        person=member or person(),
        on=on,
        monthly_income=D(income),
        financial_assets=D(assets),
        has_capable_supporter=supporter,
        unable_activities=unable,
        arrangement=arrangement,
        takes_child_program=child_program,
    )
    result = checked(assess_tekun(facts, params or table_snapshot("tekun")))
    assert result.program is Program.TEKUN
    return result


# --- the record -----------------------------------------------------------------------------


def test_figures() -> None:
    """Figures carry the standard, multiplier, basic living, care level and subsidy as plain strings."""
    a = assess(unable=FOUR)
    assert a.figures == {
        "standard": "780.00",
        "multiplier": "1.3",
        "basic_living": "1014.00",
        "care_level": "full",
        "care_subsidy": "600.00",
        "financial_limit": "20000.00",
    }
    assert a.monthly_amount == D("1614.00")  # 1014.00 + 600.00
    assert a.assessed_on == ON


def test_parameters_record_the_values_used() -> None:
    """The assessment lists the exact ParameterValues applied, and not the other area's standard."""
    params = table_snapshot("tekun")
    a = assess(area=AreaType.RURAL, arrangement=Arrangement.CONCENTRATED, unable=FOUR, params=params)
    assert a.parameters == tuple(
        params.values[n]
        for n in sorted(
            (
                "dibao.standard.rural",
                "tekun.multiplier",
                "tekun.asset.financial_limit",
                "tekun.care.concentrated.full",
            )
        )
    )


def test_inputs_plain_json_without_personal_data() -> None:
    """Inputs and figures are plain JSON, hold the facts seen and no name or ID number."""
    m = person(disability=Disability(DisabilityKind.VISUAL, 1))
    a = assess(m, income="120.50", assets="3000.00", unable=frozenset({DailyActivity.BATHING, DailyActivity.EATING}))
    assert_no_personal_data(a, m)
    assert a.inputs == {
        "area_type": "urban",
        "on": "2024-03-01",
        "person": {
            "person_id": str(m.person_id),
            "age": 73,
            "disability": {"kind": "visual", "grade": 1},
            "labour_capacity": "full",
            "school_status": "not_in_school",
        },
        "monthly_income": "120.50",
        "financial_assets": "3000.00",
        "has_capable_supporter": False,
        "unable_activities": ["bathing", "eating"],
        "arrangement": "dispersed",
        "takes_child_program": False,
    }


def test_reasons_carry_catalogued_legal_basis() -> None:
    """Every reason's code is in the catalogue and carries that code's legal basis."""
    runs = [
        assess(),
        assess(person(date(1980, 1, 1)), income="900.00", assets="30000.00", supporter=True, child_program=True),
        assess(person(date(2006, 3, 1), school_status=SchoolStatus.FULL_TIME)),
    ]
    assert_catalogued(runs, tekun.REASON_CATALOGUE)
    assert "民发〔2021〕43号" in tekun.REASON_CATALOGUE[tekun.NO_WORK_ABILITY_ELDERLY]
    assert "生活自理能力" in tekun.REASON_CATALOGUE[tekun.CARE_LEVEL_ASSESSED]
    assert "国务院令第649号" in tekun.REASON_CATALOGUE[tekun.BENEFIT_AMOUNT]
