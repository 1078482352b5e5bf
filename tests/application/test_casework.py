"""The Casework application on every backend: POPO, SQLite and PostgreSQL run the same tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from application import commands
from application.casework import Casework
from application.errors import HouseholdNotFound, OutsideJurisdiction, StaleVersion
from domain.assessment import Assessment
from domain.circumstances import Assets
from domain.enrolment import Status
from domain.household import Household
from domain.members import AdditionCause, Disability, DisabilityKind, Relation
from domain.policy import ParameterValue
from domain.values import Actor, AreaType, Context, Program, Role
from tests.application import steps
from tests.application.steps import apply_for, approve, change, decide, earning, moved_away, record, review
from tests.support import APPROVER, CASEWORKER, COMMUNITY, by, member

D = Decimal


def register(app: Casework) -> Household:
    head = member(Relation.HEAD, date(1975, 3, 1), name="王建国")
    spouse = member(Relation.SPOUSE, date(1977, 8, 9), name="李秀英")
    child = member(Relation.CHILD, date(2012, 1, 20), name="王小明")
    return steps.register(app, head, spouse, child, address="望城区某街道1号", request_id="req-1")


def approved_dibao(app: Casework) -> tuple[UUID, UUID]:
    """Register → circumstances → apply → township review → approval; returns (household, enrolment)."""
    h = register(app)
    head = next(m for m in h.members.values() if m.relation is Relation.HEAD)
    record(app, h.id, earning(head, "1200.00", assets=Assets(financial=D("5000.00"))))
    eid = apply_for(app, h.id, Program.DIBAO, *h.members, on=date(2024, 1, 15))
    review(app, h.id, eid, date(2024, 1, 25), investigated_on=date(2024, 1, 20), findings="入户调查属实")
    approve(app, h.id, eid, date(2024, 2, 2))
    return h.id, eid


def test_household_round_trips_through_the_store(casework: Casework) -> None:
    """A registered household reloads from the store with typed members, dates and enums."""
    h = register(casework)
    loaded = casework.get_household(h.id)
    assert loaded.version == 1
    assert loaded.area_type is AreaType.URBAN
    assert loaded.registered_on == date(2024, 1, 10)
    assert {m.name for m in loaded.members.values()} == {"王建国", "李秀英", "王小明"}
    head = next(m for m in loaded.members.values() if m.relation is Relation.HEAD)
    assert head.relation is Relation.HEAD
    assert head.birth_date == date(1975, 3, 1)


def test_dibao_lifecycle_on_every_backend(casework: Casework) -> None:
    """Approval → review after the July raise → suspension → resumption → termination, reloaded each time."""
    hid, eid = approved_dibao(casework)
    e = casework.get_household(hid).enrolment(eid)
    assert e.status is Status.APPROVED
    assert e.benefits_from == date(2024, 3, 1)
    assert e.amount_on(date(2024, 3, 1)) == D("1050.00")  # (750.00 − 1200.00/3) × 3
    assert e.amount_on(date(2024, 7, 1)) == D("1140.00")  # the 1 July raise, known at approval, recorded with it
    assert e.status_on(date(2024, 2, 29)) is Status.APPROVED
    assert e.status_on(date(2024, 3, 1)) is Status.ACTIVE

    casework.handle(commands.Review(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, date(2024, 8, 1))))
    e = casework.get_household(hid).enrolment(eid)
    assert e.monthly_amount == D("1140.00")  # (780.00 − 400.00) × 3 after the 1 July raise
    assert e.status is Status.ACTIVE

    decide(casework, commands.Suspend, hid, eid, date(2024, 9, 10), "NOT_REACHABLE", "家庭失联")
    assert casework.get_household(hid).enrolment(eid).status_on(date(2024, 10, 1)) is Status.SUSPENDED
    casework.handle(commands.Resume(household_id=hid, enrolment_id=eid, meta=by(APPROVER, date(2024, 10, 15))))
    assert casework.get_household(hid).enrolment(eid).amount_on(date(2024, 11, 1)) == D("1140.00")
    moved_away(casework, hid, eid, date(2024, 12, 5), "迁出本区")
    e = casework.get_household(hid).enrolment(eid)
    assert e.status_on(date(2024, 12, 1)) is Status.ACTIVE  # December was due: active on its first day
    assert e.status_on(date(2025, 1, 1)) is Status.TERMINATED
    assert e.amount_on(date(2025, 1, 1)) == D("0.00")


def test_stored_events_keep_their_types(casework: Casework) -> None:
    """Every non-JSON type in stored events decodes to its own type (transcodings registered)."""
    hid, _ = approved_dibao(casework)
    events = list(casework.repository.event_store.get(hid))
    assert [type(e).__name__ for e in events] == [
        "Registered",
        "CircumstancesRecorded",
        "ApplicationFiled",
        "TownshipReviewRecorded",
        "EntitlementChanged",  # July's raise, priced while the application waits for approval
        "EntitlementChanged",  # a child turns 18 and is no longer counted
        "ApplicationApproved",
    ]
    for e in events:
        assert isinstance(e.effective_on, date)
        assert isinstance(e.actor, Actor)
        assert isinstance(e.actor.role, Role)
    review = events[3]
    assert isinstance(review.assessment, Assessment)
    assert review.assessment.monthly_amount == D("1050.00")
    assert all(
        isinstance(p, ParameterValue) and isinstance(p.effective_from, date) for p in review.assessment.parameters
    )
    assert "dibao.standard.urban" in {p.name for p in review.assessment.parameters}
    assert events[0].request_id == "req-1"


def test_stale_version_is_refused_and_writes_nothing(casework: Casework) -> None:
    """A command carrying an old version raises StaleVersion and leaves the household unchanged."""
    h = register(casework)

    def birth(on: date) -> None:
        """A child born on ``on`` added by a caseworker who last saw version 1."""
        cmd = commands.AddMember(
            household_id=h.id,
            member=member(Relation.CHILD, on),
            cause=AdditionCause.BIRTH,
            meta=by(CASEWORKER, on, expected_version=1),
        )
        casework.handle(cmd)

    birth(date(2024, 2, 1))
    with pytest.raises(StaleVersion) as caught:
        birth(date(2024, 3, 1))
    assert caught.value.current == 2
    assert casework.get_household(h.id).version == 2


def test_a_lost_race_is_retried_on_fresh_state(
    make_casework: Callable[[], Casework], request: pytest.FixtureRequest
) -> None:
    """When another writer saves first, the command reloads and re-runs instead of failing."""
    app = make_casework()
    other = app if "popo" in request.node.name else make_casework()
    h = register(app)
    calls = []

    def racing_command(household: Household, others: list[object]) -> None:
        calls.append(household.version)
        if len(calls) == 1:  # someone else writes between our load and our save
            change(other, h.id, next(iter(household.members)), {"seriously_ill": True}, date(2024, 2, 1))
        household.change_member(
            next(iter(household.members)), {"labour_capacity": "none"}, ctx=Context(date(2024, 2, 2), CASEWORKER)
        )

    app._update(h.id, None, CASEWORKER, racing_command)
    assert calls == [1, 2]
    loaded = app.get_household(h.id)
    assert loaded.version == 3
    first = loaded.members[next(iter(loaded.members))]
    assert first.seriously_ill is True
    assert first.labour_capacity.value == "none"


def test_member_change_and_disability_survive_reload(casework: Casework) -> None:
    """A member change with a disability value object is stored and re-applied on reload."""
    h = register(casework)
    pid = next(iter(h.members))
    change(casework, h.id, pid, {"disability": Disability(DisabilityKind.MENTAL, 3)}, date(2024, 3, 1))
    m = casework.get_household(h.id).members[pid]
    assert m.disability == Disability(DisabilityKind.MENTAL, 3)
    assert m.disability.severe


def test_outside_jurisdiction_and_unknown_household(casework: Casework) -> None:
    """A caseworker of another township can neither read nor write; an unknown id is not found."""
    h = register(casework)
    outsider = Actor("cw-9", Role.CASEWORKER, "430112002")
    with pytest.raises(OutsideJurisdiction):
        casework.read_household(h.id, outsider)
    with pytest.raises(OutsideJurisdiction):
        change(casework, h.id, next(iter(h.members)), {"seriously_ill": True}, date(2024, 3, 1), outsider)
    assert casework.get_household(h.id).version == 1
    with pytest.raises(HouseholdNotFound):
        casework.get_household(UUID(int=7))


def test_policy_is_seeded_once_and_changes_are_recorded(make_casework: Callable[[], Casework]) -> None:
    """Seeding an already seeded store records nothing; a new value is recorded with actor and basis."""
    app = make_casework()
    from api.composition import SEED_ACTOR
    from infrastructure.policy_seed import load_seed

    before = len(app.policy().values)
    assert before == len(load_seed())
    assert app.seed_policy(load_seed(), SEED_ACTOR) == 0
    admin = Actor("admin-1", Role.ADMIN, "43")
    app.handle(
        commands.SetParameter(
            name="dibao.standard.urban",
            jurisdiction="430112",
            value="800.00",
            legal_basis="示例文件 2025",
            meta=by(admin, date(2025, 1, 1), reason="annual adjustment"),
        )
    )
    policy = app.policy()
    assert len(policy.values) == before + 1
    assert policy.snapshot(COMMUNITY, date(2025, 1, 1)).decimal("dibao.standard.urban") == D("800.00")
    assert policy.snapshot(COMMUNITY, date(2024, 12, 31)).decimal("dibao.standard.urban") == D("780.00")
