"""Table tests for the dibao rules (docs/rules.md): both sides of every boundary, amounts by hand."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.assessment import Assessment
from domain.circumstances import (
    Assets,
    Circumstances,
    CostItem,
    CostKind,
    IncomeItem,
    IncomeKind,
)
from domain.members import (
    Absence,
    Disability,
    DisabilityKind,
    LabourCapacity,
    Member,
    Relation,
    SchoolStatus,
)
from domain.policy import ParameterSnapshot, ParameterValue
from domain.rules import dibao
from domain.rules.dibao import DibaoFacts, assess_dibao, counted
from domain.values import AreaType, IdNumber, id_check_character

ON = date(2024, 3, 1)
D = Decimal

PARAMETERS: dict[str, Any] = {
    "dibao.standard.urban": D("780.00"),
    "dibao.standard.rural": D("600.00"),
    "dibao.asset.financial_months": 24,
    "dibao.asset.vehicle_value_limit": D("50000.00"),
    "dibao.asset.max_dwellings": 1,
    "dibao.margin_multiplier": D("1.5"),
    "dibao.income.excluded_kinds": (
        "honour",
        "orphan_allowance",
        "residents_basic_pension",
        "scholarship",
        "social_assistance",
    ),
}


def make_id(birth: date, seq: int = 123) -> str:
    """A valid ID number for a person born in Chaoyang district on ``birth``."""
    first17 = "110105" + birth.strftime("%Y%m%d") + f"{seq:03d}"
    return first17 + id_check_character(first17)


def make_params() -> ParameterSnapshot:
    values = {
        name: ParameterValue(name, "110105", date(2024, 1, 1), value, "test basis")
        for name, value in PARAMETERS.items()
    }
    return ParameterSnapshot(division_code="110105001001", on=ON, values=values)


_seq = iter(range(100, 1000))


def person(relation: Relation, birth: date = date(1980, 1, 1), **changes: Any) -> Member:
    return Member(
        person_id=uuid4(),
        name="张三",
        id_number=IdNumber(make_id(birth, next(_seq))),
        relation=relation,
        **changes,
    )


@dataclass
class Household:
    """A head, a spouse and a 14-year-old child unless told otherwise; all wages on the head."""

    head: Member = field(default_factory=lambda: person(Relation.HEAD))
    spouse: Member = field(default_factory=lambda: person(Relation.SPOUSE, date(1982, 5, 5)))
    child: Member = field(default_factory=lambda: person(Relation.CHILD, date(2010, 1, 1)))
    others: tuple[Member, ...] = ()

    @property
    def members(self) -> tuple[Member, ...]:
        return (self.head, self.spouse, self.child, *self.others)


def assess(
    members: tuple[Member, ...],
    incomes: tuple[tuple[Member, IncomeKind, str], ...] = (),
    costs: tuple[tuple[Member, str], ...] = (),
    assets: Assets | None = None,
    beneficiaries: tuple[UUID, ...] | None = None,
    area: AreaType = AreaType.URBAN,
    params: ParameterSnapshot | None = None,
) -> Assessment:
    """Run the rules; beneficiaries default to every counted member. Checks the amount invariant."""
    circumstances = Circumstances(
        incomes=tuple(IncomeItem(m.person_id, kind, D(amount)) for m, kind, amount in incomes),
        assets=assets or Assets(),
        costs=tuple(CostItem(m.person_id, CostKind.MEDICAL, D(amount)) for m, amount in costs),
    )
    if beneficiaries is None:
        beneficiaries = tuple(m.person_id for m in members if counted(m, ON)[0])
    facts = DibaoFacts(area_type=area, members=members, circumstances=circumstances, beneficiaries=beneficiaries, on=ON)
    result = assess_dibao(facts, params or make_params())
    if result.eligible:
        assert result.monthly_amount > 0
    else:
        assert str(result.monthly_amount) == "0.00"
    return result


def wages(m: Member, amount: str) -> tuple[Member, IncomeKind, str]:
    return (m, IncomeKind.WAGES, amount)


# --- who is counted -------------------------------------------------------------------------

ADULT_CHILD = date(2006, 3, 1)  # 18 on ON
MINOR_CHILD = date(2006, 3, 2)  # 17 on ON, 18 the next day


@pytest.mark.parametrize(
    ("relation", "birth", "changes", "expected"),
    [
        pytest.param(Relation.HEAD, date(1980, 1, 1), {}, (True, dibao.COUNTED_HEAD_OR_SPOUSE), id="head"),
        pytest.param(Relation.SPOUSE, date(1980, 1, 1), {}, (True, dibao.COUNTED_HEAD_OR_SPOUSE), id="spouse"),
        pytest.param(Relation.CHILD, MINOR_CHILD, {}, (True, dibao.COUNTED_MINOR_CHILD), id="child-17"),
        pytest.param(Relation.CHILD, ADULT_CHILD, {}, (False, dibao.NO_SUPPORT_RELATION), id="child-18"),
        pytest.param(
            Relation.CHILD,
            ADULT_CHILD,
            {"school_status": SchoolStatus.FULL_TIME},
            (True, dibao.COUNTED_CHILD_FULL_TIME_STUDENT),
            id="child-18-student",
        ),
        pytest.param(
            Relation.CHILD,
            ADULT_CHILD,
            {"labour_capacity": LabourCapacity.NONE},
            (True, dibao.COUNTED_CHILD_NO_LABOUR_CAPACITY),
            id="child-18-no-labour-capacity",
        ),
        pytest.param(
            Relation.CHILD,
            ADULT_CHILD,
            {"labour_capacity": LabourCapacity.PARTIAL},
            (False, dibao.NO_SUPPORT_RELATION),
            id="child-18-partial-labour-capacity",
        ),
        pytest.param(
            Relation.CHILD,
            ADULT_CHILD,
            {"support_duty": True},
            (True, dibao.COUNTED_SUPPORT_DUTY),
            id="child-18-support-duty",
        ),
        pytest.param(Relation.SIBLING, date(1985, 1, 1), {}, (False, dibao.NO_SUPPORT_RELATION), id="sibling"),
        pytest.param(
            Relation.SIBLING,
            date(1985, 1, 1),
            {"support_duty": True},
            (True, dibao.COUNTED_SUPPORT_DUTY),
            id="sibling-support-duty",
        ),
        pytest.param(
            Relation.PARENT,
            date(1950, 1, 1),
            {"support_duty": True},
            (True, dibao.COUNTED_SUPPORT_DUTY),
            id="parent-support-duty",
        ),
        pytest.param(
            Relation.HEAD,
            date(1980, 1, 1),
            {"absence": Absence.PRISON},
            (False, dibao.MEMBER_ABSENT_PRISON),
            id="prison",
        ),
        pytest.param(
            Relation.SPOUSE,
            date(1980, 1, 1),
            {"absence": Absence.COMPULSORY_REHABILITATION},
            (False, dibao.MEMBER_ABSENT_REHABILITATION),
            id="rehabilitation",
        ),
        pytest.param(
            Relation.CHILD,
            MINOR_CHILD,
            {"absence": Absence.DECLARED_MISSING},
            (False, dibao.MEMBER_ABSENT_MISSING),
            id="missing",
        ),
        pytest.param(
            Relation.HEAD, date(1980, 1, 1), {"resident": False}, (False, dibao.NOT_RESIDENT), id="not-resident"
        ),
        pytest.param(
            Relation.HEAD,
            date(1980, 1, 1),
            {"resident": False, "absence": Absence.PRISON},
            (False, dibao.MEMBER_ABSENT_PRISON),
            id="absence-before-residence",
        ),
    ],
)
def test_counted(relation: Relation, birth: date, changes: dict[str, Any], expected: tuple[bool, str]) -> None:
    """counted() decides membership by absence, residence, relation, age, schooling and support duty."""
    assert counted(person(relation, birth, **changes), ON) == expected


@pytest.mark.parametrize(
    ("birth", "counted_members", "amount"),
    [
        pytest.param(MINOR_CHILD, 3, D("1140.00"), id="child-17-counted"),  # 1200 / 3 = 400.00; 380.00 x 3
        pytest.param(ADULT_CHILD, 2, D("360.00"), id="child-18-not-counted"),  # 1200 / 2 = 600.00; 180.00 x 2
    ],
)
def test_child_age_boundary_changes_household_size(birth: date, counted_members: int, amount: Decimal) -> None:
    """A child counts on the day before their 18th birthday and not on it; the gap follows."""
    h = Household(child=person(Relation.CHILD, birth))
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),))
    assert a.eligible
    assert a.figures["counted_members"] == counted_members
    assert a.monthly_amount == amount


@pytest.mark.parametrize(
    ("absence", "code"),
    [
        pytest.param(Absence.PRISON, dibao.MEMBER_ABSENT_PRISON, id="prison"),
        pytest.param(Absence.COMPULSORY_REHABILITATION, dibao.MEMBER_ABSENT_REHABILITATION, id="rehabilitation"),
        pytest.param(Absence.DECLARED_MISSING, dibao.MEMBER_ABSENT_MISSING, id="missing"),
    ],
)
def test_absent_member_and_their_income_not_counted(absence: Absence, code: str) -> None:
    """An absent spouse leaves the count and their income is ignored: 1200 / 2 = 600.00, gap 180.00 x 2."""
    h = Household(spouse=person(Relation.SPOUSE, absence=absence))
    a = assess(h.members, incomes=(wages(h.head, "1200.00"), wages(h.spouse, "3000.00")))
    assert code in a.reason_codes
    assert a.figures["counted_members"] == 2
    assert a.monthly_amount == D("360.00")


def test_income_of_uncounted_member_ignored() -> None:
    """An adult working child without support duty is not counted, nor is their income."""
    worker = person(Relation.CHILD, date(1999, 1, 1))
    h = Household(others=(worker,))
    a = assess(h.members, incomes=(wages(h.head, "1200.00"), wages(worker, "5000.00")))
    assert dibao.NO_SUPPORT_RELATION in a.reason_codes
    assert a.figures["household_income"] == "1200.00"
    assert a.monthly_amount == D("1140.00")  # 400.00 per capita; 380.00 x 3


# --- income against the standard ----------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "income", "per_capita", "eligible", "amount"),
    [
        pytest.param(AreaType.URBAN, "2340.00", "780.00", False, D("0.00"), id="urban-at-standard"),
        pytest.param(AreaType.URBAN, "2339.97", "779.99", True, D("0.03"), id="urban-0.01-below"),
        pytest.param(AreaType.RURAL, "1800.00", "600.00", False, D("0.00"), id="rural-at-standard"),
        pytest.param(AreaType.RURAL, "1799.97", "599.99", True, D("0.03"), id="rural-0.01-below"),
        pytest.param(AreaType.URBAN, "1200.00", "400.00", True, D("1140.00"), id="urban-gap"),  # 380.00 x 3
        pytest.param(AreaType.RURAL, "1200.00", "400.00", True, D("600.00"), id="rural-gap"),  # 200.00 x 3
        pytest.param(AreaType.URBAN, "1000.00", "333.33", True, D("1340.00"), id="per-capita-exact"),  # 446.67 x 3
        pytest.param(AreaType.URBAN, "0.00", "0.00", True, D("2340.00"), id="no-income"),  # 780.00 x 3
        pytest.param(AreaType.URBAN, "9000.00", "3000.00", False, D("0.00"), id="far-above"),
    ],
)
def test_income_against_standard(area: AreaType, income: str, per_capita: str, eligible: bool, amount: Decimal) -> None:
    """Eligible only strictly below the standard; amount is the per-capita gap times covered members."""
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, income),), area=area)
    assert a.figures["per_capita_income"] == per_capita
    assert a.eligible is eligible
    assert a.monthly_amount == amount
    expected = dibao.INCOME_BELOW_STANDARD if eligible else dibao.INCOME_NOT_BELOW_STANDARD
    assert expected in a.reason_codes


def test_per_capita_rounds_half_up() -> None:
    """1000.01 / 2 = 500.005 is shown as 500.01 but used exactly: (780 - 500.005) x 2 = 559.99."""
    h = Household(child=person(Relation.CHILD, ADULT_CHILD))
    a = assess(h.members, incomes=(wages(h.head, "1000.01"),))
    assert a.figures["per_capita_income"] == "500.01"
    assert a.monthly_amount == D("559.99")


def test_income_reason_message_states_figures() -> None:
    """The income finding reads with the per-capita income, area and standard."""
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "1680.00"),))
    (reason,) = [r for r in a.reasons if r.code == dibao.INCOME_BELOW_STANDARD]
    assert reason.message == "per-capita income 560.00 is below the urban standard 780.00"
    assert reason.legal_basis == "《社会救助暂行办法》(国务院令第649号) 第九条"


EXCLUDED = (
    IncomeKind.SOCIAL_ASSISTANCE,
    IncomeKind.RESIDENTS_BASIC_PENSION,
    IncomeKind.SCHOLARSHIP,
    IncomeKind.HONOUR,
    IncomeKind.ORPHAN_ALLOWANCE,
)


@pytest.mark.parametrize(
    ("kind", "amount"),
    [pytest.param(k, D("1140.00"), id=f"excluded-{k}") for k in EXCLUDED]  # 1200 / 3 = 400.00; 380.00 x 3
    + [
        pytest.param(k, D("240.00"), id=f"counted-{k}") for k in IncomeKind if k not in EXCLUDED
    ],  # 2100 / 3 = 700.00; 80.00 x 3
)
def test_income_kinds(kind: IncomeKind, amount: Decimal) -> None:
    """Excluded kinds (assistance, residents' pension, scholarship, honour, orphan rate) do not count; others do."""
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "1200.00"), (h.child, kind, "900.00")))
    assert a.monthly_amount == amount
    (item,) = [i for i in a.inputs["incomes"] if i["kind"] == str(kind) and i["person_id"] == str(h.child.person_id)]
    assert item["excluded"] is (kind in EXCLUDED)
    assert (dibao.INCOME_EXCLUDED in a.reason_codes) is (kind in EXCLUDED)


