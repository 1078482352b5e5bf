"""Acceptance (issue 17, section 2): a province outside the seed (35) set up from one parameter file.

Before the file, readiness lists every parameter the rules read as missing (but the few the law fixes);
the file goes in as one batch of values and one batch of confirmations by the province's admin; after
it, readiness lists nothing missing or unconfirmed, and a dibao walk there — register, apply, township
review, approval, payroll — meets no refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from domain.policy import CATALOGUE, STATUTORY_DEFAULTS
from infrastructure.policy_seed import load_seed
from tests.api.helpers import (
    API,
    apply,
    circumstances,
    decide,
    person_ids,
    record_account,
    registration,
    township_review,
)
from tests.support import id_number

Auth = Callable[..., dict[str, str]]
FILE = Path(__file__).with_name("province_35.yaml")
DISTRICT = "350102"
COMMUNITY = "350102001001"
YEAR = {"from": "2024-01-01", "to": "2025-12-31"}


def readiness(client: TestClient, headers: dict[str, str], division: str = COMMUNITY) -> dict[str, Any]:
    r = client.get(f"{API}/policy/readiness", params={"division": division, **YEAR}, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def file_as_batches() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The file's rows as the two batch bodies' items: dated values, then confirmations."""
    rows = load_seed(FILE)
    values = [
        {
            "name": r["name"],
            "jurisdiction": r["jurisdiction"],
            "effective_from": r["effective_from"].isoformat(),
            "value": r["value"],
            "legal_basis": r["legal_basis"],
            "reason": "福建省社会救助参数初始设置",
        }
        for r in rows
    ]
    confirmations = [
        {
            "name": r["name"],
            "jurisdiction": r["jurisdiction"],
            "confirmed_until": r["confirmed_until"].isoformat(),
            "reason": "福建省社会救助参数初始设置",
        }
        for r in rows
    ]
    return values, confirmations


def test_the_file_names_every_parameter_readiness_lists() -> None:
    assert {r["name"] for r in load_seed(FILE)} == set(CATALOGUE)


def test_a_new_province_from_one_file_then_a_dibao_walk(client: TestClient, auth: Auth) -> None:
    admin = auth("admin", user="admin-35", jurisdiction="35")
    before = readiness(client, admin)
    assert before["ready"] is False
    assert set(before["missing"]) == set(CATALOGUE) - set(STATUTORY_DEFAULTS)
    law = {p["name"]: p for p in before["parameters"] if p["statutory_default"] is not None}
    assert {n: p["statutory_default"] for n, p in law.items()} == STATUTORY_DEFAULTS
    assert all(p["ready"] and p["in_force"] == [] for p in law.values())

    values, confirmations = file_as_batches()
    r = client.post(f"{API}/policy/parameters:batch", json={"items": values}, headers=admin)
    assert r.status_code == 201, r.text
    assert len(r.json()["parameters"]) == len(CATALOGUE)
    between = readiness(client, admin)  # values set, not yet confirmed: nothing missing, all unconfirmed
    assert (between["missing"], set(between["unconfirmed"])) == ([], set(CATALOGUE))
    first = between["parameters"][0]["unconfirmed"][0]
    assert (first["jurisdiction"], first["confirmed_until"], first["during"]["from"]) == ("35", None, "2024-01-01")
    r = client.post(f"{API}/policy/confirmations:batch", json={"items": confirmations}, headers=admin)
    assert r.status_code == 201, r.text

    after = readiness(client, admin)
    assert (after["ready"], after["missing"], after["unconfirmed"]) == (True, [], [])
    urban = next(p for p in after["parameters"] if p["name"] == "dibao.standard.urban")
    assert urban["in_force"][0]["jurisdiction"] == "35"  # inherited from the province
    assert urban["in_force"][0]["during"] == {"from": "2024-01-01", "to": "2025-12-31"}
    assert readiness(client, admin, division="35")["ready"] is True  # a province reads its own prefix
    dibao_walk(client, auth)


def dibao_walk(client: TestClient, auth: Auth) -> None:
    cw = auth("caseworker", user="cw-35", jurisdiction=DISTRICT)
    ap = auth("approver", user="ap-35", jurisdiction=DISTRICT)
    members = [
        {"name": "林建国", "id_number": id_number(date(1985, 3, 1), DISTRICT), "relation": "head"},
        {"name": "陈秀英", "id_number": id_number(date(1987, 6, 15), DISTRICT), "relation": "spouse"},
        {"name": "林小明", "id_number": id_number(date(2015, 9, 1), DISTRICT), "relation": "child"},
    ]
    body = registration(division_code=COMMUNITY, address="鼓楼区 鼓东街道 1号", members=members)
    r = client.post(f"{API}/households", json=body, headers=cw)
    assert r.status_code == 201, r.text
    hid, pids = r.json()["household_id"], person_ids(r.json())
    record_account(client, cw, r.json())  # the payroll pays only a household with an account
    r = circumstances(client, cw, hid, effective_on="2024-01-15", wages={pids[0]: "1200.00"})
    assert r.status_code == 200, r.text
    r = apply(client, cw, hid, pids, "2024-01-20")
    assert r.status_code == 201, r.text
    eid = r.json()["enrolment"]["enrolment_id"]
    r = township_review(client, cw, hid, eid, "2024-01-25")
    assert r.status_code == 200, r.text
    r = decide(client, ap, hid, eid, "approval", "2024-02-01")
    assert r.status_code == 200, r.text
    assert r.json()["enrolment"]["monthly_amount"] == "1140.00"  # 3 × 780.00 − 1200.00
    r = client.post(f"{API}/payroll/2024-03", headers=ap)
    assert r.status_code == 200, r.text
    assert (r.json()["issued"], r.json()["issued_amount"]) == (1, "1140.00")
