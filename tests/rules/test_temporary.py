"""Temporary assistance beyond the case table (tests/rules/cases/temporary.yaml): the refusal's message,
malformed amounts, and reasons with their legal basis."""

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
from tests.rules.support import assert_catalogued

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


def test_township_cap_exceeded_names_cap_and_amount() -> None:
    """The refusal says which amount exceeded which cap (the cap recorded: the case table)."""
    a = grant("1500.00")
    assert "1500.00" in a.reasons[0].message
    assert "1000.00" in a.reasons[0].message
    assert json.loads(json.dumps(a.figures)) == a.figures


@pytest.mark.parametrize("amount", ["10.001", "NaN", "Infinity"])
def test_malformed_amount_refused(amount: str) -> None:
    """An amount with more than 2 decimal places or not finite is invalid input, not an assessment."""
    with pytest.raises(InvalidValue) as e:
        assess_temporary_grant(GrantKind.EXPENDITURE, ApprovalLevel.DISTRICT, D(amount), ON, make_params())
    assert e.value.field == "amount"


def test_reasons_carry_catalogued_legal_basis() -> None:
    """Every reason's code is in the catalogue and carries that code's legal basis."""
    runs = [grant("500.00"), grant("5000.00"), grant("0.00"), grant("5000.00", ApprovalLevel.DISTRICT)]
    assert_catalogued(runs, temporary.REASON_CATALOGUE)
    assert "民发〔2018〕23号" in temporary.REASON_CATALOGUE[temporary.TOWNSHIP_CAP_EXCEEDED]
    assert "国发〔2014〕47号" in temporary.REASON_CATALOGUE[temporary.GRANT_AMOUNT]
