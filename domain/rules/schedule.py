"""Dates the rules set: when benefits start, when the next review falls due, when gradual exit ends."""

from __future__ import annotations

from datetime import date

from domain.members import LabourCapacity, Member
from domain.policy import ParameterSnapshot
from domain.values import first_of_next_month

ELDERLY_AGE = 60


def benefits_start(approved_on: date, params: ParameterSnapshot) -> date:
    """Benefits start on the first day of the month ``dibao.benefit_start_months`` after approval."""
    return first_of_next_month(approved_on, params.count("dibao.benefit_start_months"))


def income_is_stable(members: tuple[Member, ...], on: date) -> bool:
    """All members elderly, disabled or unable to work (docs/rules.md): reviewed yearly, else half-yearly."""
    return all(
        m.age_on(on) >= ELDERLY_AGE or m.disability is not None or m.labour_capacity is LabourCapacity.NONE
        for m in members
    )


def next_review_due(start: date, members: tuple[Member, ...], params: ParameterSnapshot) -> date:
    """The first day of the month the next periodic review is due, counted from ``start``."""
    key = "dibao.review_months.stable" if income_is_stable(members, start) else "dibao.review_months.other"
    return first_of_next_month(start, params.count(key))


def gradual_exit_until(decided_on: date, params: ParameterSnapshot) -> date:
    """First month no longer paid: payments continue for N months after the decision's month."""
    return first_of_next_month(decided_on, params.count("dibao.gradual_exit_months") + 1)
