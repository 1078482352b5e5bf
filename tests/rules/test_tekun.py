"""Table tests for the tekun rules (docs/rules.md): both sides of every boundary, amounts by hand."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.assessment import Assessment
from domain.members import Disability, DisabilityKind, Member, Relation, SchoolStatus
from domain.policy import ParameterSnapshot, ParameterValue
from domain.rules import tekun
from domain.rules.tekun import (
    Arrangement,
    CareLevel,
    DailyActivity,
    TekunFacts,
    able_to_work,
    assess_tekun,
    care_level,
)
from domain.values import AreaType, IdNumber, Program, id_check_character

ON = date(2024, 3, 1)
D = Decimal

PARAMETERS: dict[str, Any] = {
    "dibao.standard.urban": D("780.00"),
    "dibao.standard.rural": D("600.00"),
    "tekun.multiplier": D("1.3"),
    "tekun.asset.financial_limit": D("20000.00"),
    "tekun.care.concentrated.self_care": D("100.00"),
    "tekun.care.concentrated.partial": D("400.00"),
    "tekun.care.concentrated.full": D("1000.00"),
    "tekun.care.dispersed.self_care": D("60.00"),
    "tekun.care.dispersed.partial": D("300.00"),
    "tekun.care.dispersed.full": D("600.00"),
    "tekun.school_extension_age": 22,
}

ELDER = date(1950, 6, 1)  # 73 on ON
ALL = frozenset(DailyActivity)
FOUR = frozenset({DailyActivity.EATING, DailyActivity.DRESSING, DailyActivity.BED_TRANSFER, DailyActivity.TOILETING})

_seq = iter(range(100, 1000))


def make_id(birth: date, seq: int) -> str:
    """A valid ID number for a person born in Chaoyang district on ``birth``."""
    first17 = "110105" + birth.strftime("%Y%m%d") + f"{seq:03d}"
    return first17 + id_check_character(first17)


def make_params(**overrides: Any) -> ParameterSnapshot:
    values = {
        name: ParameterValue(name, "110105", date(2024, 1, 1), value, "test basis")
        for name, value in {**PARAMETERS, **overrides}.items()
    }
    return ParameterSnapshot(division_code="110105001001", on=ON, values=values)


def person(birth: date = ELDER, **changes: Any) -> Member:
    return Member(
        person_id=uuid4(),
        name="李四",
        id_number=IdNumber(make_id(birth, next(_seq))),
        relation=Relation.HEAD,
        **changes,
    )


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
    result = assess_tekun(facts, params or make_params())
    assert result.program is Program.TEKUN
    if result.eligible:
        assert result.monthly_amount > 0
    else:
        assert str(result.monthly_amount) == "0.00"
    return result


# --- care level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unable", "level"),
    [
        pytest.param(frozenset(), CareLevel.SELF_CARE, id="none"),
        pytest.param(frozenset({DailyActivity.BATHING}), CareLevel.PARTIAL, id="one"),
        pytest.param(FOUR - {DailyActivity.TOILETING}, CareLevel.PARTIAL, id="three"),
        pytest.param(FOUR, CareLevel.FULL, id="four"),
        pytest.param(ALL, CareLevel.FULL, id="six"),
    ],
)
def test_care_level(unable: frozenset[DailyActivity], level: CareLevel) -> None:
    """Unable to do none of the six activities: self care; 1–3: partial; 4 or more: full."""
    assert care_level(unable) is level


# --- ability to work ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "disability", "expected"),
    [
        pytest.param(date(1964, 3, 1), None, (False, tekun.NO_WORK_ABILITY_ELDERLY), id="60th-birthday"),
        pytest.param(date(1964, 3, 2), None, (True, tekun.ABLE_TO_WORK), id="59-day-before-60"),
        pytest.param(date(2008, 3, 2), None, (False, tekun.NO_WORK_ABILITY_UNDER_16), id="15-day-before-16"),
        pytest.param(date(2008, 3, 1), None, (True, tekun.ABLE_TO_WORK), id="16th-birthday"),
        *(
            pytest.param(
                date(1980, 1, 1),
                Disability(kind, grade),
                (not qualifies, tekun.NO_WORK_ABILITY_DISABILITY if qualifies else tekun.ABLE_TO_WORK),
                id=f"{kind}-{grade}",
            )
            for kind, grade, qualifies in [
                (DisabilityKind.INTELLECTUAL, 3, True),
                (DisabilityKind.INTELLECTUAL, 4, False),
                (DisabilityKind.MENTAL, 1, True),
                (DisabilityKind.MENTAL, 3, True),
                (DisabilityKind.MENTAL, 4, False),
                (DisabilityKind.PHYSICAL, 2, True),
                (DisabilityKind.PHYSICAL, 3, False),
                (DisabilityKind.VISUAL, 1, True),
                (DisabilityKind.VISUAL, 2, False),
                (DisabilityKind.HEARING, 1, False),
                (DisabilityKind.SPEECH, 1, False),
                (DisabilityKind.MULTIPLE, 1, False),
            ]
        ),
    ],
)
def test_able_to_work(birth: date, disability: Disability | None, expected: tuple[bool, str]) -> None:
    """No ability to work at 60 or over, under 16, or with a qualifying disability grade."""
    assert able_to_work(person(birth, disability=disability), ON) == expected


@pytest.mark.parametrize(
    ("birth", "school", "extension_age", "eligible", "code"),
    [
        pytest.param(date(2008, 3, 2), SchoolStatus.NOT_IN_SCHOOL, 22, True, tekun.NO_WORK_ABILITY_UNDER_16, id="15"),
        pytest.param(date(2008, 3, 1), SchoolStatus.NOT_IN_SCHOOL, 22, True, tekun.MINOR_UNDER_18, id="16"),
        pytest.param(date(2006, 3, 2), SchoolStatus.NOT_IN_SCHOOL, 22, True, tekun.MINOR_UNDER_18, id="17y364d"),
        pytest.param(
            date(2006, 3, 1), SchoolStatus.NOT_IN_SCHOOL, 22, False, tekun.ABLE_TO_WORK, id="18-not-in-school"
        ),
        pytest.param(date(2006, 3, 1), SchoolStatus.FULL_TIME, 22, True, tekun.IN_SCHOOL_EXTENSION, id="18-in-school"),
        pytest.param(date(2002, 3, 2), SchoolStatus.FULL_TIME, 22, True, tekun.IN_SCHOOL_EXTENSION, id="21-in-school"),
        pytest.param(
            date(2002, 3, 1), SchoolStatus.FULL_TIME, 22, False, tekun.SCHOOL_EXTENSION_AGE_REACHED, id="22-in-school"
        ),
        pytest.param(
            date(2006, 3, 1), SchoolStatus.FULL_TIME, 18, False, tekun.SCHOOL_EXTENSION_AGE_REACHED, id="no-extension"
        ),
    ],
)
def test_minors_and_school_extension(
    birth: date, school: SchoolStatus, extension_age: int, eligible: bool, code: str
) -> None:
    """Minors stay eligible until 18; a full-time student until the school extension age, exclusive."""
    params = make_params(**{"tekun.school_extension_age": extension_age})
    a = assess(person(birth, school_status=school), params=params)
    assert a.reasons[0].code == code
    assert a.eligible is eligible
    read = {p.name for p in a.parameters}
    assert ("tekun.school_extension_age" in read) is (
        code in (tekun.IN_SCHOOL_EXTENSION, tekun.SCHOOL_EXTENSION_AGE_REACHED)
    )


# --- means and supporters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "income", "assets", "eligible", "codes"),
    [
        pytest.param(
            AreaType.URBAN, "779.99", "0.00", True, {tekun.INCOME_BELOW_DIBAO_STANDARD}, id="urban-0.01-below"
        ),
        pytest.param(AreaType.URBAN, "780.00", "0.00", False, {tekun.INCOME_NOT_BELOW_DIBAO_STANDARD}, id="urban-at"),
        pytest.param(
            AreaType.RURAL, "599.99", "0.00", True, {tekun.INCOME_BELOW_DIBAO_STANDARD}, id="rural-0.01-below"
        ),
        pytest.param(AreaType.RURAL, "600.00", "0.00", False, {tekun.INCOME_NOT_BELOW_DIBAO_STANDARD}, id="rural-at"),
        pytest.param(AreaType.URBAN, "0.00", "20000.00", True, {tekun.FINANCIAL_ASSETS_WITHIN_LIMIT}, id="assets-at"),
        pytest.param(
            AreaType.URBAN, "0.00", "20000.01", False, {tekun.FINANCIAL_ASSETS_OVER_LIMIT}, id="assets-0.01-over"
        ),
    ],
)
def test_no_means_of_living(area: AreaType, income: str, assets: str, eligible: bool, codes: set[str]) -> None:
    """Income strictly below the area's dibao standard and financial assets at most the limit."""
    a = assess(area=area, income=income, assets=assets)
    assert codes <= set(a.reason_codes)
    assert a.eligible is eligible


