"""Dates the rules set: when benefits start, when the next review falls due, when gradual exit ends."""

from __future__ import annotations

from datetime import date

from domain.members import LabourCapacity, Member
from domain.policy import STATUTORY_DEFAULTS, ParameterSnapshot
from domain.values import first_of_next_month


def benefits_start(approved_on: date, params: ParameterSnapshot) -> date:
    """Benefits start on the first day of the month ``dibao.benefit_start_months`` after approval."""
    return first_of_next_month(approved_on, params.count("dibao.benefit_start_months"))


def income_is_stable(
    members: tuple[Member, ...], on: date, elderly_age: int = STATUTORY_DEFAULTS["person.elderly_age"]
) -> bool:
    """All members elderly (``person.elderly_age``), disabled or unable to work (docs/rules.md): reviewed
    yearly, else half-yearly."""
    return all(
        m.age_on(on) >= elderly_age or m.disability is not None or m.labour_capacity is LabourCapacity.NONE
        for m in members
    )


def next_review_due(start: date, members: tuple[Member, ...], params: ParameterSnapshot) -> date:
    """The first day of the month the next periodic review is due, counted from ``start``."""
    stable = income_is_stable(members, start, params.count_in_force("person.elderly_age"))
    key = "dibao.review_months.stable" if stable else "dibao.review_months.other"
    return first_of_next_month(start, params.count(key))


def gradual_exit_until(decided_on: date, params: ParameterSnapshot) -> date:
    """First month no longer paid: payments continue for N months after the decision's month."""
    return first_of_next_month(decided_on, params.count("dibao.gradual_exit_months") + 1)