@pytest.mark.parametrize(
    ("cost_on", "cost", "household_income", "amount"),
    [
        pytest.param("spouse", "300.00", "900.00", D("1440.00"), id="reduces-income"),  # 300.00 per capita; 480.00 x 3
        pytest.param("spouse", "1200.00", "0.00", D("2340.00"), id="equal-to-income"),  # 780.00 x 3
        pytest.param("spouse", "2000.00", "0.00", D("2340.00"), id="floored-at-zero"),  # never below 0
        pytest.param("sibling", "300.00", "1200.00", D("1140.00"), id="uncounted-member-cost-ignored"),
    ],
)
def test_deductible_costs(cost_on: str, cost: str, household_income: str, amount: Decimal) -> None:
    """Counted members' costs reduce household income, never below zero; others' costs are ignored."""
    sibling = person(Relation.SIBLING, date(1985, 1, 1))
    h = Household(others=(sibling,))
    who = h.spouse if cost_on == "spouse" else sibling
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), costs=((who, cost),))
    assert a.figures["household_income"] == household_income
    assert a.monthly_amount == amount
    assert (dibao.COSTS_DEDUCTED in a.reason_codes) is (cost_on == "spouse")


# --- assets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "assets", "codes"),
    [
        # urban: 24 x 780.00 = 18720.00 per capita, x 3 = 56160.00
        pytest.param(
            AreaType.URBAN, Assets(financial=D("56160.00")), {dibao.ASSETS_WITHIN_LIMITS}, id="financial-at-limit"
        ),
        pytest.param(
            AreaType.URBAN,
            Assets(financial=D("56160.01")),
            {dibao.ASSETS_FINANCIAL_OVER_LIMIT},
            id="financial-0.01-over",
        ),
        # rural: 24 x 600.00 = 14400.00 per capita, x 3 = 43200.00
        pytest.param(
            AreaType.RURAL, Assets(financial=D("43200.00")), {dibao.ASSETS_WITHIN_LIMITS}, id="rural-financial-at-limit"
        ),
        pytest.param(
            AreaType.RURAL,
            Assets(financial=D("43200.01")),
            {dibao.ASSETS_FINANCIAL_OVER_LIMIT},
            id="rural-financial-over",
        ),
        pytest.param(
            AreaType.URBAN, Assets(vehicle_value=D("50000.00")), {dibao.ASSETS_WITHIN_LIMITS}, id="vehicle-at-limit"
        ),
        pytest.param(
            AreaType.URBAN,
            Assets(vehicle_value=D("50000.01")),
            {dibao.ASSETS_VEHICLE_OVER_LIMIT},
            id="vehicle-0.01-over",
        ),
        pytest.param(AreaType.URBAN, Assets(dwellings=1), {dibao.ASSETS_WITHIN_LIMITS}, id="dwellings-at-limit"),
        pytest.param(AreaType.URBAN, Assets(dwellings=2), {dibao.ASSETS_DWELLINGS_OVER_LIMIT}, id="dwellings-over"),
        pytest.param(
            AreaType.URBAN,
            Assets(financial=D("99999.00"), vehicle_value=D("80000.00"), dwellings=3),
            {dibao.ASSETS_FINANCIAL_OVER_LIMIT, dibao.ASSETS_VEHICLE_OVER_LIMIT, dibao.ASSETS_DWELLINGS_OVER_LIMIT},
            id="all-over",
        ),
    ],
)
def test_asset_limits(area: AreaType, assets: Assets, codes: set[str]) -> None:
    """Assets at a limit pass, 0.01 or one dwelling over fails, each failure with its own code."""
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), assets=assets, area=area)
    asset_codes = {c for c in a.reason_codes if c.startswith("ASSETS_")}
    assert asset_codes == codes
    assert a.eligible is (codes == {dibao.ASSETS_WITHIN_LIMITS})


