"""The issue's scripted walks through the HTTP API, one request at a time (run with -s to read them).

Clock: 2025-06-01. Urban standard 750.00 from 2024-01-01, 780.00 from 2024-07-01; notice 7 days;
benefits start the month after approval; review every 6 months; gradual exit 6 months.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.api.helpers import (
    API,
    apply,
    approved_enrolment,
    assert_problem,
    circumstances,
    decide,
    enrolment_path,
    etag,
    household_path,
    person_ids,
    registration,
)

Auth = Callable[..., dict[str, str]]


def show(step: str, r: Response) -> None:
    """Print one step of the walk: status, ETag and the enrolment's state."""
    body = r.json()
    e = body.get("enrolment")
    if e is None:
        print(f"{step:<34} {r.status_code} ETag={r.headers.get('ETag')} {body.get('type', '')}")
        return
    steps = ", ".join(f"{s['effective_on']} {s['status']} {s['monthly_amount']}" for s in e["steps"])
    print(
        f"{step:<34} {r.status_code} ETag={r.headers.get('ETag')} status={e['status']} "
        f"today={e['status_today']} amount={e['monthly_amount']} exit_until={e['exit_until']} [{steps}]"
    )


def steps(r: Response) -> list[tuple[str, str, str]]:
    return [(s["effective_on"], s["status"], s["monthly_amount"]) for s in r.json()["enrolment"]["steps"]]


def written(r: Response, status: int, version: int) -> dict[str, Any]:
    """A successful write at exactly ``version``; returns the enrolment."""
    assert r.status_code == status, r.text
    assert etag(r) == version
    assert r.json()["household_version"] == version
    enrolment: dict[str, Any] = r.json()["enrolment"]
    return enrolment


def declared_in_april(
    client: TestClient, cw: dict[str, str], h: dict[str, Any], label: str, wages: str, dwellings: int = 0
) -> None:
    """The approved household declares new circumstances from 2024-04-01: its head's wages, its dwellings."""
    head_wages = {person_ids(h)[0]: wages}
    r = circumstances(client, cw, h["household_id"], effective_on="2024-04-01", wages=head_wages, dwellings=dwellings)
    assert r.status_code == 200, r.text
    assert etag(r) == 11
    print(f"{f'circumstances ({label})':<34} {r.status_code} ETag={r.headers['ETag']}")


