"""The issue's acceptance, at its size: a bureau workbook of 2,000 households with 40 planted faults — the
dry run names all 40 and nothing else, the import brings in exactly the valid households, a second run
adds nothing. (The round trip: ``test_round_trip.py``.)"""

from __future__ import annotations

from pathlib import Path

from application.casework import Casework
from tests.roll_import.roll_workbook import write_roll
from tests.roll_import.test_roll_import import _names, found, run

#: 38 faulty households (each kind of fault the report knows) and 2 people enrolled by an earlier roll.
FAULTS = {
    "id-number-check-character": 6,
    "id-number-birth-date": 6,
    "duplicate-in-file": 4,
    "division-unknown": 6,
    "amount-implausible": 6,
    "head-missing": 5,
    "account-invalid": 5,
}


def test_two_thousand_households_forty_faults(app: Casework, tmp_path: Path) -> None:
    earlier = tmp_path / "earlier.xlsx"
    enrolled = write_roll(earlier, households=2, seed=99, per_kind=0)
    run(app, earlier)
    people = [(name, number) for number, name in _names(earlier) if number in enrolled.people][:2]
    path = tmp_path / "roll.xlsx"
    planted = write_roll(path, households=2000, seed=17, per_kind=FAULTS, extra=people)
    assert planted.cases == 40
    position = app.recorder.max_notification_id()
    assert found(run(app, path, dry_run=True)) == planted.faults  # all 40, on their rows, and nothing else
    assert app.recorder.max_notification_id() == position
    plan = run(app, path)
    households = {h.key: h.source.household_id() for h in plan.households}
    imported = {key for key, hid in households.items() if app.recorder.select_events(hid, limit=1)}
    assert imported == planted.valid
    assert len(planted.valid) == 2000 - 38 + FAULTS["amount-implausible"] + FAULTS["account-invalid"] - 2
    position = app.recorder.max_notification_id()
    run(app, path)
    assert app.recorder.max_notification_id() == position
