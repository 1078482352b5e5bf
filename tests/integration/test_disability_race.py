"""The disability subsidies' exclusion with tekun raced on PostgreSQL: the same person (one ID number) in
two households, a tekun application in one and a care-subsidy application in the other, sent at once:
exactly one wins, the other is refused naming the exclusion, and only one enrolment exists."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest

from application import commands
from application.casework import Casework
from domain.errors import RuleViolation
from domain.residence import Residence
from domain.values import Actor, Program, Role
from tests.application.steps import register
from tests.application.test_programs import same_person
from tests.support import CASEWORKER, by

pytestmark = pytest.mark.postgres
ROUNDS = 5
TEKUN_TERMS = {"arrangement": "dispersed", "has_capable_supporter": False}


def race(applications: list[tuple[Casework, Any]]) -> list[str]:
    """Send the commands at once, each on its own thread; what each got: "won" or the rule that refused it."""
    barrier = threading.Barrier(len(applications))
    outcomes: list[str] = []

    def run(app: Casework, cmd: Any) -> None:
        barrier.wait()
        try:
            app.handle(cmd)
            outcomes.append("won")
        except RuleViolation as e:
            outcomes.append(e.rule or "refused")

    threads = [threading.Thread(target=run, args=pair) for pair in applications]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("subsidy", [Program.DISABILITY_CARE, Program.DISABILITY_LIVING])
def test_tekun_and_a_disability_subsidy_for_one_person_at_once(
    two_apps: tuple[Casework, Casework], subsidy: Program
) -> None:
    a, b = two_apps
    other = Actor("cw-2", Role.CASEWORKER, "430112")
    for _ in range(ROUNDS):
        p1, p2 = same_person(date(1950, 1, 1))  # elderly: tekun's precheck lets the application in
        h1 = register(a, p1, address="甲")
        h2 = register(b, p2, address="乙", actor=other)
        on = date(2024, 1, 15)
        tekun = commands.FileApplication(
            household_id=h1.id,
            program=Program.TEKUN,
            beneficiaries=(p1.person_id,),
            terms=TEKUN_TERMS,
            meta=by(CASEWORKER, on),
        )
        disability = commands.FileApplication(
            household_id=h2.id, program=subsidy, beneficiaries=(p2.person_id,), meta=by(other, on)
        )
        outcomes = race([(a, tekun), (b, disability)])
        assert sorted(outcomes) in (
            sorted(["won", f"exclusion-tekun-{subsidy}"]),
            sorted(["won", f"exclusion-{subsidy}-tekun"]),
        ), outcomes
        enrolled = [len(app.get_household(h.id).enrolments) for app, h in ((a, h1), (b, h2))]
        assert sorted(enrolled) == [0, 1]


@pytest.mark.parametrize("program", [Program.ELDERLY_ALLOWANCE, Program.HOME_CARE_SUBSIDY])
def test_one_person_applied_for_twice_at_once_is_enrolled_once(
    two_apps: tuple[Casework, Casework], program: Program
) -> None:
    """The elderly programs: one person (born 1940, registered in the district) applied for in two households at
    the same moment: exactly one application stands, the other is refused naming the exclusion."""
    a, b = two_apps
    other = Actor("cw-2", Role.CASEWORKER, "430112")
    terms = {"paid_as": "money"} if program is Program.HOME_CARE_SUBSIDY else {}
    on = date(2024, 1, 15)
    for _ in range(ROUNDS):
        p1, p2 = same_person(date(1940, 1, 1))
        households = [
            (a, register(a, p1, address="甲"), p1, CASEWORKER),
            (b, register(b, p2, address="乙", actor=other), p2, other),
        ]
        for app, h, p, actor in households:
            residence = Residence("430112", date(1990, 1, 1))
            app.handle(
                commands.RecordResidence(
                    household_id=h.id, person_id=p.person_id, residence=residence, meta=by(actor, on)
                )
            )
        applications = [
            (
                app,
                commands.FileApplication(
                    household_id=h.id, program=program, beneficiaries=(p.person_id,), terms=terms, meta=by(actor, on)
                ),
            )
            for app, h, p, actor in households
        ]
        outcomes = race(applications)
        assert sorted(outcomes) == sorted(["won", f"exclusion-{program}-{program}"]), outcomes
        enrolled = [len(app.get_household(h.id).enrolments) for app, h, _, _ in households]
        assert sorted(enrolled) == [0, 1]
