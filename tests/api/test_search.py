"""GET /api/v1/households: search within the caller's jurisdiction by division, program, state and ID number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from tests.api.helpers import API, enrolled, register
from tests.support import id_number, member_json

Auth = Callable[..., dict[str, str]]


def test_search_by_division_program_state_and_id_number(client: TestClient, auth: Auth) -> None:
    """Two households; only the one with an active dibao enrolment matches program+state; the ID number finds it."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    number = id_number(date(1970, 1, 1))
    h1 = register(client, cw, members=[{**member_json("head", date(1970, 1, 1)), "id_number": number}])
    h2 = register(client, cw, division_code="430112002001", members=[member_json("head", date(1971, 1, 1))])
    pid = h1["members"][0]["person_id"]
    eid = enrolled(client, cw, ap, h1["household_id"], [pid], approved_on="2024-02-01")

    def ids(query: str, headers: dict[str, str] = cw) -> list[str]:
        r = client.get(f"{API}/households{query}", headers=headers)
        assert r.status_code == 200, r.text
        return [h["household_id"] for h in r.json()["households"]]

    assert sorted(ids("")) == sorted([h1["household_id"], h2["household_id"]])
    assert ids("?division=430112002") == [h2["household_id"]]
    assert ids("?program=dibao&state=active&on=2024-03-01") == [h1["household_id"]]
    assert ids("?program=dibao&state=active&on=2024-02-15") == []  # approved, benefits from 1 March
    assert ids(f"?id_number={number}") == [h1["household_id"]]
    found = client.get(f"{API}/households?program=dibao&on=2024-03-01", headers=cw).json()["households"][0]
    assert found["head_id_masked"] == number[:6] + "********" + number[-4:]
    assert found["enrolments"] == [{"enrolment_id": eid, "program": "dibao", "status": "active"}]
    outsider = auth("caseworker", user="cw-9", jurisdiction="430112002")
    assert ids("", outsider) == [h2["household_id"]]
    assert client.get(f"{API}/households?division=430112001", headers=outsider).status_code == 403
    assert client.get(f"{API}/households", headers=auth("analyst")).status_code == 403
    bad = client.get(f"{API}/households?id_number=430112197001011234", headers=cw)
    assert bad.status_code == 422