# --- beneficiaries and individual enrolment (单人保) ----------------------------------------


def test_beneficiary_not_counted_refused() -> None:
    """Naming an absent member or an unknown person as beneficiary is refused."""
    h = Household(spouse=person(Relation.SPOUSE, absence=Absence.PRISON))
    stranger = uuid4()
    a = assess(
        h.members,
        incomes=(wages(h.head, "600.00"),),
        beneficiaries=(h.head.person_id, h.child.person_id, h.spouse.person_id, stranger),
    )
    assert not a.eligible
    assert a.reason_codes.count(dibao.BENEFICIARY_NOT_COUNTED) == 2


def test_no_counted_members() -> None:
    """A household whose members are all absent has no per-capita income and is not eligible."""
    members = (person(Relation.HEAD, absence=Absence.PRISON), person(Relation.SPOUSE, resident=False))
    a = assess(members, beneficiaries=tuple(m.person_id for m in members))
    assert not a.eligible
    assert dibao.NO_COUNTED_MEMBERS in a.reason_codes
    assert a.figures["per_capita_income"] is None


def test_no_beneficiaries() -> None:
    """An application naming nobody is not eligible."""
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "600.00"),), beneficiaries=())
    assert not a.eligible
    assert dibao.NO_BENEFICIARIES in a.reason_codes


