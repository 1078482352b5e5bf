"""The Policy aggregate (docs/rules.md): catalogue checks, legal basis, and which dated value is in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import InvalidValue, RuleViolation
from domain.policy import CATALOGUE, ParameterKind, Policy, policy_id
from domain.values import Actor, Context, Role
from infrastructure.policy_seed import load_seed

ADMIN = Actor("admin-1", Role.ADMIN, "43")
URBAN = "dibao.standard.urban"
COMMUNITY = "430112001001"


def set_value(
    policy: Policy,
    raw: Any,
    *,
    name: str = URBAN,
    jurisdiction: str = "430112",
    effective_from: date = date(2024, 1, 1),
    legal_basis: str = "测试文件",
    confirm: bool = True,
) -> None:
    policy.set_value(
        name=name,
        jurisdiction=jurisdiction,
        raw_value=raw,
        legal_basis=legal_basis,
        ctx=Context(effective_from, ADMIN, "test", "req-policy"),
    )
    if confirm:  # the stale-parameter guard needs every series confirmed; tested on its own below
        confirm_until(policy, date(2099, 12, 31), name=name, jurisdiction=jurisdiction)


def confirm_until(policy: Policy, until: date, *, name: str = URBAN, jurisdiction: str = "430112") -> None:
    """The admin confirms a series, on the day it is confirmed until."""
    policy.confirm(name=name, jurisdiction=jurisdiction, confirmed_until=until, ctx=Context(until, ADMIN, "test"))


def seeded_policy() -> Policy:
    policy = Policy.create()
    for row in load_seed():
        set_value(
            policy,
            row["value"],
            name=row["name"],
            jurisdiction=row["jurisdiction"],
            effective_from=row["effective_from"],
            legal_basis=row["legal_basis"],
            confirm=False,
        )
    for name, jurisdiction in {(row["name"], row["jurisdiction"]) for row in load_seed()}:
        confirm_until(policy, date(2026, 12, 31), name=name, jurisdiction=jurisdiction)
    return policy


# --- setting values -------------------------------------------------------------------------


def test_the_policy_has_one_fixed_id() -> None:
    """Every deployment's policy aggregate has the same deterministic id."""
    assert Policy.create().id == policy_id() == Policy.create().id


def test_set_value_records_an_event_with_who_when_and_why() -> None:
    """A value set is one ValueSet event carrying the value, actor, effective date and request id."""
    policy = Policy.create()
    set_value(policy, "780.00", effective_from=date(2024, 7, 1), confirm=False)
    created, value_set = policy.collect_events()
    assert isinstance(created, Policy.Created)
    assert isinstance(value_set, Policy.ValueSet)
    assert value_set.value.value == Decimal("780.00")
    assert (value_set.actor, value_set.effective_on, value_set.request_id) == (ADMIN, date(2024, 7, 1), "req-policy")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("dibao.standard.suburban", id="unknown"),
        pytest.param("", id="empty"),
        pytest.param("DIBAO.STANDARD.URBAN", id="wrong-case"),
    ],
)
def test_unknown_parameter_names_are_rejected(name: str) -> None:
    """Only names in the catalogue may be set."""
    policy = Policy.create()
    with pytest.raises(InvalidValue) as err:
        set_value(policy, "1.00", name=name)
    assert (err.value.rule, err.value.field) == ("parameter-known", "name")
    assert policy.values == []