@pytest.mark.parametrize(
    ("supporter", "child_program", "eligible", "code"),
    [
        pytest.param(False, False, True, tekun.NO_CAPABLE_SUPPORTER, id="no-supporter"),
        pytest.param(True, False, False, tekun.HAS_CAPABLE_SUPPORTER, id="capable-supporter"),
        pytest.param(False, True, False, tekun.TAKES_CHILD_PROGRAM, id="takes-child-program"),
    ],
)
def test_supporter_and_child_program(supporter: bool, child_program: bool, eligible: bool, code: str) -> None:
    """A capable supporter, or taking the orphan/unsupported-child program, excludes tekun."""
    a = assess(person(date(2012, 5, 5)), supporter=supporter, child_program=child_program)
    assert code in a.reason_codes
    assert a.eligible is eligible


def test_every_failed_criterion_is_reported() -> None:
    """A person failing all criteria gets one reason per failure and no amount reason."""
    a = assess(person(date(1980, 1, 1)), income="900.00", assets="30000.00", supporter=True, child_program=True)
    assert not a.eligible
    assert {
        tekun.ABLE_TO_WORK,
        tekun.INCOME_NOT_BELOW_DIBAO_STANDARD,
        tekun.FINANCIAL_ASSETS_OVER_LIMIT,
        tekun.HAS_CAPABLE_SUPPORTER,
        tekun.TAKES_CHILD_PROGRAM,
    } <= set(a.reason_codes)
    assert tekun.BENEFIT_AMOUNT not in a.reason_codes