def test_duplicate_beneficiary_counts_once() -> None:
    """A person named twice is one covered member: 1200 / 3 = 400.00; 380.00 x 3."""
    h = Household()
    ids = tuple(m.person_id for m in h.members)
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), beneficiaries=(*ids, ids[0]))
    assert a.monthly_amount == D("1140.00")
    assert a.figures["covered_members"] == 3


SEVERE = Disability(DisabilityKind.PHYSICAL, 2)


@pytest.mark.parametrize(
    ("area", "income", "eligible", "codes"),
    [
        # urban margin 1.5 x 780.00 = 1170.00; x 3 = 3510.00
        pytest.param(
            AreaType.URBAN,
            "3510.00",
            False,
            {dibao.MARGIN_INCOME_OVER_LIMIT, dibao.PARTIAL_ENROLMENT_REFUSED},
            id="urban-at-margin",
        ),
        pytest.param(AreaType.URBAN, "3509.97", True, {dibao.MARGIN_INCOME_BELOW_LIMIT}, id="urban-0.01-below-margin"),
        # rural margin 1.5 x 600.00 = 900.00; x 3 = 2700.00
        pytest.param(
            AreaType.RURAL,
            "2700.00",
            False,
            {dibao.MARGIN_INCOME_OVER_LIMIT, dibao.PARTIAL_ENROLMENT_REFUSED},
            id="rural-at-margin",
        ),
        pytest.param(AreaType.RURAL, "2699.97", True, {dibao.MARGIN_INCOME_BELOW_LIMIT}, id="rural-0.01-below-margin"),
    ],
)
def test_margin_household_boundary(area: AreaType, income: str, eligible: bool, codes: set[str]) -> None:
    """Individual enrolment needs per-capita income strictly below 1.5 x the standard."""
    h = Household(spouse=person(Relation.SPOUSE, disability=SEVERE))
    a = assess(h.members, incomes=(wages(h.head, income),), beneficiaries=(h.spouse.person_id,), area=area)
    assert a.individual
    assert a.eligible is eligible
    assert codes <= set(a.reason_codes)
    standard = D("780.00") if area is AreaType.URBAN else D("600.00")
    assert a.monthly_amount == (standard if eligible else D("0.00"))  # own income 0: full standard


