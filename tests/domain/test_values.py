"""Value objects (docs/architecture.md): ID numbers (GB 11643), division codes, money, ages and month arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import InvalidValue
from domain.values import DivisionCode, IdNumber, Sex, age_on, first_of_next_month, id_check_character, money

AREA = "430112"


def valid_id(birth: str = "19800501", seq: str = "123", area: str = AREA) -> str:
    """A valid ID number from its parts, with the right check character."""
    first17 = area + birth + seq
    return first17 + id_check_character(first17)


def id_with_check_x() -> str:
    """The first sequence number whose check character is X, for a person born 1980-05-01."""
    for seq in range(1000):
        first17 = f"{AREA}19800501{seq:03d}"
        if id_check_character(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence number gives check character X")


def wrong_check(number: str) -> str:
    """The same number with a check character that does not match."""
    return number[:17] + ("0" if number[17] != "0" else "1")


# --- IdNumber -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(valid_id(), id="digit-check"),
        pytest.param(id_with_check_x(), id="check-X"),
        pytest.param(valid_id("20240229"), id="leap-day-2024"),
        pytest.param(valid_id("19000101"), id="year-1900"),
        pytest.param("11010519491231002X", id="published-example-X"),
    ],
)
def test_valid_id_numbers_are_accepted(number: str) -> None:
    """Well-formed numbers with a valid date and matching check character are accepted unchanged."""
    assert IdNumber(number).value == number


def test_check_x_is_what_mod_11_2_gives() -> None:
    """A number ending in X is only valid when ISO 7064 MOD 11-2 yields X (weights sum ≡ 2 mod 11)."""
    number = id_with_check_x()
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert sum(int(d) * w for d, w in zip(number[:17], weights, strict=True)) % 11 == 2


def test_lower_case_x_is_normalised() -> None:
    """A lower-case x check character is accepted and stored upper-case."""
    number = id_with_check_x()
    parsed = IdNumber(number[:17] + "x")
    assert parsed.value == number
    assert parsed == IdNumber(number)


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(wrong_check(valid_id()), id="wrong-digit"),
        pytest.param(wrong_check(id_with_check_x()), id="X-expected-digit-given"),
        pytest.param(valid_id()[:17] + "X", id="X-given-digit-expected"),
    ],
)
def test_wrong_check_character_is_rejected(number: str) -> None:
    """A check character that does not match the first 17 digits is refused."""
    with pytest.raises(InvalidValue) as err:
        IdNumber(number)
    assert (err.value.rule, err.value.field) == ("id-number-check-character", "id_number")


@pytest.mark.parametrize(
    "birth",
    [
        pytest.param("19990230", id="feb-30"),
        pytest.param("20230229", id="feb-29-non-leap"),
        pytest.param("19001301", id="month-13"),
        pytest.param("19800001", id="month-0"),
        pytest.param("19800500", id="day-0"),
        pytest.param("19800431", id="apr-31"),
        pytest.param("18991231", id="before-1900"),
        pytest.param("00000101", id="year-0"),
    ],
)
def test_impossible_birth_dates_are_rejected(birth: str) -> None:
    """A birth date that does not exist (or precedes 1900) is refused even with a matching check character."""
    with pytest.raises(InvalidValue) as err:
        IdNumber(valid_id(birth))
    assert err.value.rule == "id-number-birth-date"


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(valid_id()[:17], id="17-chars"),
        pytest.param(valid_id() + "1", id="19-chars"),
        pytest.param("", id="empty"),
        pytest.param("43011219800501A23" + "1", id="letter-inside"),
        pytest.param("43011219800501123Y", id="letter-Y-as-check"),
        pytest.param(" " + valid_id()[1:], id="leading-space"),
        pytest.param(valid_id() + "\n", id="trailing-newline"),
        pytest.param("4301121980-0501123", id="dash"),
        pytest.param(430112198005011230, id="integer"),
        pytest.param(None, id="none"),
    ],
)
def test_malformed_id_numbers_are_rejected(number: object) -> None:
    """Anything but 17 digits and a digit or X is refused before the date or check is looked at."""
    with pytest.raises(InvalidValue) as err:
        IdNumber(number)  # type: ignore[arg-type]
    assert err.value.rule == "id-number-format"


def to_fullwidth(text: str) -> str:
    return text.translate({ord(c): ord(c) - ord("0") + ord("０") for c in "0123456789"})


def test_full_width_digits_are_rejected() -> None:
    """An ID number typed in full-width digits (a Chinese IME default) is not a GB 11643 number."""
    first17 = to_fullwidth(f"{AREA}19800501123")
    number = first17 + id_check_character(first17)
    with pytest.raises(InvalidValue) as err:
        IdNumber(number)
    assert err.value.rule == "id-number-format"


@pytest.mark.parametrize(
    ("birth", "seq", "sex"),
    [
        pytest.param("19800501", "121", Sex.MALE, id="odd-1-male"),
        pytest.param("19800501", "129", Sex.MALE, id="odd-9-male"),
        pytest.param("20240229", "120", Sex.FEMALE, id="even-0-female"),
        pytest.param("19000101", "128", Sex.FEMALE, id="even-8-female"),
    ],
)
def test_birth_date_and_sex_are_derived(birth: str, seq: str, sex: Sex) -> None:
    """Birth date comes from characters 7-14, sex from the parity of the 17th digit (odd = male)."""
    parsed = IdNumber(valid_id(birth, seq))
    assert parsed.birth_date == date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    assert parsed.sex is sex


def test_masked_shows_first_six_and_last_four_only() -> None:
    """masked() keeps the area code and the last four characters; the birth date is hidden."""
    number = valid_id("19800501", "123")
    masked = IdNumber(number).masked()
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert len(masked) == 18
    assert "19800501" not in masked


def test_repr_never_contains_the_whole_number() -> None:
    """repr (and so logs, tracebacks, container reprs) shows only the masked number."""
    number = id_with_check_x()
    parsed = IdNumber(number)
    for text in (repr(parsed), repr([parsed]), repr({"id": parsed}), f"{parsed!r}"):
        assert number not in text
        assert parsed.masked() in text
    assert str(parsed) == number  # str is the explicit way to get the whole number


# --- DivisionCode ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("430112", id="county-6"),
        pytest.param("430112001", id="township-9"),
        pytest.param("430112001001", id="community-12"),
    ],
)
def test_division_codes_of_6_9_12_digits_are_accepted(code: str) -> None:
    """County, township and community codes are valid divisions."""
    assert DivisionCode(code).code == code
    assert str(DivisionCode(code)) == code


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("43011", id="5-digits"),
        pytest.param("4301120", id="7-digits"),
        pytest.param("43011200", id="8-digits"),
        pytest.param("4301120010", id="10-digits"),
        pytest.param("43011200100", id="11-digits"),
        pytest.param("4301120010011", id="13-digits"),
        pytest.param("", id="empty"),
        pytest.param("43011a", id="letter"),
        pytest.param("430 112", id="space"),
        pytest.param("-43011", id="sign"),
        pytest.param(430112, id="integer"),
        pytest.param(None, id="none"),
    ],
)
def test_bad_division_codes_are_rejected(code: object) -> None:
    """Other lengths and non-digits are refused with rule division-code-length."""
    with pytest.raises(InvalidValue) as err:
        DivisionCode(code)  # type: ignore[arg-type]
    assert (err.value.rule, err.value.field) == ("division-code-length", "division_code")


def test_division_code_with_trailing_newline_is_rejected() -> None:
    """A trailing newline is not part of a 6-digit code."""
    with pytest.raises(InvalidValue):
        DivisionCode("430112\n")


def test_division_code_in_full_width_digits_is_rejected() -> None:
    """Full-width digits are not a division code; they would never match an ASCII jurisdiction prefix."""
    with pytest.raises(InvalidValue):
        DivisionCode(to_fullwidth("430112"))


@pytest.mark.parametrize(
    ("code", "prefix", "inside"),
    [
        pytest.param("430112001001", "43", True, id="province"),
        pytest.param("430112001001", "4301", True, id="city"),
        pytest.param("430112001001", "430112", True, id="county"),
        pytest.param("430112001001", "430112001", True, id="township"),
        pytest.param("430112001001", "430112001001", True, id="itself"),
        pytest.param("430112001001", "430112002", False, id="other-township"),
        pytest.param("430112001001", "430111", False, id="other-county"),
        pytest.param("430112", "430112001", False, id="county-not-inside-its-township"),
    ],
)
def test_within_prefix(code: str, prefix: str, inside: bool) -> None:
    """within() is a division-code prefix test."""
    assert DivisionCode(code).within(prefix) is inside


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("12.34", "12.34", id="string-2dp"),
        pytest.param("12.3", "12.30", id="string-1dp"),
        pytest.param("12.340", "12.34", id="trailing-zero-3dp"),
        pytest.param(12, "12.00", id="int"),
        pytest.param(0, "0.00", id="zero"),
        pytest.param("0.01", "0.01", id="one-fen"),
        pytest.param(Decimal("780.5"), "780.50", id="decimal"),
        pytest.param(Decimal("780.00"), "780.00", id="decimal-2dp"),
    ],
)
def test_money_accepts_decimals_with_at_most_two_places(raw: object, expected: str) -> None:
    """Strings, integers and Decimals become a Decimal quantised to the fen."""
    amount = money(raw)
    assert isinstance(amount, Decimal)
    assert str(amount) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        pytest.param("-0.01", "money-non-negative", id="negative-fen"),
        pytest.param(-1, "money-non-negative", id="negative-int"),
        pytest.param("1.234", "money-cents", id="three-places"),
        pytest.param(Decimal("0.001"), "money-cents", id="decimal-three-places"),
        pytest.param("abc", "money-decimal", id="text"),
        pytest.param("", "money-decimal", id="empty"),
        pytest.param("NaN", "money-decimal", id="nan"),
        pytest.param("sNaN", "money-decimal", id="signalling-nan"),
        pytest.param("Infinity", "money-decimal", id="infinity"),
        pytest.param("-Infinity", "money-decimal", id="minus-infinity"),
        pytest.param(Decimal("NaN"), "money-decimal", id="decimal-nan"),
        pytest.param(1.5, "money-decimal", id="float"),
        pytest.param(True, "money-decimal", id="bool"),
        pytest.param(None, "money-decimal", id="none"),
        pytest.param([1], "money-decimal", id="list"),
    ],
)
def test_money_rejects_bad_amounts(raw: object, rule: str) -> None:
    """Negative, sub-fen, non-finite and non-decimal values are refused with the rule broken."""
    with pytest.raises(InvalidValue) as err:
        money(raw, field="assets.financial")
    assert err.value.rule == rule
    assert err.value.field == "assets.financial"


@pytest.mark.parametrize(
    "raw",
    [pytest.param("1E+30", id="exponent"), pytest.param("1" + "0" * 27, id="28-digits")],
)
def test_money_rejects_absurdly_large_amounts_as_invalid_value(raw: str) -> None:
    """An amount too large to hold to the fen is refused as InvalidValue, never a bare decimal error."""
    with pytest.raises(InvalidValue):
        money(raw)


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        pytest.param(date(2006, 5, 10), date(2024, 5, 9), 17, id="day-before-18th"),
        pytest.param(date(2006, 5, 10), date(2024, 5, 10), 18, id="18th-birthday"),
        pytest.param(date(1964, 7, 1), date(2024, 6, 30), 59, id="day-before-60th"),
        pytest.param(date(1964, 7, 1), date(2024, 7, 1), 60, id="60th-birthday"),
        pytest.param(date(2006, 12, 31), date(2024, 1, 1), 17, id="year-end-birthday"),
        pytest.param(date(2024, 3, 1), date(2024, 3, 1), 0, id="birth-day"),
    ],
)
def test_age_on_boundaries(birth: date, on: date, age: int) -> None:
    """Completed years: the age changes on the birthday, not the day before."""
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 1), id="jan-31-plus-1"),
        pytest.param(date(2024, 12, 15), 1, date(2025, 1, 1), id="across-year-end"),
        pytest.param(date(2024, 12, 31), 1, date(2025, 1, 1), id="dec-31-plus-1"),
        pytest.param(date(2024, 12, 15), 0, date(2024, 12, 1), id="months-0-is-first-of-same-month"),
        pytest.param(date(2024, 7, 1), 0, date(2024, 7, 1), id="months-0-on-first"),
        pytest.param(date(2024, 1, 15), 13, date(2025, 2, 1), id="months-13"),
        pytest.param(date(2024, 12, 15), 13, date(2026, 1, 1), id="months-13-across-two-year-ends"),
        pytest.param(date(2024, 8, 10), 7, date(2025, 3, 1), id="months-7"),
    ],
)
def test_first_of_next_month(d: date, months: int, expected: date) -> None:
    """The first day of the month ``months`` after d's month; months=0 is d's own month."""
    assert first_of_next_month(d, months) == expected


def test_first_of_next_month_defaults_to_one_month() -> None:
    """Without months it is the first of the following month."""
    assert first_of_next_month(date(2024, 2, 29)) == date(2024, 3, 1)
