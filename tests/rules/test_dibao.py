"""The dibao rules beyond the case table (tests/rules/cases/dibao.yaml): messages, every income kind, and
the record an assessment keeps (parameters, figures, inputs, reasons with their legal basis)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

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
    Member,
    Relation,
)
from domain.policy import ParameterSnapshot
from domain.rules import dibao
from domain.rules.dibao import DibaoFacts, assess_dibao, counted
from domain.values import AreaType
from tests.rules.support import (
    ON,
    assert_catalogued,
    assert_no_personal_data,
    checked,
    person,
    table_parameters,
    table_snapshot,
)

D = Decimal


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
    return checked(assess_dibao(facts, params or table_snapshot("dibao")))


def wages(m: Member, amount: str) -> tuple[Member, IncomeKind, str]:
    return (m, IncomeKind.WAGES, amount)


# --- messages, income kinds, and the record (the tables are in tests/rules/cases/dibao.yaml) ---


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


SEVERE = Disability(DisabilityKind.PHYSICAL, 2)


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
    params = table_snapshot("dibao")
    h = Household()
    a = assess(h.members, incomes=(wages(h.head, "1200.00"),), area=area, params=params)
    assert params.values[used] in a.parameters
    assert params.values[unused] not in a.parameters
    assert {p.name for p in a.parameters} == set(table_parameters("dibao")) - {unused}


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
    for m in h.members:
        assert_no_personal_data(a, m)  # not even the birth date
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
    assert_catalogued(runs, dibao.REASON_CATALOGUE)
    assert "单人保" in dibao.REASON_CATALOGUE[dibao.PARTIAL_ENROLMENT_REFUSED]
    assert "共同生活家庭成员" in dibao.REASON_CATALOGUE[dibao.NO_SUPPORT_RELATION]
    assert "家庭收入" in dibao.REASON_CATALOGUE[dibao.INCOME_EXCLUDED]
