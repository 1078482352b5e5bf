"""Property tests for the parsers of domain/values.py: any input either parses or raises InvalidValue, and
valid ID numbers, division codes and amounts round-trip."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values import (
    MAX_AMOUNT,
    DivisionCode,
    IdNumber,
    Sex,
    id_check_character,
    jurisdiction_prefix,
    money,
)

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=20)
NEAR_ID = st.text(alphabet="0123456789Xx", min_size=16, max_size=19)
ANYTHING: st.SearchStrategy[Any] = st.one_of(
    st.text(), DIGITS, NEAR_ID, st.none(), st.integers(), st.floats(), st.booleans(), st.decimals(), st.binary()
)


def parses_or_refuses(parse: Any, value: Any) -> None:
    """Call the parser; anything raised must be InvalidValue."""
    with contextlib.suppress(InvalidValue):
        parse(value)


@given(ANYTHING)
@example("11010519491231002X")
@example("110105194912310020")
@example("11010500000000002X")
def test_id_number_parses_or_raises_invalid_value(value: Any) -> None:
    """IdNumber on any input returns or raises InvalidValue, nothing else."""
    parses_or_refuses(IdNumber, value)


@given(ANYTHING)
def test_division_code_parses_or_raises_invalid_value(value: Any) -> None:
    """DivisionCode and jurisdiction_prefix on any input return or raise InvalidValue, nothing else."""
    parses_or_refuses(DivisionCode, value)
    parses_or_refuses(jurisdiction_prefix, value)


@given(st.one_of(ANYTHING, st.sampled_from(["NaN", "Infinity", "-0", "1e999999", "1E-999999", "0.005", " 1 "])))
def test_money_parses_or_raises_invalid_value(value: Any) -> None:
    """money on any input returns a non-negative 2-place Decimal or raises InvalidValue, nothing else."""
    try:
        amount = money(value)
    except InvalidValue:
        return
    assert isinstance(amount, Decimal)
    assert Decimal("0") <= amount <= MAX_AMOUNT
    assert amount == amount.quantize(Decimal("0.01"))


@st.composite
def id_numbers(draw: st.DrawFn) -> tuple[str, date, int]:
    """A valid number: 6-digit area, birth date from 1900 on, 3-digit sequence, the right check character."""
    area = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17), birth, sequence


@given(id_numbers(), st.booleans())
def test_valid_id_numbers_parse_and_round_trip(generated: tuple[str, date, int], lower: bool) -> None:
    """A generated valid number parses (with x or X), and gives back its birth date, sex and mask."""
    number, birth, sequence = generated
    parsed = IdNumber(number.lower() if lower else number)
    assert parsed.value == number
    assert parsed.birth_date == birth
    assert parsed.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)
    assert parsed.masked() == number[:6] + "*" * 8 + number[-4:]
    assert number not in repr(parsed)


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_changing_one_character_is_caught(generated: tuple[str, date, int], position: int, char: str) -> None:
    """Any single changed character makes the number invalid (the check character catches it) or a valid other one."""
    number = generated[0]
    changed = number[:position] + char + number[position + 1 :]
    if changed == number:
        return
    try:
        other = IdNumber(changed)
    except InvalidValue:
        return
    assert other.value != number


@given(st.text(alphabet="0123456789", min_size=6, max_size=12))
def test_division_codes_of_6_9_or_12_digits_parse(code: str) -> None:
    """A digit string parses as a division code exactly when it has 6, 9 or 12 digits, and prints back as given."""
    try:
        parsed = DivisionCode(code)
    except InvalidValue:
        assert len(code) not in (6, 9, 12)
        return
    assert len(code) in (6, 9, 12)
    assert str(parsed) == code
    assert parsed.within(code[:6])


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False))
def test_valid_amounts_round_trip(amount: Decimal) -> None:
    """A non-negative amount with 2 places parses from its string and its Decimal to the same value."""
    assert money(str(amount)) == amount
    assert money(amount) == amount
    assert str(money(str(amount))) == str(amount.quantize(Decimal("0.01")))