@pytest.mark.parametrize(
    ("changes", "eligible", "code"),
    [
        pytest.param(
            {"disability": Disability(DisabilityKind.PHYSICAL, 1)},
            True,
            dibao.INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY,
            id="physical-1",
        ),
        pytest.param(
            {"disability": Disability(DisabilityKind.PHYSICAL, 2)},
            True,
            dibao.INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY,
            id="physical-2",
        ),
        pytest.param(
            {"disability": Disability(DisabilityKind.INTELLECTUAL, 3)},
            True,
            dibao.INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY,
            id="intellectual-3",
        ),
        pytest.param(
            {"disability": Disability(DisabilityKind.MENTAL, 3)},
            True,
            dibao.INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY,
            id="mental-3",
        ),
        pytest.param({"seriously_ill": True}, True, dibao.INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS, id="seriously-ill"),
        pytest.param(
            {"disability": Disability(DisabilityKind.PHYSICAL, 3), "seriously_ill": True},
            True,
            dibao.INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS,
            id="physical-3-but-ill",
        ),
        pytest.param(
            {"disability": Disability(DisabilityKind.PHYSICAL, 3)},
            False,
            dibao.BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL,
            id="physical-3",
        ),
        pytest.param(
            {"disability": Disability(DisabilityKind.INTELLECTUAL, 4)},
            False,
            dibao.BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL,
            id="intellectual-4",
        ),
        pytest.param({}, False, dibao.BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL, id="not-disabled"),
    ],
)
def test_individual_enrolment_grounds(changes: dict[str, Any], eligible: bool, code: str) -> None:
    """单人保 for a severely disabled or seriously ill member: 2400 / 3 = 800.00 (margin); own gap 780.00 - 200.00."""
    h = Household(spouse=person(Relation.SPOUSE, **changes))
    a = assess(
        h.members, incomes=(wages(h.head, "2200.00"), wages(h.spouse, "200.00")), beneficiaries=(h.spouse.person_id,)
    )
    assert a.individual
    assert dibao.INCOME_NOT_BELOW_STANDARD in a.reason_codes  # the whole household would not qualify
    assert code in a.reason_codes
    assert a.eligible is eligible
    assert a.monthly_amount == (D("580.00") if eligible else D("0.00"))
    assert (dibao.PARTIAL_ENROLMENT_REFUSED in a.reason_codes) is not eligible


