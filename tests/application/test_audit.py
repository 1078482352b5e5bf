"""The auditor's desk on every backend: two clocks, history, explanations, tamper evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from api.composition import SEED_ACTOR
from application import commands
from application.audit import Auditor
from application.casework import Casework
from domain.circumstances import Circumstances, IncomeItem, IncomeKind
from domain.enrolment import Status, TownshipOpinion
from domain.errors import InvalidValue, NotFound
from domain.members import Relation
from domain.values import Program
from infrastructure.policy_seed import load_seed
from tests.application.steps import apply_for, record, register, removed
from tests.support import APPROVER, CASEWORKER, by, member
from tests.support_clock import SteppingClock

D = Decimal


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def app(backend_env: dict[str, str], clock: SteppingClock) -> Iterator[Casework]:
    casework = Casework(env=backend_env, clock=clock)
    casework.seed_policy(load_seed(), SEED_ACTOR)
    yield casework
    casework.close()


def wages(person_id: UUID, amount: str) -> Circumstances:
    return Circumstances(incomes=(IncomeItem(person_id, IncomeKind.WAGES, D(amount)),))


def scenario(app: Casework, clock: SteppingClock) -> dict[str, object]:
    """Register on day 1, approve on day 3, learn on day 5 that the head's wages rose from 1 March."""
    head = member(Relation.HEAD, date(1975, 3, 1))
    spouse = member(Relation.SPOUSE, date(1977, 8, 9))
    h = register(app, head, spouse)
    record(app, h.id, wages(head.person_id, "600.00"))
    eid = apply_for(app, h.id, Program.DIBAO, head, spouse, on=date(2024, 1, 15))
    t_applied = clock.now
    clock.advance(days=1)
    review_id, _ = app.handle(
        commands.RecordTownshipReview(
            household_id=h.id,
            enrolment_id=eid,
            investigated_on=date(2024, 1, 20),
            findings="属实",
            opinion=TownshipOpinion.APPROVE,
            meta=by(CASEWORKER, date(2024, 1, 25)),
        )
    )
    clock.advance(days=1)
    approval_id, _ = app.handle(
        commands.Approve(household_id=h.id, enrolment_id=eid, meta=by(APPROVER, date(2024, 2, 2)))
    )
    t_approved = clock.now
    clock.advance(days=2)
    record(app, h.id, wages(head.person_id, "1400.00"), date(2024, 3, 1), reason="单位补报工资")
    t_corrected = clock.now
    clock.advance(days=1)
    return {
        "h": h.id,
        "e": eid,
        "head": head.person_id,
        "spouse": spouse.person_id,
        "review": review_id,
        "approval": approval_id,
        "t_applied": t_applied,
        "t_approved": t_approved,
        "t_corrected": t_corrected,
    }


def test_known_at_and_in_effect_on(app: Casework, clock: SteppingClock) -> None:
    """Three (as_of, effective_on) pairs give the household as then known and then in effect."""
    s = scenario(app, clock)
    auditor = Auditor(app)
    hid, eid = s["h"], s["e"]
    assert isinstance(hid, UUID)
    assert isinstance(eid, UUID)
    # 1. as known right after the application: filed, not reviewed
    early = auditor.household_at(hid, as_of=s["t_applied"])  # type: ignore[arg-type]
    assert early.enrolment(eid).status is Status.APPLIED
    assert early.version == 3
    # 2. as known after approval, in effect on 1 April: active at (750 − 600/2) × 2 = 900.00, old wages
    approved = auditor.household_at(hid, as_of=s["t_approved"], effective_on=date(2024, 4, 1))  # type: ignore[arg-type]
    assert approved.enrolment(eid).status_on(date(2024, 4, 1)) is Status.ACTIVE
    assert approved.enrolment(eid).amount_on(date(2024, 4, 1)) == D("900.00")
    assert approved.circumstances_on(date(2024, 4, 1)).incomes[0].monthly_amount == D("600.00")
    # 3. as known now, in effect on 15 February: the March correction is not yet in effect
    feb = auditor.household_at(hid, effective_on=date(2024, 2, 15))
    assert feb.circumstances_on(date(2024, 2, 15)).incomes[0].monthly_amount == D("600.00")
    assert feb.enrolment(eid).status_on(date(2024, 2, 15)) is Status.APPROVED
    now = auditor.household_at(hid, effective_on=date(2024, 3, 15))
    assert now.circumstances_on(date(2024, 3, 15)).incomes[0].monthly_amount == D("1400.00")


def test_time_travel_refuses_future_and_pre_registration(app: Casework, clock: SteppingClock) -> None:
    """An as_of in the future and an effective_on before registration are refused."""
    s = scenario(app, clock)
    auditor = Auditor(app)
    with pytest.raises(InvalidValue) as future:
        auditor.household_at(s["h"], as_of=clock.now + timedelta(seconds=1))  # type: ignore[arg-type]
    assert future.value.rule == "as-of-not-future"
    with pytest.raises(InvalidValue) as early:
        auditor.household_at(s["h"], effective_on=date(2024, 1, 9))  # type: ignore[arg-type]
    assert early.value.rule == "effective-before-registration"


