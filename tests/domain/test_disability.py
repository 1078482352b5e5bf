"""A member's disability certificate as a dated fact: which one is in effect on each side of a grade
change, what the facts in effect on a date show, its number masked everywhere it is shown."""

from __future__ import annotations

from datetime import date

import pytest

from domain.disability import DisabilityCertificate, certificate_dates
from domain.errors import InvalidValue
from domain.facts import facts_on
from domain.household import Household
from domain.members import DisabilityKind, Relation
from domain.values import AreaType, Context
from tests.support import CASEWORKER, COMMUNITY, member

NUMBER = "43011220120101123x11"


def certified(grade: int, issued: date, until: date) -> DisabilityCertificate:
    return DisabilityCertificate(DisabilityKind.MENTAL, grade, NUMBER, issued, until)


def test_the_certificate_in_effect_on_each_side_of_a_grade_change() -> None:
    head = member(Relation.HEAD, date(1970, 1, 1))
    h = Household.register(
        area_type=AreaType.URBAN, division_code=COMMUNITY, address="某街道1号", members=(head,),
        ctx=Context(date(2024, 1, 10), CASEWORKER),
    )  # fmt: skip
    first, second = (
        certified(2, date(2023, 1, 1), date(2027, 12, 31)),
        certified(1, date(2024, 6, 1), date(2029, 5, 31)),
    )
    h.record_disability_certificate(head.person_id, first, ctx=Context(date(2024, 1, 10), CASEWORKER))
    with pytest.raises(InvalidValue) as refused:  # a grade change states why
        h.record_disability_certificate(head.person_id, second, ctx=Context(date(2024, 6, 1), CASEWORKER))
    assert refused.value.rule == "reason-required"
    h.record_disability_certificate(head.person_id, second, ctx=Context(date(2024, 6, 1), CASEWORKER, "复评为一级"))
    assert h.certificate_on(head.person_id, date(2024, 1, 9)) is None
    assert h.certificate_on(head.person_id, date(2024, 5, 31)) == first
    assert h.certificate_on(head.person_id, date(2024, 6, 1)) == second
    assert facts_on(h, date(2024, 5, 31)).certificate_on(head.person_id, date(2024, 5, 31)) == first
    assert facts_on(h, date(2024, 6, 1)).certificate_on(head.person_id, date(2024, 6, 1)) == second
    assert certificate_dates(h.certificates) == {
        date(2023, 1, 1), date(2028, 1, 1), date(2024, 6, 1), date(2029, 6, 1),
    }  # fmt: skip
    with pytest.raises(InvalidValue) as early:  # not before it was issued
        h.record_disability_certificate(
            head.person_id,
            certified(3, date(2024, 9, 1), date(2030, 1, 1)),
            ctx=Context(date(2024, 8, 31), CASEWORKER, "x"),
        )
    assert early.value.rule == "certificate-before-issue"


def test_the_number_is_normalised_and_never_shown_whole() -> None:
    c = certified(2, date(2023, 1, 1), date(2027, 12, 31))
    assert c.number == NUMBER.upper()
    assert c.masked() == "430112**********3X11"
    assert NUMBER.upper() not in repr(c)
    assert c.shown()["number_masked"] == c.masked()
    assert "number" not in {k for k in c.shown() if k != "number_masked"}
    with pytest.raises(InvalidValue):
        DisabilityCertificate(DisabilityKind.MENTAL, 2, "43-01", date(2023, 1, 1), date(2027, 1, 1))


def test_a_margin_household_where_the_parameter_names_it() -> None:
    """Outside dibao, the living subsidy reaches a household whose per-capita income is at most the margin
    limit only where ``disability_living.household_kinds`` names margin; the care subsidy asks no dibao."""
    from decimal import Decimal

    from domain.circumstances import Circumstances, IncomeItem, IncomeKind
    from domain.rules.programs import assess
    from domain.values import Program
    from tests.rules.support import snapshot, table_parameters

    head = member(Relation.HEAD, date(1970, 1, 1))
    h = Household.register(
        area_type=AreaType.URBAN, division_code=COMMUNITY, address="某街道1号", members=(head,),
        ctx=Context(date(2024, 1, 10), CASEWORKER),
    )  # fmt: skip
    h.record_disability_certificate(
        head.person_id, certified(1, date(2023, 1, 1), date(2027, 12, 31)), ctx=Context(date(2024, 1, 10), CASEWORKER)
    )
    params = {**table_parameters("dibao"), **table_parameters("disability")}
    standard, multiplier = Decimal(params["dibao.standard.urban"]), Decimal(str(params["dibao.margin_multiplier"]))
    on = date(2024, 3, 1)
    for income, within in ((standard * multiplier, True), (standard * multiplier + Decimal("0.01"), False)):
        means = Circumstances(incomes=(IncomeItem(head.person_id, IncomeKind.WAGES, income.quantize(Decimal("0.01"))),))
        h.record_circumstances(means, ctx=Context(on, CASEWORKER))
        only_dibao = assess(h, Program.DISABILITY_LIVING, (head.person_id,), {}, on, snapshot(params, on))
        assert not only_dibao.eligible
        assert only_dibao.inputs["in_margin"] is None  # not even asked
        named = snapshot({**params, "disability_living.household_kinds": ["dibao", "margin"]}, on)
        margin = assess(h, Program.DISABILITY_LIVING, (head.person_id,), {}, on, named)
        assert margin.eligible is within, income
        assert margin.inputs["in_margin"] is within
        assert assess(h, Program.DISABILITY_CARE, (head.person_id,), {}, on, snapshot(params, on)).eligible