@pytest.mark.parametrize(
    ("own_incomes", "own_cost", "amount"),
    [
        pytest.param((IncomeKind.WAGES, "300.00"), "100.00", D("580.00"), id="own-cost-deducted"),  # 780 - (300 - 100)
        pytest.param((IncomeKind.WAGES, "100.00"), "300.00", D("780.00"), id="own-net-floored-at-zero"),  # 780 - 0
        pytest.param((IncomeKind.SCHOLARSHIP, "500.00"), "0.00", D("780.00"), id="own-excluded-income"),  # 780 - 0
        pytest.param((IncomeKind.WAGES, "779.99"), "0.00", D("0.01"), id="own-income-0.01-below"),
        pytest.param((IncomeKind.WAGES, "780.00"), "0.00", D("0.00"), id="own-income-at-standard"),
        pytest.param((IncomeKind.WAGES, "900.00"), "0.00", D("0.00"), id="own-income-above-standard"),
    ],
)
def test_individual_amount_from_own_income(own_incomes: tuple[IncomeKind, str], own_cost: str, amount: Decimal) -> None:
    """The 单人保 amount is the standard minus the beneficiary's own counted income net of own costs."""
    h = Household(spouse=person(Relation.SPOUSE, disability=SEVERE))
    kind, own = own_incomes
    a = assess(
        h.members,
        incomes=(wages(h.head, "1000.00"), (h.spouse, kind, own)),
        costs=((h.spouse, own_cost),),
        beneficiaries=(h.spouse.person_id,),
    )
    assert a.monthly_amount == amount
    assert a.eligible is (amount > 0)
    assert (dibao.OWN_INCOME_ABOVE_STANDARD in a.reason_codes) is (amount == 0)


