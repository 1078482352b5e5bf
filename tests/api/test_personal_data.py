"""Personal data in responses: ID numbers masked unless revealed (caseworker, approver; logged with a purpose);
analysts see no names or ID numbers anywhere."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.permission_table import operations
from api.permissions import PERMISSIONS
from domain.values import IdNumber, Role
from tests.api.helpers import API, assert_problem, household_path, register
from tests.api.personal_scenario import run_scenario

Auth = Callable[..., dict[str, str]]
MASKED = re.compile(r"^\d{6}\*{8}[\dX]{4}$")


def test_id_numbers_are_masked_by_default(client: TestClient, auth: Auth) -> None:
    """A household read shows each ID number as first 6 + 8 stars + last 4, and no whole number."""
    h = register(client, auth("caseworker"))
    r = client.get(household_path(h["household_id"]), headers=auth("auditor"))
    assert r.status_code == 200
    for m in r.json()["members"]:
        assert MASKED.match(m["id_number_masked"])
        assert m["id_number"] is None


@pytest.mark.parametrize("role", ["caseworker", "approver"])
def test_reveal_shows_whole_numbers_and_logs_the_purpose(client: TestClient, auth: Auth, role: str) -> None:
    """?reveal=id_number with X-Purpose gives whole numbers to caseworkers and approvers; the access log says so."""
    h = register(client, auth("caseworker"))
    headers = {**auth(role, user=f"{role}-r"), "X-Purpose": "bank account form"}
    r = client.get(household_path(h["household_id"]), params={"reveal": "id_number"}, headers=headers)
    assert r.status_code == 200, r.text
    for m in r.json()["members"]:
        assert IdNumber(m["id_number"]).masked() == m["id_number_masked"]
    log = client.get(f"{API}/audit/access-log", params={"user_id": f"{role}-r"}, headers=auth("auditor")).json()
    assert [e["purpose"] for e in log] == ["reveal id_number: bank account form"]


def test_auditors_see_masked_numbers_only(client: TestClient, auth: Auth) -> None:
    """An auditor asking to reveal gets 403 forbidden-role (rule reveal-permitted), and nothing is logged."""
    h = register(client, auth("caseworker"))
    headers = {**auth("auditor", user="au-r"), "X-Purpose": "audit"}
    r = client.get(household_path(h["household_id"]), params={"reveal": "id_number"}, headers=headers)
    assert_problem(r, 403, "forbidden-role", field="reveal", rule="reveal-permitted")
    assert client.get(f"{API}/audit/access-log", params={"user_id": "au-r"}, headers=auth("auditor")).json() == []


def test_reveal_needs_a_purpose(client: TestClient, auth: Auth) -> None:
    """Revealing without X-Purpose gets 422 purpose-required."""
    h = register(client, auth("caseworker"))
    r = client.get(household_path(h["household_id"]), params={"reveal": "id_number"}, headers=auth("caseworker"))
    assert_problem(r, 422, "purpose-required", field="X-Purpose")


def test_analysts_and_admins_have_no_household_routes() -> None:
    """No route under /households/{household_id} (personal data) is open to analysts or admins."""
    from api.permission_table import live_schema

    for op, _, path in operations(live_schema()):
        if "{household_id}" in path or op == "register_household":
            assert not PERMISSIONS[op] & {Role.ANALYST, Role.ADMIN}, op


def test_analysts_see_no_names_or_id_numbers(client: TestClient, auth: Auth) -> None:
    """After a full scenario, every GET open to analysts (JSON and CSV) holds no name or ID number, masked or not."""
    person = run_scenario(client)
    needles = [*person.needles(), *(IdNumber(n).masked() for n in person.id_numbers)]
    analyst = auth("analyst", user="an-1")
    samples = {"/api/v1/rolls/{program}": "/api/v1/rolls/dibao"}
    params = {"from": "2024-01", "to": "2024-06", "division": "430112", "on": "2024-03-01"}
    seen = 0
    for op, method, path in operations(client.app.openapi()):  # type: ignore[attr-defined]
        if method != "GET" or Role.ANALYST not in PERMISSIONS.get(op, frozenset()):
            continue
        for fmt in ("json", "csv"):
            r = client.get(samples.get(path, path), params={**params, "format": fmt}, headers=analyst)
            assert r.status_code == 200, f"{op}: {r.text}"
            assert [n for n in needles if n in r.text] == [], op
            seen += 1
    assert seen >= 4


@pytest.mark.parametrize(
    "sent", ["核对身份证".encode(), b"%E6%A0%B8%E5%AF%B9%E8%BA%AB%E4%BB%BD%E8%AF%81"], ids=["utf8", "percent"]
)
def test_purpose_in_chinese_is_logged_as_written(client: TestClient, auth: Auth, sent: bytes) -> None:
    """An X-Purpose sent as UTF-8 bytes or percent-encoded is recorded as the text the caller wrote."""
    h = register(client, auth("caseworker"))
    headers: dict[str, str | bytes] = {**auth("caseworker", user="cw-zh"), "X-Purpose": sent}
    assert client.get(household_path(h["household_id"]), headers=headers).status_code == 200
    log = client.get(f"{API}/audit/access-log", params={"user_id": "cw-zh"}, headers=auth("auditor")).json()
    assert [e["purpose"] for e in log] == ["核对身份证"]