def test_walk_from_registration_to_termination(client: TestClient, auth: Auth) -> None:
    """Register → circumstances → apply → township review → approve → review → suspend → resume → terminate."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")

    r = client.post(f"{API}/households", json=registration(), headers=cw)
    assert r.status_code == 201, r.text
    assert etag(r) == 1
    h = r.json()
    hid, pids = h["household_id"], person_ids(h)
    assert r.headers["Location"] == household_path(hid)
    assert h["version"] == 1
    assert [m["relation"] for m in h["members"]] == ["head", "spouse", "child"]
    assert h["enrolments"] == []
    print(f"\n{'registered':<34} {r.status_code} ETag={r.headers['ETag']} members={len(pids)}")

    r = circumstances(client, cw, hid, effective_on="2024-01-15", wages={pids[0]: "1200.00"})
    assert r.status_code == 200, r.text
    assert etag(r) == 2
    assert r.json()["version"] == 2
    print(f"{'circumstances (wages 1200.00)':<34} {r.status_code} ETag={r.headers['ETag']}")

    r = apply(client, cw, hid, pids, "2024-01-20")
    show("applied", r)
    e = written(r, 201, 3)
    eid = e["enrolment_id"]
    assert r.headers["Location"] == enrolment_path(hid, eid)
    assert (e["program"], e["beneficiaries"], e["applied_on"]) == ("dibao", pids, "2024-01-20")
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("applied", "applied", "0.00")
    assert e["assessment"] is None
    assert steps(r) == [("2024-01-20", "applied", "0.00")]
    path = enrolment_path(hid, eid)

    review = {
        "effective_on": "2024-01-25",
        "investigated_on": "2024-01-22",
        "findings": "入户调查：户主务工月收入1200元",
        "opinion": "approve",
    }
    r = client.post(f"{path}/township-review", json=review, headers=cw)
    show("township review", r)
    e = written(r, 200, 6)
    assert r.json()["decision_id"] is not None
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("reviewed", "reviewed", "0.00")
    assert e["notice_ends"] == "2024-01-31"
    a = e["assessment"]
    assert (a["eligible"], a["individual"], a["monthly_amount"]) == (True, False, "1050.00")
    assert a["figures"]["standard"] == "750.00"
    assert a["figures"]["per_capita_income"] == "400.00"
    assert a["figures"]["covered_members"] == 3
    assert "INCOME_BELOW_STANDARD" in [x["code"] for x in a["reasons"]]
    assert steps(r) == [("2024-01-20", "applied", "0.00"), ("2024-01-25", "reviewed", "0.00")]

    r = decide(client, ap, hid, eid, "approval", "2024-01-31")
    show("approval during the notice", r)
    assert_problem(r, 422, "rule-violation", field="effective_on", rule="notice-not-ended")
    r = client.get(household_path(hid), headers=cw)
    assert etag(r) == 6
    assert r.json()["enrolments"][0]["status"] == "reviewed"

    r = decide(client, ap, hid, eid, "approval", "2024-02-01")
    show("approved after the notice", r)
    e = written(r, 200, 7)
    assert r.json()["decision_id"] is not None
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("approved", "active", "1050.00")
    assert e["benefits_from"] == "2024-03-01"
    assert e["next_review_due"] == "2024-09-01"
    assert steps(r)[-1] == ("2024-02-01", "approved", "1050.00")
    got = client.get(household_path(hid), headers=ap)
    assert etag(got) == 7
    assert got.json()["enrolments"] == [r.json()["enrolment"]]

    r = decide(client, cw, hid, eid, "reviews", "2024-08-01")
    show("review (standard now 780.00)", r)
    e = written(r, 200, 8)
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("active", "active", "1140.00")
    assert e["assessment"]["figures"]["standard"] == "780.00"
    assert e["assessment"]["assessed_on"] == "2024-08-01"
    assert e["next_review_due"] == "2025-02-01"
    assert steps(r)[-1] == ("2024-08-01", "active", "1140.00")

    reason = {"reason_code": "LOST_CONTACT", "reason": "连续两月无法联系"}
    r = decide(client, ap, hid, eid, "suspension", "2024-09-01", **reason)
    show("suspended", r)
    e = written(r, 200, 9)
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("suspended", "suspended", "1140.00")
    assert steps(r)[-1] == ("2024-09-01", "suspended", "1140.00")

    r = decide(client, ap, hid, eid, "resumption", "2024-10-01")
    show("resumed", r)
    e = written(r, 200, 10)
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("active", "active", "1140.00")
    assert steps(r)[-1] == ("2024-10-01", "active", "1140.00")

    r = decide(client, ap, hid, eid, "termination", "2024-11-01", reason_code="MOVED_AWAY", reason="全家迁出本区")
    show("terminated", r)
    e = written(r, 200, 11)
    assert r.json()["decision_id"] is not None
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("terminated", "terminated", "0.00")
    assert steps(r) == [
        ("2024-01-20", "applied", "0.00"),
        ("2024-01-25", "reviewed", "0.00"),
        ("2024-02-01", "approved", "1050.00"),
        ("2024-08-01", "active", "1140.00"),
        ("2024-09-01", "suspended", "1140.00"),
        ("2024-10-01", "active", "1140.00"),
        ("2024-12-01", "terminated", "0.00"),  # terminated on 1 November: November is still paid
    ]
    assert etag(client.get(household_path(hid), headers=cw)) == 11


def test_walk_review_after_wages_rise_starts_gradual_exit(client: TestClient, auth: Auth) -> None:
    """Wages rising above the standard lead a review to gradual exit: same amount, paid until the 7th month."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h, eid = approved_enrolment(client, cw, ap)
    hid = h["household_id"]
    print()

    declared_in_april(client, cw, h, "wages 3000.00", wages="3000.00")

    r = decide(client, cw, hid, eid, "reviews", "2024-04-15")
    show("review", r)
    e = written(r, 200, 13)
    assert e["status"] == "gradual_exit"
    assert e["monthly_amount"] == "1050.00"
    assert e["exit_until"] == "2024-11-01"
    assert e["next_review_due"] is None
    assert e["status_today"] == "terminated"  # today (2025-06-01) is after the exit ran out
    a = e["assessment"]
    assert a["eligible"] is False
    assert a["figures"]["per_capita_income"] == "1000.00"
    assert "INCOME_NOT_BELOW_STANDARD" in [x["code"] for x in a["reasons"]]
    assert steps(r)[-1] == ("2024-04-15", "gradual_exit", "1050.00")


def test_walk_review_with_assets_over_the_limit_terminates(client: TestClient, auth: Auth) -> None:
    """A review that finds three dwellings (limit 1) terminates the enrolment at once."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h, eid = approved_enrolment(client, cw, ap)
    hid = h["household_id"]
    print()

    declared_in_april(client, cw, h, "3 dwellings", wages="1200.00", dwellings=3)

    r = decide(client, cw, hid, eid, "reviews", "2024-04-15")
    show("review", r)
    e = written(r, 200, 12)
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("terminated", "terminated", "0.00")
    assert e["exit_until"] is None
    assert e["next_review_due"] is None
    assert "ASSETS_DWELLINGS_OVER_LIMIT" in [x["code"] for x in e["assessment"]["reasons"]]
    assert steps(r)[-1] == ("2024-05-01", "terminated", "0.00")  # April still paid


def test_walk_review_on_unchanged_facts_continues(client: TestClient, auth: Auth) -> None:
    """A review under the same standard and facts keeps the enrolment active at the same amount."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h, eid = approved_enrolment(client, cw, ap)
    r = decide(client, cw, h["household_id"], eid, "reviews", "2024-05-01")
    print()
    show("review (nothing changed)", r)
    e = written(r, 200, 8)
    assert (e["status"], e["status_today"], e["monthly_amount"]) == ("active", "active", "1050.00")
    assert e["next_review_due"] == "2024-11-01"
    assert steps(r)[-1] == ("2024-05-01", "active", "1050.00")
