"""Two computations agree: the views' answers equal those of replaying every household directly.

Hypothesis writes small random household histories through the Casework application (register,
circumstances, apply, review, approve, suspend, resume, terminate, a member moving out, at random
valid dates; commands the state machine refuses are simply refused). Then, for the first day of
every month, the enrolments payable according to the views must be exactly those for which the
replayed household's ``Enrolment.status_on`` is payable, at ``amount_on``, covering the
beneficiaries in force on that day; on-roll and suspended counts must match too.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.composition import SEED_ACTOR
from application import commands
from application.casework import Casework
from application.views.projection import Views
from application.views.replay import payable_by_replay
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.enrolment import Status
from domain.errors import DomainError
from domain.members import Relation, RemovalCause
from domain.values import AreaType
from infrastructure.policy_seed import load_seed
from tests.application.scenarios import COMMUNITY, enrol, household, month_firsts
from tests.application.steps import approve, moved_away, removed
from tests.support import APPROVER, CASEWORKER, by, fixed_clock, payee_account

START = date(2024, 1, 15)
ACTIONS = (
    *("approve", "review", "review", "income", "income", "suspend", "resume", "terminate", "move_out", "withdraw"),
    "account",  # another account, effective ``gap`` days after the start (possibly before the first one)
)
STORY = st.fixed_dictionaries(
    {
        "size": st.integers(1, 3),
        "wages": st.sampled_from(["0", "300.00", "600.00"]),
        "area": st.sampled_from([AreaType.URBAN, AreaType.RURAL]),
        "applied": st.integers(0, 150),
        "approve_after": st.one_of(st.integers(7, 60), st.integers(7, 30), st.none()),
        "account": st.one_of(st.integers(0, 200), st.none()),  # days after the start the first account is in effect
        "actions": st.lists(
            st.tuples(st.sampled_from(ACTIONS), st.integers(1, 100), st.sampled_from(["300.00", "1200.00", "4000.00"])),
            max_size=6,
        ),
    }
)


def play(app: Casework, story: dict[str, Any]) -> None:
    """Register, apply and act out one household's story; refused commands are skipped."""
    applied = START + timedelta(days=story["applied"])
    hid = household(
        app,
        size=story["size"],
        wages=story["wages"],
        area=story["area"],
        registered_on=START,
        division=story.get("division", COMMUNITY),
    )
    eid = enrol(app, hid, applied_on=applied, account=False)
    first_account = story.get("account", story["applied"])  # none: the payroll lists the household, unpaid
    if first_account is not None:
        head = next(iter(app.get_household(hid).members))
        app.handle(payee_account(hid, head, START + timedelta(days=first_account)))
    day = applied + timedelta(days=5)
    steps = list(story["actions"])
    if story["approve_after"] is not None:
        steps.insert(0, ("approve", story["approve_after"], "0"))
    for action, gap, wages in steps:
        day += timedelta(days=gap)
        h = app.get_household(hid)
        try:
            if action == "approve":
                approve(app, hid, eid, day)
            elif action == "review":
                app.handle(commands.Review(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, day)))
            elif action == "suspend":
                app.handle(
                    commands.Suspend(
                        household_id=hid, enrolment_id=eid, reason_code="CHECK", meta=by(APPROVER, day, reason="核查")
                    )
                )
            elif action == "resume":
                app.handle(commands.Resume(household_id=hid, enrolment_id=eid, meta=by(APPROVER, day)))
            elif action == "terminate":
                moved_away(app, hid, eid, day)
            elif action == "withdraw":
                app.handle(commands.Withdraw(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, day)))
            elif action == "income":
                head = next(p for p, m in h.members.items() if m.relation is Relation.HEAD)
                circumstances = Circumstances(
                    incomes=(IncomeItem(head, IncomeKind.WAGES, Decimal(wages)),), assets=Assets()
                )
                app.handle(
                    commands.RecordCircumstances(
                        household_id=hid, circumstances=circumstances, meta=by(CASEWORKER, day)
                    )
                )
            elif action == "account":
                again = payee_account(hid, next(iter(h.members)), START + timedelta(days=gap))
                app.handle(replace(again, meta=by(CASEWORKER, START + timedelta(days=gap), reason="换卡")))
            elif action == "move_out":
                others = [p for p, m in h.members.items() if m.relation is not Relation.HEAD]
                if others:
                    removed(app, hid, others[0], day, RemovalCause.MOVED_OUT)
        except DomainError:
            continue


def check(app: Casework, views: Views) -> None:
    """The views and the replay agree on every month's first day from January 2024 to May 2026."""
    views.catch_up()
    households = [app.get_household(hid) for hid in app.household_ids()]
    by_id = {h.id: h for h in households}
    for day in month_firsts(date(2024, 1, 1), date(2026, 5, 1)):
        projected = views.store.payable_on(day, "43")
        replayed = payable_by_replay(app, day, "43")
        as_set = lambda rows: {(r.enrolment_id, r.amount, frozenset(r.beneficiaries)) for r in rows}  # noqa: E731
        assert as_set(projected) == as_set(replayed), day
        credited = {(r.enrolment_id, r.account_since is not None and r.account_since <= day) for r in projected}
        assert credited == {(r.enrolment_id, by_id[r.household_id].account_on(day) is not None) for r in replayed}, day
        on_roll = views.store.count_on(day, "43", ("active", "gradual_exit"))[0]
        assert on_roll.households == len({r.household_id for r in replayed}), day
        assert on_roll.persons == sum(len(r.beneficiaries) for r in replayed), day
        assert on_roll.amount == sum((r.amount for r in replayed), Decimal("0.00")), day
        suspended = views.store.count_on(day, "43", ("suspended",))[0]
        assert suspended.enrolments == sum(
            1 for h in households for e in h.enrolments.values() if e.status_on(day) is Status.SUSPENDED
        ), day


@pytest.mark.parametrize("backend", ["popo", "sqlite"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories=st.lists(STORY, min_size=1, max_size=4))
def test_views_agree_with_replaying_every_household(backend: str, stories: list[dict[str, Any]]) -> None:
    """Payable enrolments, amounts, beneficiaries, on-roll counts and whether the household has an account to
    credit from the views equal a direct replay."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if backend == "sqlite":
            env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{tmp}/store.sqlite"}
        app = Casework(env=env, clock=fixed_clock)
        views = Views(app, page_size=7)
        try:
            app.seed_policy(load_seed(), SEED_ACTOR)
            for i, story in enumerate(stories):
                play(app, story)
                if i == 0:
                    views.catch_up()  # part of the log projected early: later pages find a warm cache
            check(app, views)
        finally:
            views.close()
            app.close()