@pytest.mark.parametrize(
    ("name", "raw", "rule"),
    [
        pytest.param("dibao.asset.max_dwellings", "1.5", "parameter-count", id="count-decimal-string"),
        pytest.param("dibao.asset.max_dwellings", "1", "parameter-count", id="count-digit-string"),
        pytest.param("dibao.asset.max_dwellings", -1, "parameter-count", id="count-negative"),
        pytest.param("dibao.asset.max_dwellings", True, "parameter-count", id="count-bool"),
        pytest.param("dibao.asset.max_dwellings", 1.0, "parameter-count", id="count-float"),
        pytest.param(URBAN, "780.123", "money-cents", id="amount-3-places"),
        pytest.param(URBAN, "-1.00", "parameter-decimal", id="amount-negative"),
        pytest.param(URBAN, "abc", "parameter-decimal", id="amount-text"),
        pytest.param(URBAN, "NaN", "parameter-decimal", id="amount-nan"),
        pytest.param(URBAN, 780.5, "parameter-decimal", id="amount-float"),
        pytest.param(URBAN, True, "parameter-decimal", id="amount-bool"),
        pytest.param("dibao.margin_multiplier", "Infinity", "parameter-decimal", id="ratio-infinite"),
        pytest.param("dibao.income.excluded_kinds", "scholarship", "parameter-codes", id="codes-string"),
        pytest.param("dibao.income.excluded_kinds", {"scholarship": 1}, "parameter-codes", id="codes-dict"),
        pytest.param("dibao.income.excluded_kinds", ["scholarship", ""], "parameter-codes", id="codes-empty-code"),
        pytest.param("dibao.income.excluded_kinds", ["scholarship", 3], "parameter-codes", id="codes-non-string"),
    ],
)
def test_values_of_the_wrong_kind_are_rejected(name: str, raw: object, rule: str) -> None:
    """Each kind takes its own shape: counts whole non-negative ints, amounts 2 places, codes a list."""
    policy = Policy.create()
    with pytest.raises(InvalidValue) as err:
        set_value(policy, raw, name=name)
    assert err.value.rule == rule
    assert policy.values == []


def test_an_absurdly_large_amount_is_rejected_as_invalid_value() -> None:
    """An amount too large to hold to the fen is an InvalidValue, not a bare decimal error."""
    with pytest.raises(InvalidValue):
        set_value(Policy.create(), "1E+30")


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        pytest.param("dibao.asset.max_dwellings", 0, 0, id="count-zero"),
        pytest.param("dibao.review_months.other", 6, 6, id="count"),
        pytest.param(URBAN, "780", Decimal("780"), id="amount-whole"),
        pytest.param(URBAN, 780, Decimal("780"), id="amount-int"),
        pytest.param(URBAN, "780.50", Decimal("780.50"), id="amount-2-places"),
        pytest.param("dibao.margin_multiplier", "1.375", Decimal("1.375"), id="ratio-3-places"),
        pytest.param(
            "dibao.income.excluded_kinds",
            ["scholarship", "honour", "scholarship"],
            ("honour", "scholarship"),
            id="codes-sorted-unique",
        ),
        pytest.param("dibao.income.excluded_kinds", [], (), id="codes-empty-list"),
    ],
)
def test_values_of_the_right_kind_are_typed(name: str, raw: object, expected: object) -> None:
    """Accepted values are stored typed: int, Decimal, or a sorted tuple of unique codes."""
    policy = Policy.create()
    set_value(policy, raw, name=name)
    assert policy.values[0].value == expected
    assert type(policy.values[0].value) is type(expected)


def test_catalogue_kinds_are_the_declared_ones() -> None:
    """Every catalogue entry has a kind and a description."""
    for name, (kind, text) in CATALOGUE.items():
        assert isinstance(kind, ParameterKind), name
        assert text.strip(), name


@pytest.mark.parametrize(
    "basis",
    [pytest.param("", id="empty"), pytest.param("   ", id="blank"), pytest.param(None, id="none")],
)
def test_a_legal_basis_is_required(basis: str | None) -> None:
    """No value is recorded without the law that sets it."""
    policy = Policy.create()
    with pytest.raises(InvalidValue) as err:
        set_value(policy, "780.00", legal_basis=basis)  # type: ignore[arg-type]
    assert (err.value.rule, err.value.field) == ("legal-basis-required", "legal_basis")
    assert policy.values == []


