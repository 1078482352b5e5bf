"""Statistics pinned to an instant: the same query gives the same figures forever."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.helpers import API, household_path, record_account, register
from tests.support import member_json
from tests.support_clock import SteppingClock


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def stepping_client(clock: SteppingClock) -> Iterator[TestClient]:
    settings = Settings(database="memory", token_secret="test-secret-of-at-least-32-bytes-for-hs256", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=clock))) as c:
        yield c


def test_as_of_pins_the_figures(stepping_client: TestClient, clock: SteppingClock) -> None:
    """As known after March's payroll the funds are 1050.00; after April's, 2100.00; asked again, unchanged."""
    c = stepping_client
    tokens = c.app.state.services.tokens  # type: ignore[attr-defined]
    cw = {"Authorization": f"Bearer {tokens.issue('cw-1', Role.CASEWORKER, '430112')}"}
    ap = {"Authorization": f"Bearer {tokens.issue('ap-1', Role.APPROVER, '430112')}"}
    h = register(
        c,
        cw,
        members=[
            member_json("head", date(1970, 1, 1)),
            member_json("spouse", date(1972, 1, 1)),
            member_json("child", date(2012, 1, 1)),
        ],
    )
    hid, people = h["household_id"], [m["person_id"] for m in h["members"]]
    record_account(c, cw, h)
    c.put(
        f"{household_path(hid)}/circumstances",
        headers=cw,
        json={
            "effective_on": "2024-01-10",
            "incomes": [{"person_id": people[0], "kind": "wages", "monthly_amount": "1200.00"}],
        },
    )
    eid = c.post(
        f"{household_path(hid)}/applications",
        headers=cw,
        json={"program": "dibao", "beneficiaries": people, "effective_on": "2024-01-15"},
    ).json()["enrolment"]["enrolment_id"]
    path = f"{household_path(hid)}/enrolments/{eid}"
    c.post(
        f"{path}/township-review",
        headers=cw,
        json={"investigated_on": "2024-01-20", "findings": "属实", "opinion": "approve", "effective_on": "2024-01-20"},
    )
    c.post(f"{path}/approval", headers=ap, json={"effective_on": "2024-02-01"})
    assert c.post(f"{API}/payroll/2024-03", headers=ap).status_code == 200
    after_march = clock.now
    clock.advance(days=1)
    assert c.post(f"{API}/payroll/2024-04", headers=ap).status_code == 200
    after_april = clock.now
    clock.advance(days=1)

    def funds(as_of: object | None) -> str:
        query = f"{API}/statistics?from=2024-03&to=2024-04" + (f"&as_of={as_of}" if as_of else "")
        r = c.get(query.replace("+", "%2B"), headers=ap)
        assert r.status_code == 200, r.text
        return str(r.json()["funds"])

    assert funds(after_march.isoformat()) == "1050.00"
    assert funds(after_april.isoformat()) == "2100.00"
    assert funds(None) == "2100.00"
    c.post(
        f"{path}/suspension",
        headers=ap,
        json={"effective_on": "2024-05-02", "reason_code": "NOT_REACHABLE", "reason": "失联"},
    )
    assert funds(after_march.isoformat()) == "1050.00"  # later writes never change a pinned answer
    future = (clock.now + timedelta(days=1)).isoformat()
    r = c.get(f"{API}/statistics?from=2024-03&to=2024-04&as_of={future}".replace("+", "%2B"), headers=ap)
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "as-of-not-future"
