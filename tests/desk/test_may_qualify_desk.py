"""The desk's worklist lists the "may qualify" notices beside the enrolments' work (api/desk/reports.py)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from api.app import create_app
from domain.members import Relation
from domain.values import Role
from tests.application.scenarios import household
from tests.application.steps import first_with, removed
from tests.desk.conftest import Desk, seeded_services


def test_the_caseworkers_worklist_lists_a_household_that_may_qualify() -> None:
    """After the earner's death the caseworker's worklist shows 可能符合条件 for dibao from the day of the death."""
    services, district = seeded_services()
    app = services.casework
    hid = household(app, size=3, wages="3000.00")
    removed(app, hid, first_with(app, hid, Relation.HEAD).person_id, date(2025, 3, 10))
    with TestClient(create_app(lambda: services)) as client:
        html = Desk(client, services, district).sign_in(Role.CASEWORKER).get("/desk/worklist").text
    assert 'class="may_qualify"' in html
    assert "可能符合条件" in html
    assert "may qualify for dibao from 2025-03-10" in html
    assert f"/desk/households/{hid}" in html
