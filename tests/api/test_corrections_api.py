"""A death reported late, end to end over HTTP: payroll paid March–June for three, the correction
finds the overpayment per month, July's payroll carries it as separate recovery lines, and the
statistics keep the original payments."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from tests.api.helpers import API, household_path, record_account, register
from tests.support import member_json

Auth = Callable[..., dict[str, str]]


def test_death_reported_late_is_recovered_by_the_next_payroll(client: TestClient, auth: Auth) -> None:
    """Overpayment 750.00 × 3 months for the spouse who died on 10 March; July's bank file recovers it."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h = register(
        client,
        cw,
        members=[
            member_json("head", date(1970, 1, 1)),
            member_json("spouse", date(1972, 1, 1)),
            member_json("child", date(2012, 1, 1)),
        ],
    )
    hid, people = h["household_id"], [m["person_id"] for m in h["members"]]
    record_account(client, cw, h)
    client.put(
        f"{household_path(hid)}/circumstances",
        headers=cw,
        json={
            "effective_on": "2024-01-10",
            "incomes": [{"person_id": people[0], "kind": "wages", "monthly_amount": "1200.00"}],
        },
    )
    eid = client.post(
        f"{household_path(hid)}/applications",
        headers=cw,
        json={"program": "dibao", "beneficiaries": people, "effective_on": "2024-01-15"},
    ).json()["enrolment"]["enrolment_id"]
    path = f"{household_path(hid)}/enrolments/{eid}"
    client.post(
        f"{path}/township-review",
        headers=cw,
        json={"investigated_on": "2024-01-20", "findings": "属实", "opinion": "approve", "effective_on": "2024-01-20"},
    )
    assert client.post(f"{path}/approval", headers=ap, json={"effective_on": "2024-02-01"}).status_code == 200
    for month in ("2024-03", "2024-04", "2024-05", "2024-06"):  # (750 − 400) × 3 = 1050.00 each
        assert client.post(f"{API}/payroll/{month}", headers=ap).status_code == 200

    r = client.post(
        f"{household_path(hid)}/members/{people[1]}/removal",
        headers=cw,
        json={"cause": "death", "effective_on": "2024-03-10", "reason": "6月迟报：3月10日死亡"},
    )
    assert r.status_code == 200, r.text
    r = client.post(f"{path}/corrections", headers=ap, json={"effective_on": "2024-03-10", "reason": "死亡迟报"})
    assert r.status_code == 200, r.text
    body = r.json()
    # two counted members from April, per-capita 600.00: (750 − 600) × 2 = 300.00 due; March was due in full
    assert body["months"] == [
        {"month": f"2024-0{m}", "paid": "1050.00", "due": "300.00", "difference": "-750.00"} for m in (4, 5, 6)
    ]
    assert body["recoveries"] == "2250.00"
    assert body["settled_in"] == "2024-07-01"

    july = client.post(f"{API}/payroll/2024-07", headers=ap)
    assert july.status_code == 200, july.text
    again = client.post(f"{API}/payroll/2024-07", headers=ap)  # idempotent: no second set of lines
    assert again.status_code == 200
    totals = client.get(f"{API}/payroll/2024-07", headers=ap).json()
    assert [line["amount"] for line in totals["corrections"]] == ["-750.00"] * 3
    assert totals["recoveries"] == "2250.00"
    assert totals["amount"] == "360.00"  # July's own payment: (780 − 600) × 2 after the raise

    bank = client.get(f"{API}/payroll/2024-07?format=csv", headers=ap)
    rows = list(csv.reader(io.StringIO(bank.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "head_name",
        "id_number_masked",
        "account",
        "program",
        "amount",
        "basic_living",
        "care_subsidy",
        "line",
        "for_month",
    ]
    assert sorted((r[3], r[4], r[7], r[8]) for r in rows[1:]) == [
        ("dibao", "-750.00", "recovery", "2024-04"),
        ("dibao", "-750.00", "recovery", "2024-05"),
        ("dibao", "-750.00", "recovery", "2024-06"),
        ("dibao", "360.00", "payment", "2024-07"),
    ]
    assert {(r[5], r[6]) for r in rows[1:]} == {("", "")}  # the parts are tekun's
    stats = client.get(f"{API}/statistics?from=2024-03&to=2024-06", headers=ap)
    assert stats.status_code == 200, stats.text
    figures = stats.json()
    assert figures["funds"] == "4200.00"  # the original payments, 1050.00 × 4, are kept
    assert figures["corrections"] == {"lines": 0, "arrears": "0.00", "recoveries": "0.00"}  # carried in July
    july_stats = client.get(f"{API}/statistics?from=2024-07&to=2024-07", headers=ap).json()
    assert july_stats["funds"] == "360.00"
    assert july_stats["corrections"] == {"lines": 3, "arrears": "0.00", "recoveries": "2250.00"}