def test_legal_basis_is_stripped() -> None:
    """Surrounding whitespace is not part of the legal basis."""
    policy = Policy.create()
    set_value(policy, "780.00", legal_basis="  民发〔2021〕57号 \n")
    assert policy.values[0].legal_basis == "民发〔2021〕57号"


@pytest.mark.parametrize(
    "jurisdiction",
    [pytest.param("4", id="1-digit"), pytest.param("430", id="3-digits"), pytest.param("43a", id="letter")],
)
def test_jurisdiction_must_be_a_division_prefix(jurisdiction: str) -> None:
    """A jurisdiction is 2, 4, 6, 9 or 12 digits."""
    policy = Policy.create()
    with pytest.raises(InvalidValue) as err:
        set_value(policy, "780.00", jurisdiction=jurisdiction)
    assert err.value.rule == "jurisdiction-prefix"


# --- snapshots ------------------------------------------------------------------------------


def layered_policy() -> Policy:
    """Province 700, district 750, township 430112001 760, all from 2024-01-01."""
    policy = Policy.create()
    set_value(policy, "700.00", jurisdiction="43")
    set_value(policy, "750.00", jurisdiction="430112")
    set_value(policy, "760.00", jurisdiction="430112001")
    return policy


@pytest.mark.parametrize(
    ("division", "expected"),
    [
        pytest.param("430112001001", "760.00", id="township-prefix-wins"),
        pytest.param("430112001", "760.00", id="township-itself"),
        pytest.param("430112002001", "750.00", id="other-township-gets-district"),
        pytest.param("430112", "750.00", id="district-itself"),
        pytest.param("430111001001", "700.00", id="other-district-gets-province"),
    ],
)
def test_longest_jurisdiction_prefix_wins(division: str, expected: str) -> None:
    """The most specific jurisdiction containing the division sets the value."""
    snapshot = layered_policy().snapshot(division, date(2024, 3, 1))
    assert snapshot.decimal(URBAN) == Decimal(expected)


def test_longest_prefix_wins_over_a_later_effective_date() -> None:
    """A newer province value does not override an older district value for the district."""
    policy = Policy.create()
    set_value(policy, "750.00", jurisdiction="430112", effective_from=date(2024, 1, 1))
    set_value(policy, "800.00", jurisdiction="43", effective_from=date(2024, 6, 1))
    assert policy.snapshot(COMMUNITY, date(2024, 7, 1)).decimal(URBAN) == Decimal("750.00")
    assert policy.snapshot("430111001001", date(2024, 7, 1)).decimal(URBAN) == Decimal("800.00")


def test_a_more_specific_value_not_yet_in_force_falls_back_to_the_wider_one() -> None:
    """Before the district's own value takes effect, the province's applies."""
    policy = Policy.create()
    set_value(policy, "700.00", jurisdiction="43", effective_from=date(2024, 1, 1))
    set_value(policy, "780.00", jurisdiction="430112", effective_from=date(2024, 7, 1))
    assert policy.snapshot(COMMUNITY, date(2024, 6, 30)).decimal(URBAN) == Decimal("700.00")
    assert policy.snapshot(COMMUNITY, date(2024, 7, 1)).decimal(URBAN) == Decimal("780.00")


def test_a_sibling_jurisdiction_never_applies() -> None:
    """A value for another county is not used, however specific."""
    policy = Policy.create()
    set_value(policy, "900.00", jurisdiction="430111001001")
    snapshot = policy.snapshot(COMMUNITY, date(2024, 3, 1))
    with pytest.raises(RuleViolation):
        snapshot.get(URBAN)


