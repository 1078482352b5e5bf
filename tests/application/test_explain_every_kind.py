"""Every kind of decision is explained with a re-computation, and a change of the rules is flagged on each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

import domain.rules.programs as rules
from application import commands
from application.audit import Auditor
from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views
from domain.circumstances import Assets
from domain.household import Household
from domain.members import Relation
from tests.application.scenarios import enrol, household, month_firsts
from tests.application.steps import (
    decide,
    earning,
    first_with,
    moved_away,
    orphan_enrolled,
    record,
)
from tests.support import APPROVER, CASEWORKER, by, pay

D = Decimal
KINDS = (
    "TownshipReviewRecorded",
    "ApplicationApproved",
    "ApplicationRejected",
    "ReviewCompleted",
    "EntitlementChanged",
    "PaymentsSettled",
    "EnrolmentTerminated",  # by an approver
    "EnrolmentTerminated:calendar",  # ageing out, recorded by the calendar job
)


def decisions(casework: Casework, views: Views) -> dict[str, tuple[UUID, UUID]]:
    """One decision of each kind: (household, decision id) by kind."""
    found: dict[str, tuple[UUID, UUID]] = {}
    payroll = Payroll(casework, views)
    a = household(casework)
    eid = enrol(casework, a, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    for month in month_firsts(date(2024, 3, 1), date(2024, 6, 1)):
        payroll.handle(pay(month, APPROVER))
    head = first_with(casework, a, Relation.HEAD)
    record(casework, a, earning(head, "1500.00", assets=Assets()), date(2024, 4, 1))
    payroll.handle(pay(date(2024, 7, 1), APPROVER))
    casework.handle(commands.Review(household_id=a, enrolment_id=eid, meta=by(CASEWORKER, date(2024, 8, 1))))
    moved_away(casework, a, eid, date(2024, 9, 5))
    b = household(casework)
    rejected = enrol(casework, b, applied_on=date(2024, 1, 15))
    decide(casework, commands.Reject, b, rejected, date(2024, 2, 2), "OTHER", "不符合")
    c, _, _ = orphan_enrolled(casework, born=date(2006, 5, 10))
    casework.tick(date(2024, 6, 1))
    for hid in (a, b, c.id):
        for event in casework.repository.event_store.get(hid):
            did = getattr(event, "decision_id", None)
            if did is None:
                continue
            kind = type(event).__name__
            if isinstance(event, Household.EnrolmentTerminated) and event.actor.user_id.startswith("system"):
                kind += ":calendar"
            found.setdefault(kind, (hid, did))
    return found


def explained(casework: Casework, found: dict[str, tuple[UUID, UUID]]) -> dict[str, dict[str, Any]]:
    auditor = Auditor(casework)
    return {kind: auditor.explain(*found[kind]) for kind in KINDS}


def test_every_decision_kind_is_reproduced_and_flagged_when_the_rules_change(
    casework: Casework, views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On today's rules every kind re-computes as recorded; with a rule patched every kind says it does not."""
    found = decisions(casework, views)
    assert set(KINDS) <= set(found), sorted(found)
    before = explained(casework, found)
    for kind, explanation in before.items():
        assert explanation["recomputation"] is not None, kind
        assert explanation["recomputation"]["reproduced"] is True, (kind, explanation["recomputation"])

    def cut(assess: Any) -> Any:
        def patched(facts: Any, params: Any) -> Any:
            a = assess(facts, params)
            return replace(a, monthly_amount=a.monthly_amount - D("1.00"))

        return patched

    monkeypatch.setattr(rules, "assess_dibao", cut(rules.assess_dibao))
    monkeypatch.setattr(rules, "assess_orphan", cut(rules.assess_orphan))
    after = explained(casework, found)
    flagged = {kind for kind, explanation in after.items() if explanation["recomputation"]["reproduced"] is False}
    assert flagged == set(KINDS)
