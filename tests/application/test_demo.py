"""The synthetic district: deterministic from its seed, realistic in shape, paid every month."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from api.composition import SEED_ACTOR
from application.casework import Casework
from application.demo import District
from application.demo_changes import DemoReport
from application.payroll import Payroll
from application.views.projection import Views
from domain.household import Household
from infrastructure.policy_seed import load_seed
from tests.support import fixed_clock

HOUSEHOLDS = 60
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


def simulate(path: Path, seed: int) -> tuple[DemoReport, list[Any], Casework]:
    """Run the district on a fresh SQLite store; return its report and a summary free of random ids."""
    app = Casework(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}, clock=fixed_clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    try:
        payroll = Payroll(app, views)
        report = District(app, payroll=payroll, seed=seed, households=HOUSEHOLDS).run()
        summary: list[Any] = [summarise(app.get_household(hid), app) for hid in app.household_ids()]
        for month in MONTHS:
            sheet = payroll.sheet(month, "430112")
            summary.append((month, sorted((r.division_code, r.head_name, str(r.amount)) for r in sheet.rows)))
    finally:
        views.close()
    return report, summary, app


def summarise(h: Household, app: Casework) -> tuple[Any, ...]:
    """A household by what the seed decides: people, places, events, amounts and decisions."""
    people = {**h.former_members, **h.members}
    ids = {pid: m.id_number.value for pid, m in people.items()}
    events = [(type(e).__name__, e.effective_on) for e in app.repository.event_store.get(h.id)]  # type: ignore[attr-defined]
    enrolments = [
        (
            str(e.program),
            str(e.status),
            str(e.monthly_amount),
            e.benefits_from,
            e.next_review_due,
            tuple(ids[p] for p in e.beneficiaries),
            [(s.effective_on, str(s.status), str(s.monthly_amount)) for s in e.steps],
        )
        for e in h.enrolments.values()
    ]
    grants = [(g.kind, g.level, str(g.amount), g.granted_on) for g in h.grants.values()]
    members = [(m.name, m.id_number.value, str(m.relation), m.birth_date) for m in people.values()]
    return (h.division_code, str(h.area_type), h.address, members, events, enrolments, grants)


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any, Any, Any, Casework]]:
    first, second = tmp_path_factory.mktemp("a") / "d.sqlite", tmp_path_factory.mktemp("b") / "d.sqlite"
    report_a, summary_a, app_a = simulate(first, seed=7)
    report_b, summary_b, app_b = simulate(second, seed=7)
    app_b.close()
    yield report_a, summary_a, report_b, summary_b, app_a
    app_a.close()


def test_one_seed_gives_the_same_district(twice: tuple[Any, ...]) -> None:
    """Two runs with one seed give the same names, ID numbers, events, amounts, decisions and payments."""
    report_a, summary_a, report_b, summary_b, _ = twice
    assert summary_a == summary_b
    assert {**report_a.__dict__, "seconds": 0} == {**report_b.__dict__, "seconds": 0}
    assert report_a.households == HOUSEHOLDS
    assert report_a.approved
    assert report_a.rejected
    assert report_a.decided["disability_living"]  # certified members of dibao households and their subsidies


def test_another_seed_gives_another_district(tmp_path: Path, twice: tuple[Any, ...]) -> None:
    """A different seed draws different people."""
    _, summary, app = simulate(tmp_path / "c.sqlite", seed=8)
    app.close()
    assert summary[0][3] != twice[1][0][3]


def test_payroll_ran_every_month(twice: tuple[Any, ...]) -> None:
    """Payroll ran for each of the twelve months, paid from February on, and the views hold what it issued."""
    report, summary = twice[0], twice[1]
    assert list(report.payroll) == MONTHS
    assert report.payroll["2024-01"][0] == 0  # January's approvals are paid from February
    assert all(report.payroll[m][0] > 0 for m in MONTHS[1:])
    sheets = dict(summary[HOUSEHOLDS:])
    assert [len(sheets[m]) for m in MONTHS] == [report.payroll[m][0] for m in MONTHS]
    assert report.adjusted > 0  # the 1 July standard raise re-computed the open enrolments


def test_people_and_places_have_a_real_shape(twice: tuple[Any, ...]) -> None:
    """Valid, unique ID numbers; 12-digit divisions of district 430112; villages (2xx) rural, communities urban."""
    summary = twice[1][:HOUSEHOLDS]
    numbers = [m[1] for h in summary for m in h[3]]
    assert len(numbers) == len(set(numbers))
    for division, area, _address, *_ in summary:
        assert len(division) == 12
        assert division.startswith("430112")
        assert area == ("rural" if division[9] == "2" else "urban")


def test_the_district_has_elderly_residents_on_the_allowance(twice: tuple[Any, ...]) -> None:
    """The elderly are registered residents; those of 80 or over (at registration, or reaching it during the
    year and enrolled by the calendar job) are approved for the elderly allowance, which is paid."""
    summary = twice[1][:HOUSEHOLDS]
    allowances = [e for h in summary for e in h[5] if e[0] == "elderly_allowance"]
    residences = [ev for h in summary for ev in h[4] if ev[0] == "ResidenceRecorded"]
    assert residences
    assert [e for e in allowances if e[1] == "approved" and e[3] is not None and Decimal(e[2]) > 0]
