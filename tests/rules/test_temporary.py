"""Table tests for temporary assistance (docs/rules.md): the township cap and the amount, both sides."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from domain.assessment import Assessment
from domain.errors import InvalidValue
from domain.policy import ParameterSnapshot, ParameterValue
from domain.rules import temporary
from domain.rules.temporary import ApprovalLevel, GrantKind, assess_temporary_grant
from domain.values import Program

ON = date(2024, 3, 1)
D = Decimal
CAP = D("1000.00")


def make_params() -> ParameterSnapshot:
    value = ParameterValue("temporary.township_cap", "110105", date(2024, 1, 1), CAP, "test basis")
    return ParameterSnapshot(division_code="110105001", on=ON, values={value.name: value})


def grant(
    amount: str, level: ApprovalLevel = ApprovalLevel.TOWNSHIP, kind: GrantKind = GrantKind.EMERGENCY
) -> Assessment:
    """Assess a grant; checks the invariants of every assessment."""
    a = assess_temporary_grant(kind, level, D(amount), ON, make_params())
    assert a.program is Program.TEMPORARY
    assert a.assessed_on == ON
    assert a.figures["one_off"] is True
    if a.eligible:
        assert a.monthly_amount == D(amount)
        assert a.reason_codes[-1] == temporary.GRANT_AMOUNT
    else:
        assert str(a.monthly_amount) == "0.00"
    return a


@pytest.mark.parametrize("kind", list(GrantKind))
@pytest.mark.parametrize(
    ("level", "amount", "eligible", "code"),
    [
        pytest.param(ApprovalLevel.TOWNSHIP, "1000.00", True, temporary.WITHIN_TOWNSHIP_CAP, id="township-at-cap"),
        pytest.param(ApprovalLevel.TOWNSHIP, "999.99", True, temporary.WITHIN_TOWNSHIP_CAP, id="township-below-cap"),
        pytest.param(
            ApprovalLevel.TOWNSHIP, "1000.01", False, temporary.TOWNSHIP_CAP_EXCEEDED, id="township-0.01-over"
        ),
        pytest.param(ApprovalLevel.DISTRICT, "1000.01", True, temporary.DISTRICT_APPROVAL, id="district-over-cap"),
        pytest.param(ApprovalLevel.DISTRICT, "20000.00", True, temporary.DISTRICT_APPROVAL, id="district-large"),
        pytest.param(ApprovalLevel.TOWNSHIP, "0.01", True, temporary.WITHIN_TOWNSHIP_CAP, id="township-0.01"),
        pytest.param(ApprovalLevel.TOWNSHIP, "0.00", False, temporary.AMOUNT_NOT_POSITIVE, id="township-zero"),
        pytest.param(ApprovalLevel.DISTRICT, "0.01", True, temporary.DISTRICT_APPROVAL, id="district-0.01"),
        pytest.param(ApprovalLevel.DISTRICT, "0.00", False, temporary.AMOUNT_NOT_POSITIVE, id="district-zero"),
        pytest.param(ApprovalLevel.DISTRICT, "-5.00", False, temporary.AMOUNT_NOT_POSITIVE, id="district-negative"),
    ],
)
def test_grant_limits(kind: GrantKind, level: ApprovalLevel, amount: str, eligible: bool, code: str) -> None:
    """Any positive amount at district level; at township level only up to the cap, inclusive."""
    a = grant(amount, level, kind)
    assert a.eligible is eligible
    assert a.reason_codes[0] == code
    assert a.inputs == {"kind": str(kind), "approval_level": str(level), "amount": amount, "on": "2024-03-01"}


def test_township_cap_exceeded_names_cap_and_amount() -> None:
    """The refusal says which amount exceeded which cap, and records the cap used."""
    a = grant("1500.00")
    assert a.reason_codes == (temporary.TOWNSHIP_CAP_EXCEEDED,)
    assert "1500.00" in a.reasons[0].message
    assert "1000.00" in a.reasons[0].message
    assert a.figures == {"one_off": True, "amount": "1500.00", "township_cap": "1000.00"}
    assert [p.name for p in a.parameters] == ["temporary.township_cap"]


def test_district_grant_reads_no_cap() -> None:
    """A district-level grant does not depend on the township cap and records no parameter."""
    a = grant("1500.00", ApprovalLevel.DISTRICT)
    assert a.parameters == ()
    assert a.figures["township_cap"] is None
    assert json.loads(json.dumps(a.figures)) == a.figures


@pytest.mark.parametrize("amount", ["10.001", "NaN", "Infinity"])
def test_malformed_amount_refused(amount: str) -> None:
    """An amount with more than 2 decimal places or not finite is invalid input, not an assessment."""
    with pytest.raises(InvalidValue) as e:
        assess_temporary_grant(GrantKind.EXPENDITURE, ApprovalLevel.DISTRICT, D(amount), ON, make_params())
    assert e.value.field == "amount"


def test_reasons_carry_catalogued_legal_basis() -> None:
    """Every reason's code is in the catalogue and carries that code's legal basis."""
    for a in (grant("500.00"), grant("5000.00"), grant("0.00"), grant("5000.00", ApprovalLevel.DISTRICT)):
        for r in a.reasons:
            assert r.legal_basis == temporary.REASON_CATALOGUE[r.code]
            assert r.message
    assert "民发〔2018〕23号" in temporary.REASON_CATALOGUE[temporary.TOWNSHIP_CAP_EXCEEDED]
    assert "国发〔2014〕47号" in temporary.REASON_CATALOGUE[temporary.GRANT_AMOUNT]
