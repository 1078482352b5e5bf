"""A store made before the summaries (schema version 3) gets them on migrating: the tables are created,
every division is marked stale, and the first statistics summarise them; the figures equal the recount."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from api.composition import SEED_ACTOR
from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views
from application.views.reports import Reports
from domain.values import Actor, AreaType, Role
from infrastructure.migrations import HISTORY, SCHEMA_VERSION
from infrastructure.policy_seed import load_seed
from tests.application.test_views_agree import play
from tests.support import APPROVER, fixed_clock, pay

ACTOR = Actor("a", Role.CASEWORKER, "43")


def test_an_older_store_is_summarised_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    app = Casework(env=env, clock=fixed_clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    for applied in (0, 20, 40):
        story = {"size": 2, "wages": "0", "area": AreaType.RURAL, "applied": applied, "approve_after": 10}
        play(app, {**story, "actions": [("terminate", 120, "0")] if applied == 40 else []})
    Payroll(app, views).handle(pay("2024-06", APPROVER))
    views.catch_up()
    views.close()
    app.close()
    with sqlite3.connect(path) as db:  # as version 3 left it: view rows, no summaries
        db.execute("DROP TABLE jiuzhu_view_summary")
        db.execute("DROP TABLE jiuzhu_view_stale")

    app = Casework(env=env, clock=fixed_clock)
    views = Views(app)  # creates the tables (what `jiuzhu migrate` does) and marks the divisions stale
    try:
        assert views.store.refresh_summaries("43") > 0
        fast, exact = Reports(views, fixed_clock), Reports(views, fixed_clock, recount=True)
        figures = fast.statistics("2024-01", "2024-12", "43", ACTOR)
        assert figures == exact.statistics("2024-01", "2024-12", "43", ACTOR)
        assert figures["household_months"] > 0
    finally:
        views.close()
        app.close()
    assert SCHEMA_VERSION >= 4  # later versions add to it (5: the households' account date)
    assert "summaries" in HISTORY[4]