def test_individual_enrolment_of_two_members_sums_gaps() -> None:
    """Two severe members: (780.00 - 100.00) + (780.00 - 0.00) = 1460.00; household 2100 / 4 = 525.00."""
    ill_child = person(Relation.CHILD, date(2012, 6, 1), seriously_ill=True)
    h = Household(spouse=person(Relation.SPOUSE, disability=Disability(DisabilityKind.VISUAL, 1)), others=(ill_child,))
    a = assess(
        h.members,
        incomes=(wages(h.head, "2000.00"), wages(h.spouse, "100.00")),
        beneficiaries=(h.spouse.person_id, ill_child.person_id),
    )
    assert a.figures["per_capita_income"] == "525.00"
    assert a.individual
    assert a.eligible
    assert a.monthly_amount == D("1460.00")
    assert a.figures["covered_members"] == 2


def test_partial_enrolment_of_eligible_household_refused() -> None:
    """Enrolling only a non-disabled member of a household below the standard is refused."""
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), beneficiaries=(h.head.person_id,))
    assert dibao.INCOME_BELOW_STANDARD in a.reason_codes
    assert not a.eligible
    assert dibao.PARTIAL_ENROLMENT_REFUSED in a.reason_codes


def test_individual_enrolment_needs_assets_within_limits() -> None:
    """A severely disabled member of a margin household is refused when assets exceed the limits."""
    h = Household(spouse=person(Relation.SPOUSE, disability=SEVERE))
    a = assess(
        h.members,
        incomes=(wages(h.head, "2400.00"),),
        assets=Assets(vehicle_value=D("60000.00")),
        beneficiaries=(h.spouse.person_id,),
    )
    assert not a.eligible
    assert {dibao.ASSETS_VEHICLE_OVER_LIMIT, dibao.PARTIAL_ENROLMENT_REFUSED} <= set(a.reason_codes)


# --- the record: parameters, figures, inputs, reasons ---------------------------------------


@pytest.mark.parametrize(
    ("area", "used", "unused"),
    [
        pytest.param(AreaType.URBAN, "dibao.standard.urban", "dibao.standard.rural", id="urban"),
        pytest.param(AreaType.RURAL, "dibao.standard.rural", "dibao.standard.urban", id="rural"),
    ],
)
def test_parameters_record_the_standard_used(area: AreaType, used: str, unused: str) -> None:
    """The assessment lists the exact ParameterValue of the standard it applied, and not the other one."""
    params = make_params()
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), area=area, params=params)
    assert params.values[used] in a.parameters
    assert params.values[unused] not in a.parameters
    assert {p.name for p in a.parameters} == set(PARAMETERS) - {unused}


