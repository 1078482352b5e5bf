"""Time travel shows, for each enrolment, what was payable on the date asked for (issue: a read in the past
once reported July's amount on 15 April and listed a step dated 1 July as already in effect)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.helpers import approved_enrolment, circumstances, household_path, person_ids

Auth = Any


def enrolment_on(client: TestClient, headers: dict[str, str], hid: str, on: str) -> dict[str, Any]:
    r = client.get(household_path(hid), params={"effective_on": on}, headers={**headers, "X-Purpose": "audit"})
    assert r.status_code == 200, r.text
    (e,) = r.json()["enrolments"]
    return e  # type: ignore[no-any-return]


def test_a_read_in_the_past_shows_the_amount_then_and_only_the_steps_then(client: TestClient, auth: Auth) -> None:
    """Wages rose from 1 April (recorded late): on 15 April (750 − 500) × 3 = 750.00 is payable, on 15 August
    (780 − 500) × 3 = 840.00; neither read lists a step dated after it."""
    cw, ap, au = auth("caseworker", user="cw-1"), auth("approver", user="ap-1"), auth("auditor", user="au-1")
    h, _ = approved_enrolment(client, cw, ap)  # 1050.00 from 2024-03-01
    hid = h["household_id"]
    r = circumstances(client, cw, hid, effective_on="2024-04-01", wages={person_ids(h)[0]: "1500.00"})
    assert r.status_code == 200, r.text
    march = enrolment_on(client, au, hid, "2024-03-15")
    april = enrolment_on(client, au, hid, "2024-04-15")
    august = enrolment_on(client, au, hid, "2024-08-15")
    assert (march["on"], march["amount_payable"], march["status_today"]) == ("2024-03-15", "1050.00", "active")
    assert (april["amount_payable"], august["amount_payable"]) == ("750.00", "840.00")
    assert len(april["beneficiaries_on"]) == 3
    assert all(step["effective_on"] <= "2024-04-15" for step in april["steps"])
    before = enrolment_on(client, au, hid, "2024-02-15")  # approved, benefits not started
    assert (before["status_today"], before["amount_payable"], before["beneficiaries_on"]) == ("approved", "0.00", [])
