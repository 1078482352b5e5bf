"""Value objects and vocabularies shared by the whole domain.

Every enumeration's *values* are stored in events: never rename a value, add new ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from domain.errors import InvalidValue

ZERO = Decimal("0.00")  # no money: the zero every amount starts from and falls back to
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # far beyond any benefit, asset or income; keeps arithmetic exact


def money(value: object, *, field: str = "amount") -> Decimal:
    """Parse a yuan amount: a finite, non-negative decimal with at most 2 places."""
    if isinstance(value, (bool, float)):
        raise InvalidValue(
            f"{field} must be a decimal string or integer, not {type(value).__name__}",
            field=field,
            rule="money-decimal",
        )
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidValue(f"{field} is not a decimal amount: {value!r}", field=field, rule="money-decimal") from None
    if not amount.is_finite():
        raise InvalidValue(f"{field} must be finite", field=field, rule="money-decimal")
    if amount < 0:
        raise InvalidValue(f"{field} must not be negative", field=field, rule="money-non-negative")
    if amount > MAX_AMOUNT:
        raise InvalidValue(f"{field} exceeds {MAX_AMOUNT}", field=field, rule="money-too-large")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidValue(f"{field} has more than 2 decimal places", field=field, rule="money-cents")
    return amount.quantize(CENT)


def round_up_yuan(amount: Decimal) -> Decimal:
    """Round a computed amount up to the fen: for amounts that must not fall below a product."""
    return amount.quantize(CENT, rounding=ROUND_CEILING)


def round_yuan(amount: Decimal) -> Decimal:
    """Round a computed amount to the fen, half up, as the bureau's payroll does."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class AreaType(StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class Program(StrEnum):
    DIBAO = "dibao"
    TEKUN = "tekun"
    ORPHAN = "orphan"
    UNSUPPORTED_CHILD = "unsupported_child"
    TEMPORARY = "temporary"
    ELDERLY_ALLOWANCE = "elderly_allowance"  # 高龄津贴
    HOME_CARE_SUBSIDY = "home_care_subsidy"  # 居家养老服务补贴
    DISABILITY_LIVING = "disability_living"
    DISABILITY_CARE = "disability_care"


class Role(StrEnum):
    CASEWORKER = "caseworker"
    APPROVER = "approver"
    AUDITOR = "auditor"
    ANALYST = "analyst"
    ADMIN = "admin"
    SYSTEM = "system"
    AGENCY = "agency"  # another agency's system asking whether a person is enrolled (DCI, docs/dci.md)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


_DIVISION = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,2}")
_PREFIX = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}")


@dataclass(frozen=True, slots=True)
class DivisionCode:
    """An administrative division: 6 digits (county), 9 (township) or 12 (community/village)."""

    code: str

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _DIVISION.fullmatch(self.code):
            raise InvalidValue(
                f"division code must be 6, 9 or 12 digits, got {self.code!r}",
                field="division_code",
                rule="division-code-length",
            )

    def __str__(self) -> str:
        return self.code

    def within(self, prefix: str) -> bool:
        """True when this division lies inside the jurisdiction ``prefix``."""
        return self.code.startswith(prefix)


def jurisdiction_prefix(value: str) -> str:
    """Validate a jurisdiction prefix: a division code or its province (2) / city (4) part."""
    if not isinstance(value, str) or not _PREFIX.fullmatch(value):
        raise InvalidValue(
            f"jurisdiction must be 2, 4, 6, 9 or 12 digits, got {value!r}",
            field="jurisdiction",
            rule="jurisdiction-prefix",
        )
    return value


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A citizen identity number (GB 11643-1999): 17 digits and a check character."""

    value: str

    def __post_init__(self) -> None:
        v = self.value.upper() if isinstance(self.value, str) else self.value
        if not isinstance(v, str) or not re.fullmatch(r"[0-9]{17}[0-9X]", v):
            raise InvalidValue(
                "id_number must be 17 digits and a digit or X", field="id_number", rule="id-number-format"
            )
        try:
            date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
        except ValueError:
            raise InvalidValue(
                f"id_number has an impossible birth date {v[6:14]}", field="id_number", rule="id-number-birth-date"
            ) from None
        if int(v[6:10]) < 1900:
            raise InvalidValue("id_number birth year is before 1900", field="id_number", rule="id-number-birth-date")
        if id_check_character(v[:17]) != v[17]:
            raise InvalidValue(
                "id_number check character does not match (ISO 7064 MOD 11-2)",
                field="id_number",
                rule="id-number-check-character",
            )
        object.__setattr__(self, "value", v)

    @property
    def birth_date(self) -> date:
        v = self.value
        return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    @property
    def sex(self) -> Sex:
        return Sex.MALE if int(self.value[16]) % 2 else Sex.FEMALE

    def masked(self) -> str:
        """First 6 and last 4 characters, the rest starred."""
        return self.value[:6] + "********" + self.value[-4:]

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:  # never print a whole ID number into logs
        return f"IdNumber({self.masked()})"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: user id, role, the jurisdiction their token carried."""

    user_id: str
    role: Role
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class Context:
    """What every event carries besides its own facts: the date it takes effect in the world, who
    caused it, why, and the request that carried it. A command takes one ``Context`` instead of four
    keyword arguments, and ``event_fields`` is the one place those four fields are filled."""

    effective_on: date
    actor: Actor
    reason: str | None = None
    request_id: str | None = None

    def event_fields(self) -> dict[str, Any]:
        return {
            "effective_on": self.effective_on,
            "actor": self.actor,
            "reason": self.reason,
            "request_id": self.request_id,
        }


def age_on(birth: date, on: date) -> int:
    """Completed years of age on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def first_of_next_month(d: date, months: int = 1) -> date:
    """The first day of the month ``months`` after ``d``'s month."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)
