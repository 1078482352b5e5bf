"""Whole months as the reports and the payroll name them: ``YYYY-MM``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from domain.errors import InvalidValue
from domain.values import first_of_next_month

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
EARLIEST_YEAR = 1950


def parse_month(text: str, field: str = "month") -> date:
    """The first day of a ``YYYY-MM`` month; a malformed or impossible month is refused."""
    m = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise InvalidValue(f"{field} must be YYYY-MM, got {text!r}", field=field, rule="month-format")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise InvalidValue(f"{field} {text} has no month {month}", field=field, rule="month-valid")
    if year < EARLIEST_YEAR:
        raise InvalidValue(f"{field} {text} is before {EARLIEST_YEAR}", field=field, rule="date-plausible")
    return date(year, month, 1)


def last_day(first: date) -> date:
    """The last day of the month that ``first`` lies in."""
    return first_of_next_month(first) - timedelta(days=1)


def month_text(first: date) -> str:
    return f"{first:%Y-%m}"
