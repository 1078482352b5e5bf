"""GET /api/v1/households/{id}/enrolments/{eid}: one enrolment, where POST …/applications' Location points."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.helpers import apply, approved_enrolment, enrolment_path, household_with_income, person_ids

Auth = Any


def test_the_location_of_a_new_application_answers_with_the_enrolment(client: TestClient, auth: Auth) -> None:
    """The Location header of a filed application is readable: the enrolment applied for, with its one step."""
    cw = auth("caseworker")
    h = household_with_income(client, cw)
    r = apply(client, cw, h["household_id"], person_ids(h), "2024-01-20")
    assert r.status_code == 201, r.text
    read = client.get(r.headers["Location"], headers=cw)
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["enrolment_id"] == r.json()["enrolment"]["enrolment_id"]
    assert (body["program"], body["status"]) == ("dibao", "applied")
    assert sorted(body["beneficiaries"]) == sorted(person_ids(h))
    assert [s["status"] for s in body["steps"]] == ["applied"]
    assert read.headers["ETag"] == r.headers["ETag"]


def test_the_amount_payable_is_the_one_on_the_date_asked(client: TestClient, auth: Auth) -> None:
    """?on= gives the status and amount payable on that date: nothing before benefits start, 1050.00 in March."""
    cw, ap = auth("caseworker"), auth("approver", user="ap-1")
    h, eid = approved_enrolment(client, cw, ap)
    path = enrolment_path(h["household_id"], eid)
    before = client.get(path, params={"on": "2024-02-15"}, headers=ap).json()
    march = client.get(path, params={"on": "2024-03-15"}, headers=ap).json()
    assert (before["status_today"], before["amount_payable"]) == ("approved", "0.00")
    assert (march["on"], march["status_today"], march["amount_payable"]) == ("2024-03-15", "active", "1050.00")
    assert [s["status"] for s in march["steps"]] == ["applied", "reviewed", "approved"]


def test_an_enrolment_outside_the_jurisdiction_or_unknown_is_not_found(client: TestClient, auth: Auth) -> None:
    """A caseworker of another township gets 404 as for an unknown id; an unknown enrolment is 404 too;
    an analyst may not read enrolments (403)."""
    cw = auth("caseworker")
    h = household_with_income(client, cw)
    eid = apply(client, cw, h["household_id"], person_ids(h), "2024-01-20").json()["enrolment"]["enrolment_id"]
    path = enrolment_path(h["household_id"], eid)
    assert client.get(path, headers=auth("caseworker", jurisdiction="430112002")).status_code == 404
    unknown = enrolment_path(h["household_id"], "00000000-0000-4000-8000-000000000000")
    assert client.get(unknown, headers=cw).status_code == 404
    assert client.get(path, headers=auth("analyst")).status_code == 403
