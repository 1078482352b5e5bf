"""The disability subsidies in the statistics, by the certificate's grade and category: persons on roll at
the period's last day, persons whose subsidy started in the period, person-months (人次) and funds paid
for the period's months (docs/rules.md, "Reports").

The views keep no certificate, so the split reads each household's certificates from the event store
(the certificate in effect on the day counted: the last day for the roll, the month's first day for a
payment, the first month paid for a new enrolment), as now known. Cells of fewer households than the
disclosure threshold are suppressed for roles without personal access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from application.views.projection import Views
from domain.household import Household
from domain.values import CENT, Program

PROGRAMS = (Program.DISABILITY_LIVING, Program.DISABILITY_CARE)
UNKNOWN = "none"  # paid or on roll without a certificate in effect on the day (not expected: the rules ask one)


@dataclass
class Cell:
    households: set[UUID] = field(default_factory=set)
    persons: int = 0
    new_persons: int = 0
    person_months: int = 0
    funds: Decimal = Decimal("0.00")

    def shown(self, k: int | None) -> dict[str, Any]:
        n = len(self.households)
        if k is not None and 0 < n < k:
            return {
                "households": None,
                "persons": None,
                "new_persons": None,
                "person_months": None,
                "funds": None,
                "suppressed": True,
            }
        return {
            "households": n,
            "persons": self.persons,
            "new_persons": self.new_persons,
            "person_months": self.person_months,
            "funds": str(self.funds),
            "funds_wan": str((self.funds / 10000).quantize(CENT, ROUND_HALF_UP)),
        }


def _months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


class _Split:
    """The cells of one program, by grade and by category."""

    def __init__(self, load: Callable[[UUID], Household]) -> None:
        self.load = load
        self.grades: dict[str, Cell] = {}
        self.categories: dict[str, Cell] = {}

    def cells(self, h: Household, person: UUID, on: date) -> tuple[Cell, Cell]:
        c = h.certificate_on(person, on)
        grade, category = (str(c.grade), str(c.category)) if c is not None else (UNKNOWN, UNKNOWN)
        by_grade, by_category = self.grades.setdefault(grade, Cell()), self.categories.setdefault(category, Cell())
        by_grade.households.add(h.id)
        by_category.households.add(h.id)
        return by_grade, by_category

    def shown(self, k: int | None) -> dict[str, Any]:
        return {
            "by_grade": {g: c.shown(k) for g, c in sorted(self.grades.items())},
            "by_category": {g: c.shown(k) for g, c in sorted(self.categories.items())},
        }


def disability_figures(views: Views, first: date, last: date, prefix: str, k: int | None) -> dict[str, Any]:
    """Per disability program: the split by grade and by category (``k``: suppress cells under it)."""
    store, load = views.store, views.casework.get_household
    cache: dict[UUID, Household] = {}

    def household(hid: UUID) -> Household:
        if hid not in cache:
            cache[hid] = load(hid)
        return cache[hid]

    out: dict[str, Any] = {}
    for program in PROGRAMS:
        split, started = _Split(household), set()
        for row in store.roll(str(program), last, prefix):
            for cell in split.cells(household(row.household_id), row.person_id, last):
                cell.persons += 1
        for month in _months(first, last):
            for line in store.sheet(month, prefix):
                if line.program != program:
                    continue
                h = household(line.household_id)
                e = h.enrolments[line.enrolment_id]
                for cell in split.cells(h, e.beneficiaries[0], month):
                    cell.person_months += 1
                    cell.funds += line.amount
                started.add((line.household_id, line.enrolment_id))
        for hid, eid in sorted(started):
            e = household(hid).enrolments[eid]
            if e.benefits_from is not None and first <= e.benefits_from <= last:
                for cell in split.cells(household(hid), e.beneficiaries[0], e.benefits_from):
                    cell.new_persons += 1
        out[str(program)] = split.shown(k)
    return out