def dated_policy() -> Policy:
    policy = Policy.create()
    set_value(policy, "780.00", effective_from=date(2024, 7, 1))  # recorded first, effective later
    set_value(policy, "750.00", effective_from=date(2024, 1, 1))
    set_value(policy, "800.00", effective_from=date(2025, 1, 1))
    return policy


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(date(2024, 1, 1), "750.00", id="first-day-of-first-value"),
        pytest.param(date(2024, 6, 30), "750.00", id="day-before-raise"),
        pytest.param(date(2024, 7, 1), "780.00", id="day-of-raise"),
        pytest.param(date(2024, 12, 31), "780.00", id="day-before-next-raise"),
        pytest.param(date(2025, 1, 1), "800.00", id="day-of-next-raise"),
    ],
)
def test_latest_effective_value_on_or_before_the_date_wins(on: date, expected: str) -> None:
    """The value in force is the latest effective_from not after the date, whatever the recording order."""
    assert dated_policy().snapshot(COMMUNITY, on).decimal(URBAN) == Decimal(expected)


def test_nothing_is_in_force_before_the_first_value() -> None:
    """The day before the first effective date there is no value."""
    snapshot = dated_policy().snapshot(COMMUNITY, date(2023, 12, 31))
    with pytest.raises(RuleViolation) as err:
        snapshot.decimal(URBAN)
    assert (err.value.rule, err.value.field) == ("parameter-missing", URBAN)


def test_a_later_record_with_the_same_key_corrects_the_earlier() -> None:
    """Same name, jurisdiction and effective date: the value recorded last is the one in force."""
    policy = Policy.create()
    set_value(policy, "780.00", effective_from=date(2024, 7, 1), legal_basis="first notice")
    set_value(policy, "785.00", effective_from=date(2024, 7, 1), legal_basis="corrigendum")
    in_force = policy.snapshot(COMMUNITY, date(2024, 7, 1)).get(URBAN)
    assert (in_force.value, in_force.legal_basis) == (Decimal("785.00"), "corrigendum")
    assert len(policy.values) == 2  # the correction is a new fact; the first record stays


def test_snapshot_get_on_a_missing_parameter_raises() -> None:
    """Reading a parameter with no value in force is a RuleViolation naming the parameter."""
    snapshot = layered_policy().snapshot(COMMUNITY, date(2024, 3, 1))
    with pytest.raises(RuleViolation) as err:
        snapshot.count("dibao.gradual_exit_months")
    assert err.value.rule == "parameter-missing"
    assert err.value.field == "dibao.gradual_exit_months"
    assert snapshot.used_values() == ()


def test_used_values_lists_only_what_was_read() -> None:
    """used_values() records exactly the parameters read, sorted by name, once each."""
    policy = Policy.create()
    set_value(policy, "780.00")
    set_value(policy, "600.00", name="dibao.standard.rural")
    set_value(policy, 6, name="dibao.gradual_exit_months")
    set_value(policy, ["scholarship"], name="dibao.income.excluded_kinds")
    snapshot = policy.snapshot(COMMUNITY, date(2024, 3, 1))
    assert snapshot.used_values() == ()
    assert snapshot.count("dibao.gradual_exit_months") == 6
    assert snapshot.decimal(URBAN) == Decimal("780.00")
    assert snapshot.decimal(URBAN) == Decimal("780.00")
    assert [v.name for v in snapshot.used_values()] == ["dibao.gradual_exit_months", URBAN]


def test_codes_come_back_as_a_frozenset() -> None:
    """codes() gives the set of codes."""
    policy = Policy.create()
    set_value(policy, ["honour", "scholarship"], name="dibao.income.excluded_kinds")
    codes = policy.snapshot(COMMUNITY, date(2024, 3, 1)).codes("dibao.income.excluded_kinds")
    assert codes == frozenset({"honour", "scholarship"})