# --- amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "arrangement", "unable", "amount"),
    [
        # urban standard 780.00 x 1.3 = 1014.00 + dispersed full care 600.00 = 1614.00
        pytest.param(AreaType.URBAN, Arrangement.DISPERSED, FOUR, D("1614.00"), id="urban-dispersed-full"),
        # urban 1014.00 + concentrated partial 400.00 = 1414.00
        pytest.param(
            AreaType.URBAN,
            Arrangement.CONCENTRATED,
            frozenset({DailyActivity.EATING}),
            D("1414.00"),
            id="urban-conc-partial",
        ),
        # urban 1014.00 + concentrated full 1000.00 = 2014.00
        pytest.param(AreaType.URBAN, Arrangement.CONCENTRATED, ALL, D("2014.00"), id="urban-concentrated-full"),
        # rural standard 600.00 x 1.3 = 780.00 + concentrated self care 100.00 = 880.00
        pytest.param(AreaType.RURAL, Arrangement.CONCENTRATED, frozenset(), D("880.00"), id="rural-conc-self-care"),
        # rural 780.00 + dispersed partial 300.00 = 1080.00
        pytest.param(
            AreaType.RURAL, Arrangement.DISPERSED, FOUR - {DailyActivity.EATING}, D("1080.00"), id="rural-disp-partial"
        ),
        # rural 780.00 + dispersed self care 60.00 = 840.00
        pytest.param(AreaType.RURAL, Arrangement.DISPERSED, frozenset(), D("840.00"), id="rural-dispersed-self-care"),
    ],
)
def test_amount_by_area_arrangement_and_level(
    area: AreaType, arrangement: Arrangement, unable: frozenset[DailyActivity], amount: Decimal
) -> None:
    """Basic living (1.3 x the area's standard) plus the care subsidy for the arrangement and level."""
    a = assess(area=area, arrangement=arrangement, unable=unable)
    assert a.eligible
    assert a.monthly_amount == amount
    assert tekun.BENEFIT_AMOUNT in a.reason_codes
    level = care_level(unable)
    assert a.figures["care_level"] == str(level)
    assert {p.name for p in a.parameters} == {
        f"dibao.standard.{area}",
        "tekun.multiplier",
        "tekun.asset.financial_limit",
        f"tekun.care.{arrangement}.{level}",
    }


@pytest.mark.parametrize(
    ("standard", "multiplier", "basic", "amount"),
    [
        # 777.77 x 1.3 = 1011.101 -> 1011.11 (up, never below the product); + 60.00 = 1071.11
        pytest.param(D("777.77"), D("1.3"), "1011.11", D("1071.11"), id="round-up-small-fraction"),
        # 777.75 x 1.3 = 1011.075 -> 1011.08; + 60.00 = 1071.08
        pytest.param(D("777.75"), D("1.3"), "1011.08", D("1071.08"), id="round-up-half"),
        # 780.00 x 1.5 = 1170.00; + 60.00 = 1230.00
        pytest.param(D("780.00"), D("1.5"), "1170.00", D("1230.00"), id="multiplier-1.5"),
    ],
)
def test_basic_living_rounded_to_the_fen(standard: Decimal, multiplier: Decimal, basic: str, amount: Decimal) -> None:
    """Basic living is multiplier x standard rounded up to the fen before the care subsidy is added."""
    params = make_params(**{"dibao.standard.urban": standard, "tekun.multiplier": multiplier})
    a = assess(params=params)
    assert a.figures["basic_living"] == basic
    assert a.monthly_amount == amount


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
    params = make_params()
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
    assert json.loads(json.dumps(a.inputs)) == a.inputs
    text = json.dumps(a.inputs) + json.dumps(a.figures) + repr(a.reasons)
    assert m.name not in text
    assert m.id_number.value not in text
    assert m.id_number.value[6:14] not in text
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
    for a in runs:
        for r in a.reasons:
            assert r.legal_basis == tekun.REASON_CATALOGUE[r.code]
            assert r.message
    assert "民发〔2021〕43号" in tekun.REASON_CATALOGUE[tekun.NO_WORK_ABILITY_ELDERLY]
    assert "生活自理能力" in tekun.REASON_CATALOGUE[tekun.CARE_LEVEL_ASSESSED]
    assert "国务院令第649号" in tekun.REASON_CATALOGUE[tekun.BENEFIT_AMOUNT]
