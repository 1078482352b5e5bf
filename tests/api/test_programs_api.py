"""The other programs over HTTP: tekun with a care assessment, children with their parents, temporary
grants with the township cap, the stale-parameter guard, the calendar job."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    IN_COMMUNITY,
    PROBLEM_JSON,
    enrolled,
    etag,
    household_path,
    orphan_household,
    record_account,
    register,
)
from tests.support import member_json

Auth = Callable[..., dict[str, str]]


def elder_household(client: TestClient, cw: dict[str, str]) -> dict[str, object]:
    return register(client, cw, members=[member_json("head", date(1950, 4, 1), name="孤老人")])


def test_tekun_through_the_api(client: TestClient, auth: Auth) -> None:
    """Care assessment → tekun application with terms → township review → approval: 975.00 + 600.00."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h = elder_household(client, cw)
    hid, pid = h["household_id"], h["members"][0]["person_id"]  # type: ignore[index]
    record_account(client, cw, h)
    r = client.post(
        f"{household_path(hid)}/members/{pid}/care-assessment",
        headers=cw,  # type: ignore[arg-type]
        json={"effective_on": "2024-01-12", "unable_activities": ["eating", "dressing", "toileting", "bathing"]},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"{household_path(hid)}/applications",
        headers=cw,  # type: ignore[arg-type]
        json={
            "program": "tekun",
            "beneficiaries": [pid],
            "effective_on": "2024-01-15",
            "terms": {"arrangement": "dispersed", "has_capable_supporter": False},
        },
    )
    assert r.status_code == 201, r.text
    eid = r.json()["enrolment"]["enrolment_id"]
    path = f"{household_path(hid)}/enrolments/{eid}"  # type: ignore[arg-type]
    r = client.post(
        f"{path}/township-review",
        headers=cw,
        json={"investigated_on": "2024-01-20", "findings": "属实", "opinion": "approve", "effective_on": "2024-01-20"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["enrolment"]["notice_ends"] == "2024-01-26"
    r = client.post(f"{path}/approval", headers=ap, json={"effective_on": "2024-01-27"})
    assert r.status_code == 200, r.text
    enrolment = r.json()["enrolment"]
    assert enrolment["monthly_amount"] == "1575.00"
    assert enrolment["terms"] == {"arrangement": "dispersed", "has_capable_supporter": False}
    assert enrolment["assessment"]["figures"]["care_level"] == "full"

    # Its two parts on the payroll line, the bank file and the statistics: 基本生活费 975.00, 护理补贴 600.00;
    # from July (780.00 × 1.3 = 1014.00) basic living rises, the care subsidy does not.
    for month in ("2024-02", "2024-07"):
        assert client.post(f"{API}/payroll/{month}", headers=ap).status_code == 200
    bank = client.get(f"{API}/payroll/2024-07?format=csv", headers={**ap, "X-Purpose": "payroll"})
    rows = list(csv.reader(io.StringIO(bank.content.decode("utf-8-sig"))))
    (line,) = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert (line["program"], line["amount"], line["basic_living"], line["care_subsidy"]) == (
        "tekun",
        "1614.00",
        "1014.00",
        "600.00",
    )
    stats = client.get(f"{API}/statistics?from=2024-02&to=2024-07", headers=ap).json()
    assert stats["tekun_funds"] == {"basic_living": "1989.00", "care_subsidy": "1200.00"}  # 975 + 1014; 600 × 2
    assert stats["payments_by_program"]["tekun"]["funds"] == "3189.00"


def test_unknown_daily_activity_is_a_problem_and_writes_nothing(client: TestClient, auth: Auth) -> None:
    """An ADL assessment naming an unknown activity gets 422 naming the entry and the rule."""
    cw = auth("caseworker", user="cw-1")
    h = elder_household(client, cw)
    hid, pid = h["household_id"], h["members"][0]["person_id"]  # type: ignore[index]
    r = client.post(
        f"{household_path(hid)}/members/{pid}/care-assessment",
        headers=cw,  # type: ignore[arg-type]
        json={"effective_on": "2024-01-12", "unable_activities": ["eating", "juggling"]},
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.json()["errors"][0] == {
        "field": "unable_activities[1]",
        "rule": "daily-activity-known",
        "message": r.json()["errors"][0]["message"],
    }
    assert etag(client.get(household_path(hid), headers=cw)) == 1  # type: ignore[arg-type]


def test_parent_situation_without_a_start_date_is_refused(client: TestClient, auth: Auth) -> None:
    """A parent's situation must say since when: 422 naming father.0.since."""
    cw = auth("caseworker", user="cw-1")
    h = register(
        client, cw, members=[member_json("head", date(1960, 1, 1)), member_json("grandchild", date(2014, 1, 1))]
    )
    hid, child = h["household_id"], h["members"][1]["person_id"]
    r = client.put(
        f"{household_path(hid)}/members/{child}/parents",
        headers=cw,
        json={"effective_on": "2024-02-01", "father": [{"situation": "dead"}], "mother": []},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "father.0.since"
    assert etag(client.get(household_path(hid), headers=cw)) == 1


def test_township_grant_over_the_cap_is_refused(client: TestClient, auth: Auth) -> None:
    """A township grant of 1000.01 (cap 1000.00) is refused with the rule named; 1000.00 is granted."""
    cw = auth("caseworker", user="cw-1")
    hid = register(client, cw)["household_id"]
    body = {"kind": "emergency", "level": "township", "effective_on": "2024-02-01", "reason": "火灾"}
    r = client.post(f"{household_path(hid)}/temporary-assistance", headers=cw, json={**body, "amount": "1000.01"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "township-cap-exceeded"
    r = client.post(f"{household_path(hid)}/temporary-assistance", headers=cw, json={**body, "amount": "1000.00"})
    assert r.status_code == 201, r.text
    assert r.json()["household_version"] == 2
    r = client.post(
        f"{household_path(hid)}/temporary-assistance",
        headers=cw,
        json={**body, "level": "district", "amount": "3000.00"},
    )
    assert r.status_code == 403  # a caseworker may not grant at district level


def test_stale_parameter_is_refused_until_confirmed(client: TestClient, auth: Auth) -> None:
    """With the urban standard confirmed only to 2024-06-30, a July assessment is refused naming it."""
    cw, admin = auth("caseworker", user="cw-1"), auth("admin", user="ad-1", jurisdiction="430112")
    confirm = {"name": "dibao.standard.urban", "jurisdiction": "430112", "reason": "年度确认"}
    r = client.post(f"{API}/policy/confirmations", headers=admin, json={**confirm, "confirmed_until": "2024-06-30"})
    assert r.status_code == 201, r.text
    h = register(client, cw)
    hid, pids = h["household_id"], [m["person_id"] for m in h["members"]]
    eid = client.post(
        f"{household_path(hid)}/applications",
        headers=cw,
        json={"program": "dibao", "beneficiaries": pids, "effective_on": "2024-07-01"},
    ).json()["enrolment"]["enrolment_id"]
    review = {"investigated_on": "2024-07-02", "findings": "属实", "opinion": "approve", "effective_on": "2024-07-02"}
    r = client.post(f"{household_path(hid)}/enrolments/{eid}/township-review", headers=cw, json=review)
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "field": "dibao.standard.urban",
        "rule": "parameter-not-confirmed",
        "message": r.json()["errors"][0]["message"],
    }
    client.post(f"{API}/policy/confirmations", headers=admin, json={**confirm, "confirmed_until": "2025-12-31"})
    r = client.post(f"{household_path(hid)}/enrolments/{eid}/township-review", headers=cw, json=review)
    assert r.status_code == 200, r.text


def test_calendar_job_is_idempotent_over_http(client: TestClient, auth: Auth) -> None:
    """POST /jobs/tick twice for the same date records the ageing-out once."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, child = orphan_household(client, cw)
    enrolled(client, cw, ap, hid, [child], approved_on="2024-01-21", program="orphan", terms=IN_COMMUNITY)
    first = client.post(f"{API}/jobs/tick?date=2024-06-01", headers=ap)
    assert first.status_code == 200, first.text
    assert [r["what"] for r in first.json()["recorded"]] == ["AGED_OUT_18"]
    second = client.post(f"{API}/jobs/tick?date=2024-06-01", headers=ap)
    assert second.json()["recorded"] == []
    enrolment = client.get(household_path(hid), headers=cw).json()["enrolments"][0]
    assert enrolment["status"] == "terminated"