# --- the real seed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("division", "on", "name", "expected"),
    [
        pytest.param(COMMUNITY, date(2024, 6, 30), URBAN, "750.00", id="urban-before-july-raise"),
        pytest.param(COMMUNITY, date(2024, 7, 1), URBAN, "780.00", id="urban-from-july-raise"),
        pytest.param(COMMUNITY, date(2024, 6, 30), "dibao.standard.rural", "600.00", id="rural-before-raise"),
        pytest.param(COMMUNITY, date(2024, 7, 1), "dibao.standard.rural", "630.00", id="rural-from-raise"),
        pytest.param("430111001001", date(2024, 7, 1), URBAN, "700.00", id="other-district-province-urban"),
        pytest.param("430111001001", date(2024, 7, 1), "dibao.standard.rural", "550.00", id="other-district-rural"),
        pytest.param(COMMUNITY, date(2024, 7, 1), "dibao.margin_multiplier", "1.5", id="margin-from-province"),
        pytest.param(COMMUNITY, date(2024, 7, 1), "tekun.multiplier", "1.3", id="tekun-multiplier"),
    ],
)
def test_seeded_standards(division: str, on: date, name: str, expected: str) -> None:
    """The shipped seed gives the district's July 2024 raise and the province's values elsewhere."""
    assert seeded_policy().snapshot(division, on).decimal(name) == Decimal(expected)


def test_seeded_counts_and_codes() -> None:
    """Counts and excluded income kinds from the seed."""
    snapshot = seeded_policy().snapshot(COMMUNITY, date(2024, 7, 1))
    assert snapshot.count("dibao.public_notice_days") == 7
    assert snapshot.count("dibao.benefit_start_months") == 1
    assert snapshot.count("dibao.gradual_exit_months") == 6
    assert snapshot.count("dibao.review_months.stable") == 12
    assert snapshot.count("dibao.review_months.other") == 6
    assert snapshot.codes("dibao.income.excluded_kinds") == frozenset(
        {"social_assistance", "orphan_allowance", "residents_basic_pension", "scholarship", "honour"}
    )


def test_every_catalogue_parameter_is_seeded_for_the_district() -> None:
    """Every parameter the rules read has a value in force in the example district from July 2024."""
    snapshot = seeded_policy().snapshot(COMMUNITY, date(2024, 7, 1))
    assert set(snapshot.values) == set(CATALOGUE)


def test_seed_outside_the_province_has_nothing() -> None:
    """A division outside province 43 gets no value at all."""
    snapshot = seeded_policy().snapshot("110105001001", date(2024, 7, 1))
    assert snapshot.values == {}


def test_every_seeded_value_names_its_legal_basis() -> None:
    """Each seed row and each recorded value carries a non-empty legal basis."""
    rows = load_seed()
    assert rows
    assert all(isinstance(r["legal_basis"], str) and r["legal_basis"].strip() for r in rows)
    policy = seeded_policy()
    assert len(policy.values) == len(rows)
    assert all(v.legal_basis for v in policy.values)


def test_a_value_past_its_confirmation_is_refused() -> None:
    """Computing with a series past its confirmed date names the parameter; confirming further lifts it."""
    policy = Policy.create()
    set_value(policy, "750.00", confirm=False)
    confirm_until(policy, date(2024, 12, 31))
    assert policy.snapshot(COMMUNITY, date(2024, 12, 31)).decimal(URBAN) == Decimal("750.00")
    with pytest.raises(RuleViolation) as stale:
        policy.snapshot(COMMUNITY, date(2025, 1, 1)).decimal(URBAN)
    assert stale.value.rule == "parameter-not-confirmed"
    assert stale.value.field == URBAN
    confirm_until(policy, date(2025, 12, 31))
    assert policy.snapshot(COMMUNITY, date(2025, 1, 1)).decimal(URBAN) == Decimal("750.00")


def test_an_unconfirmed_series_is_refused_and_unknown_series_cannot_be_confirmed() -> None:
    """A series never confirmed is refused; confirming a series without a value is an invalid value."""
    policy = Policy.create()
    set_value(policy, "750.00", confirm=False)
    with pytest.raises(RuleViolation) as never:
        policy.snapshot(COMMUNITY, date(2024, 6, 1)).decimal(URBAN)
    assert never.value.rule == "parameter-not-confirmed"
    with pytest.raises(InvalidValue) as unknown:
        confirm_until(policy, date(2025, 1, 1), jurisdiction="43")
    assert unknown.value.rule == "series-known"
