"""The decision deadline: the county decides within the parameter's working days after the
application (``decision.deadline_working_days``, 30); in a special case an approver extends it,
once, to ``decision.extended_deadline_working_days`` (45), recording why. Both values are those in
force for the household's division on the application's date. Working days are Monday to Friday
(public holidays are not known yet)."""

from __future__ import annotations

from datetime import date, timedelta

from eventsourcing.domain import Aggregate

from application.base import CaseworkBase
from application.commands import ExtendDecisionDeadline
from domain.household import Household
from domain.policy import Policy

DEADLINE = "decision.deadline_working_days"
EXTENDED = "decision.extended_deadline_working_days"
DEFAULT_WORKING_DAYS = 30  # where no value is in force (a store without the seed)


def working_days_after(start: date, days: int) -> date:
    """The date ``days`` working days (Mon–Fri) after ``start``."""
    d = start
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def deadline_working_days(policy: Policy, division_code: str, applied_on: date) -> int:
    """The working days the county has to decide, as in force for the division on the application's date."""
    value = policy.snapshot(division_code, applied_on).values.get(DEADLINE)
    return int(value.value) if value is not None else DEFAULT_WORKING_DAYS  # type: ignore[arg-type]


def extend_decision_deadline(
    app: CaseworkBase, cmd: ExtendDecisionDeadline, h: Household, others: list[Aggregate]
) -> date:
    """Extend an undecided application's deadline to the extended working days; returns the new deadline."""
    e = h.enrolment(cmd.enrolment_id)
    params = app.policy().snapshot(h.division_code, e.applied_on)
    extended = params.count(EXTENDED)
    h.extend_decision_deadline(
        cmd.enrolment_id, working_days=extended, deadline_working_days=params.count(DEADLINE), ctx=cmd.meta.context
    )
    return working_days_after(e.applied_on, extended)