def test_history_lists_both_clocks_actor_and_reason(app: Casework, clock: SteppingClock) -> None:
    """History gives every event with recorded instant, effective date, actor and reason, filterable."""
    s = scenario(app, clock)
    entries = Auditor(app).history(s["h"])  # type: ignore[arg-type]
    assert [e["event"] for e in entries] == [
        "Registered",
        "CircumstancesRecorded",
        "ApplicationFiled",
        "TownshipReviewRecorded",
        "EntitlementChanged",  # the 1 July raise, already recorded, changes what approving would pay from July
        "ApplicationApproved",
        "CircumstancesRecorded",
        "EntitlementChanged",  # the wages from 1 March change March's amount …
        "EntitlementChanged",  # … and July's
    ]
    approval, wages_rose = entries[5], entries[6]
    assert wages_rose["recorded_at"] == s["t_corrected"]
    assert approval["recorded_at"] == s["t_approved"]
    assert wages_rose["effective_on"] == date(2024, 3, 1)
    assert wages_rose["reason"] == "单位补报工资"
    assert entries[7]["recorded_at"] == s["t_corrected"]  # recorded with the fact that caused it
    assert "CircumstancesRecorded effective 2024-03-01" in entries[7]["reason"]
    assert approval["actor"] == {"user_id": APPROVER.user_id, "role": "approver"}
    assert approval["decision_id"] == s["approval"]
    only_dibao = Auditor(app).history(s["h"], program="dibao")  # type: ignore[arg-type]
    assert [e["event"] for e in only_dibao] == [
        "ApplicationFiled",
        "TownshipReviewRecorded",
        "EntitlementChanged",
        "ApplicationApproved",
        "EntitlementChanged",
        "EntitlementChanged",
    ]
    march = Auditor(app).history(s["h"], effective_from=date(2024, 2, 1), effective_to=date(2024, 6, 30))  # type: ignore[arg-type]
    assert [e["event"] for e in march] == ["ApplicationApproved", "CircumstancesRecorded", "EntitlementChanged"]


def test_decision_explained_and_reproduced(app: Casework, clock: SteppingClock) -> None:
    """A township assessment and an approval are explained with facts, parameters and a re-computation."""
    s = scenario(app, clock)
    auditor = Auditor(app)
    review = auditor.explain(s["h"], s["review"])  # type: ignore[arg-type]
    assert review["event"] == "TownshipReviewRecorded"
    assert review["decided_by"] == {"user_id": CASEWORKER.user_id, "role": "caseworker"}
    assert review["assessment"]["monthly_amount"] == "900.00"
    standard = next(p for p in review["assessment"]["parameters"] if p["name"] == "dibao.standard.urban")
    assert standard["value"] == "750.00"
    assert standard["legal_basis"]
    assert review["recomputation"]["reproduced"] is True
    approval = auditor.explain(s["h"], s["approval"])  # type: ignore[arg-type]
    assert approval["decision"]["monthly_amount"] == "900.00"
    assert approval["decision"]["benefits_from"] == "2024-03-01"
    assert approval["recomputation"]["reproduced"] is True
    with pytest.raises(NotFound):
        auditor.explain(s["h"], uuid4())  # type: ignore[arg-type]


def test_changed_rules_are_flagged_not_hidden(
    app: Casework, clock: SteppingClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When today's rules give another amount on the recorded inputs, the explanation says so."""
    s = scenario(app, clock)
    import domain.rules.programs as casework_module

    original = casework_module.assess_dibao

    def harsher(facts, params):  # type: ignore[no-untyped-def]
        a = original(facts, params)
        from dataclasses import replace

        return replace(a, monthly_amount=a.monthly_amount - D("1.00"))

    monkeypatch.setattr(casework_module, "assess_dibao", harsher)
    result = Auditor(app).explain(s["h"], s["review"])  # type: ignore[arg-type]
    assert result["recomputation"]["reproduced"] is False
    assert result["recomputation"]["differences"]["monthly_amount"] == {"recorded": "900.00", "recomputed": "899.00"}


def test_clean_store_verifies(app: Casework, clock: SteppingClock) -> None:
    """An untouched store verifies with no findings and counts every event."""
    scenario(app, clock)
    report = Auditor(app).verify()
    assert report.ok, report.findings
    assert report.events_checked == app.recorder.max_notification_id()
    assert report.aggregates_checked == 4  # the household, the policy, the two beneficiaries' person indexes


def test_member_removal_effective_dates(app: Casework, clock: SteppingClock) -> None:
    """A death reported late is in effect from its date in the past, and absent before it."""
    s = scenario(app, clock)
    removed(app, s["h"], s["spouse"], date(2024, 2, 20), reason="迟报死亡")
    auditor = Auditor(app)
    assert s["spouse"] in auditor.household_at(s["h"], effective_on=date(2024, 2, 19)).members  # type: ignore[arg-type]
    assert s["spouse"] not in auditor.household_at(s["h"], effective_on=date(2024, 2, 20)).members  # type: ignore[arg-type]


def test_access_log_records_reads(app: Casework) -> None:
    """Logged reads come back per household and per user, newest first."""
    from application.views.rows import AccessRecord

    auditor = Auditor(app)
    h1, h2 = uuid4(), uuid4()
    for i, (hid, user) in enumerate([(h1, "cw-1"), (h2, "cw-1"), (h1, "au-1")]):
        auditor.log_access(
            AccessRecord(
                at=app.clock(),
                user_id=user,
                role="caseworker",
                household_id=str(hid),
                purpose=f"purpose {i}",
                request_id=f"r{i}",
            )
        )
    assert [r.purpose for r in auditor.access_log(household_id=h1)] == ["purpose 2", "purpose 0"]
    assert [r.purpose for r in auditor.access_log(user_id="cw-1")] == ["purpose 1", "purpose 0"]