def test_figures() -> None:
    """Figures carry the intermediate amounts as strings and the member counts as integers."""
    h = Household()
    a = assess(
        h.members,
        incomes=(wages(h.head, "1500.00"), (h.child, IncomeKind.SCHOLARSHIP, "100.00")),
        costs=((h.spouse, "300.00"),),
        assets=Assets(financial=D("3000.00")),
    )
    assert a.figures == {
        "standard": "780.00",
        "gross_income": "1500.00",
        "excluded_income": "100.00",
        "deductions": "300.00",
        "household_income": "1200.00",
        "per_capita_income": "400.00",
        "counted_members": 3,
        "covered_members": 3,
        "financial_assets_per_capita": "1000.00",
        "financial_limit_per_capita": "18720.00",
        "margin_limit": "1170.00",
    }
    assert a.monthly_amount == D("1140.00")


def test_inputs_plain_json_without_personal_data() -> None:
    """Inputs and figures are plain JSON and hold no names or ID numbers, but do hold the facts seen."""
    h = Household(
        spouse=person(Relation.SPOUSE, disability=SEVERE), others=(person(Relation.SIBLING, absence=Absence.PRISON),)
    )
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), costs=((h.spouse, "50.00"),), assets=Assets(dwellings=1))
    encoded = json.dumps(a.inputs) + json.dumps(a.figures)
    assert json.loads(json.dumps(a.inputs)) == a.inputs
    text = repr(a.inputs) + encoded + repr(a.reasons)
    for m in h.members:
        assert m.id_number.value not in text
        assert m.id_number.value[6:14] not in text  # not even the birth date
        assert m.name not in text
    assert a.inputs["on"] == "2024-03-01"
    assert a.inputs["area_type"] == "urban"
    spouse = next(m for m in a.inputs["members"] if m["person_id"] == str(h.spouse.person_id))
    assert spouse["disability"] == {"kind": "physical", "grade": 2}
    assert spouse["counted"] is True
    assert spouse["age"] == 44
    sibling = a.inputs["members"][-1]
    assert (sibling["counted"], sibling["count_reason"]) == (False, dibao.MEMBER_ABSENT_PRISON)
    assert a.inputs["assets"] == {"financial": "0.00", "vehicle_value": "0.00", "dwellings": 1}
    assert a.inputs["costs"][0]["monthly_amount"] == "50.00"
    assert len(a.inputs["beneficiaries"]) == 3


def test_reasons_carry_catalogued_legal_basis() -> None:
    """Every reason's code is in the catalogue and carries that code's legal basis."""
    h = Household(spouse=person(Relation.SPOUSE, disability=SEVERE), others=(person(Relation.SIBLING),))
    runs = [
        assess(
            h.members,
            incomes=(wages(h.head, "1200.00"), (h.head, IncomeKind.HONOUR, "50.00")),
            costs=((h.head, "10.00"),),
        ),
        assess(h.members, incomes=(wages(h.head, "2400.00"),), beneficiaries=(h.spouse.person_id,)),
        assess(h.members, incomes=(wages(h.head, "9000.00"),), assets=Assets(dwellings=5)),
    ]
    for a in runs:
        assert a.reasons
        for r in a.reasons:
            assert r.legal_basis == dibao.REASON_CATALOGUE[r.code]
            assert r.message
    assert "单人保" in dibao.REASON_CATALOGUE[dibao.PARTIAL_ENROLMENT_REFUSED]
    assert "共同生活家庭成员" in dibao.REASON_CATALOGUE[dibao.NO_SUPPORT_RELATION]
    assert "家庭收入" in dibao.REASON_CATALOGUE[dibao.INCOME_EXCLUDED]
