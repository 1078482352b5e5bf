"""The decision deadline: the served parameter sets it, an approver's extension moves it, the worklist follows.

Clock: 2025-06-01. An application of 2025-04-07 is late after 30 working days (due 2025-05-19) and not
after an extension to 45 (due 2025-06-09); one of 2025-03-10 is late even at 45 (due 2025-05-12).
"""

from __future__ import annotations

from datetime import date

import pytest

from application import commands
from application.casework import Casework
from application.deadlines import deadline_working_days
from application.views.projection import Views
from application.views.reports import Reports
from domain.errors import InvalidValue, RuleViolation, TransitionForbidden
from tests.application.scenarios import enrol, household
from tests.support import APPROVER, by, fixed_clock


def late(reports: Reports) -> dict[object, date | None]:
    """The enrolments the worklist lists as late, with their deadline."""
    return {i.enrolment_id: i.due for i in reports.worklist(APPROVER) if i.kind == "decision_late"}


def test_the_deadline_is_the_served_parameter(casework: Casework) -> None:
    """The seed serves 30 working days to decide and 45 where extended, for the district on the date."""
    policy = casework.policy()
    assert deadline_working_days(policy, "430112001001", date(2025, 4, 7)) == 30
    extended = policy.snapshot("430112001001", date(2025, 4, 7)).get("decision.extended_deadline_working_days")
    assert extended.value == 45
    assert "45个工作日" in extended.legal_basis


def test_the_worklist_measures_lateness_against_an_extended_deadline(casework: Casework, views: Views) -> None:
    """Late at 30 working days; after an extension not late until 45; an older application stays late."""
    reports = Reports(views, fixed_clock)
    recent = enrol(casework, (hid := household(casework)), applied_on=date(2025, 4, 7))
    older = enrol(casework, (old := household(casework)), applied_on=date(2025, 3, 10))
    assert late(reports) == {recent: date(2025, 5, 19), older: date(2025, 4, 21)}
    deadline, h = casework.handle(
        commands.ExtendDecisionDeadline(
            household_id=hid, enrolment_id=recent, meta=by(APPROVER, date(2025, 5, 16), reason="需补充调查")
        )
    )
    assert deadline == date(2025, 6, 9)
    assert h.enrolment(recent).deadline_working_days == 45
    casework.handle(
        commands.ExtendDecisionDeadline(
            household_id=old, enrolment_id=older, meta=by(APPROVER, date(2025, 4, 18), reason="需补充调查")
        )
    )
    assert late(reports) == {older: date(2025, 5, 12)}
    views.rebuild()
    assert late(reports) == {older: date(2025, 5, 12)}  # a rebuilt view keeps the extension


def test_a_second_extension_a_blank_reason_and_a_decided_application_are_refused(casework: Casework) -> None:
    """Once per application, with a reason, before the decision; a refusal records nothing."""
    undecided = enrol(casework, (hid := household(casework)), applied_on=date(2025, 4, 7))
    done = household(casework)
    approved = enrol(casework, done, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    with pytest.raises(InvalidValue):
        casework.handle(
            commands.ExtendDecisionDeadline(
                household_id=hid, enrolment_id=undecided, meta=by(APPROVER, date(2025, 5, 1), reason="")
            )
        )
    casework.handle(
        commands.ExtendDecisionDeadline(
            household_id=hid, enrolment_id=undecided, meta=by(APPROVER, date(2025, 5, 1), reason="r")
        )
    )
    version = casework.get_household(hid).version
    with pytest.raises(RuleViolation):
        casework.handle(
            commands.ExtendDecisionDeadline(
                household_id=hid, enrolment_id=undecided, meta=by(APPROVER, date(2025, 5, 2), reason="r")
            )
        )
    with pytest.raises(TransitionForbidden):
        casework.handle(
            commands.ExtendDecisionDeadline(
                household_id=done, enrolment_id=approved, meta=by(APPROVER, date(2024, 3, 1), reason="r")
            )
        )
    assert casework.get_household(hid).version == version


def test_views_of_an_older_release_gain_the_extension_column(casework: Casework) -> None:
    """A views store made before extensions existed gets ``deadline_days`` on opening; a rebuild fills it."""
    recent = enrol(casework, (hid := household(casework)), applied_on=date(2025, 4, 7))
    casework.handle(
        commands.ExtendDecisionDeadline(
            household_id=hid, enrolment_id=recent, meta=by(APPROVER, date(2025, 5, 16), reason="r")
        )
    )
    old = Views(casework)
    with old.store.write() as c:  # the enrolments table as the release before this one made it
        c.execute(f"ALTER TABLE {old.store.t('enrolments')} DROP COLUMN deadline_days")
    old.close()
    reopened = Views(casework)
    try:
        reopened.rebuild()
        assert late(Reports(reopened, fixed_clock)) == {}
    finally:
        reopened.close()
