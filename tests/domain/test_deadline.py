"""The decision deadline's extension on the Household aggregate: once, before the decision, with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidValue, RuleViolation, TransitionForbidden
from domain.household import Household
from domain.values import Context
from tests.domain.test_household import build
from tests.support import APPROVER

ON = date(2024, 3, 4)


def test_an_extension_is_recorded_with_its_reason() -> None:
    """The event names the enrolment, the extended working days, the approver and the reason."""
    case = build("reviewed")
    case.h.extend_decision_deadline(
        case.eid, working_days=45, deadline_working_days=30, ctx=Context(ON, APPROVER, reason="需补充调查")
    )
    event = case.h.pending_events[-1]
    assert isinstance(event, Household.DecisionDeadlineExtended)
    assert (event.enrolment_id, event.extended_to_working_days) == (case.eid, 45)
    assert (event.effective_on, event.actor, event.reason) == (ON, APPROVER, "需补充调查")
    assert case.h.enrolment(case.eid).deadline_working_days == 45


@pytest.mark.parametrize("stage", ["applied", "reviewed"])
def test_an_undecided_application_can_be_extended(stage: str) -> None:
    """Applied or reviewed (not yet decided): the extension is recorded."""
    case = build(stage)
    case.h.extend_decision_deadline(
        case.eid, working_days=45, deadline_working_days=30, ctx=Context(ON, APPROVER, reason="r")
    )
    assert case.h.enrolment(case.eid).deadline_working_days == 45


@pytest.mark.parametrize("stage", ["approved", "rejected"])
def test_a_decided_application_cannot_be_extended(stage: str) -> None:
    """After the county's decision there is no deadline left to extend: the transition is refused."""
    case = build(stage)
    before = len(case.h.pending_events)
    with pytest.raises(TransitionForbidden):
        case.h.extend_decision_deadline(
            case.eid, working_days=45, deadline_working_days=30, ctx=Context(ON, APPROVER, reason="r")
        )
    assert len(case.h.pending_events) == before


def test_an_extension_needs_a_reason_a_longer_deadline_and_comes_once() -> None:
    """A blank reason, an extension not longer than the deadline and a second extension are refused."""
    case = build("reviewed")
    extend = case.h.extend_decision_deadline
    with pytest.raises(InvalidValue) as blank:
        extend(case.eid, working_days=45, deadline_working_days=30, ctx=Context(ON, APPROVER, reason=" "))
    assert blank.value.rule == "reason-required"
    with pytest.raises(RuleViolation) as shorter:
        extend(case.eid, working_days=30, deadline_working_days=30, ctx=Context(ON, APPROVER, reason="r"))
    assert shorter.value.rule == "deadline-extension-longer"
    extend(case.eid, working_days=45, deadline_working_days=30, ctx=Context(ON, APPROVER, reason="r"))
    with pytest.raises(RuleViolation) as twice:
        extend(case.eid, working_days=45, deadline_working_days=30, ctx=Context(ON, APPROVER, reason="r"))
    assert twice.value.rule == "deadline-extended-once"
