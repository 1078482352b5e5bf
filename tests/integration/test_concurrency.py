"""Two caseworkers racing on two households for the same person on PostgreSQL: exactly one wins."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from application import commands
from application.casework import Casework
from domain.errors import RuleViolation
from domain.values import Actor, Program, Role
from tests.application.steps import register
from tests.application.test_programs import same_person
from tests.support import CASEWORKER, by

pytestmark = pytest.mark.postgres
ROUNDS = 5


def test_concurrent_dibao_applications_for_one_person(two_apps: tuple[Casework, Casework]) -> None:
    """In every round, of two simultaneous dibao applications naming the same person, one is refused."""
    a, b = two_apps
    other = Actor("cw-2", Role.CASEWORKER, "430112")
    for _ in range(ROUNDS):
        p1, p2 = same_person()
        h1 = register(a, p1, address="甲")
        h2 = register(b, p2, address="乙", actor=other)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def run(
            app: Casework,
            hid: object,
            pid: object,
            actor: Actor,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            barrier.wait()
            try:
                app.handle(
                    commands.FileApplication(
                        household_id=hid, program=Program.DIBAO, beneficiaries=(pid,), meta=by(actor, date(2024, 1, 15))
                    )
                )  # type: ignore[arg-type]
                outcomes.append("won")
            except RuleViolation as e:
                outcomes.append(e.rule or "refused")

        threads = [
            threading.Thread(target=run, args=(a, h1.id, p1.person_id, CASEWORKER)),
            threading.Thread(target=run, args=(b, h2.id, p2.person_id, other)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == ["exclusion-dibao-dibao", "won"]
        enrolled = [len(app.get_household(h.id).enrolments) for app, h in ((a, h1), (b, h2))]
        assert sorted(enrolled) == [0, 1]
