"""The register and the "may qualify" notices through the API (api/routers/register.py, the worklist).

Clock: 2025-06-01. A household of three whose head earns 3000.00 (a margin household: 1000.00 a head,
below 1.5 × 780.00); the head's death is reported on 2025-03-10 through the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from domain.members import Relation
from tests.api.helpers import API, assert_problem
from tests.application.scenarios import household
from tests.application.steps import first_with

Auth = Callable[..., dict[str, str]]


def death(client: TestClient, auth: Auth) -> str:
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    hid = household(app, size=3, wages="3000.00")
    head = first_with(app, hid, Relation.HEAD).person_id
    body = {"effective_on": "2025-03-10", "cause": "death", "reason": "户主病故"}
    r = client.post(
        f"{API}/households/{hid}/members/{head}/removal", json=body, headers=auth("caseworker", user="cw-1")
    )
    assert r.status_code == 200, r.text
    return str(hid)


def notices(client: TestClient, auth: Auth) -> list[dict[str, Any]]:
    r = client.get(f"{API}/worklist", headers=auth("caseworker"))
    assert r.status_code == 200, r.text
    return [i for i in r.json()["items"] if i["kind"] == "may_qualify"]


def test_the_death_of_the_earner_shows_on_the_worklist_and_is_dismissed_with_who_and_why(
    client: TestClient, auth: Auth
) -> None:
    """The worklist shows "may qualify for dibao from 2025-03-10"; the notice explains the rule outcome (reasons
    with legal basis, figures, parameters); the dismissal records who and why and takes it off the worklist."""
    hid = death(client, auth)
    [line] = notices(client, auth)
    assert line["household_id"] == hid
    assert line["program"] == "dibao"
    assert line["due"] == "2025-03-10"
    assert line["enrolment_id"] is None
    assert line["detail"].startswith("may qualify for dibao from 2025-03-10: 1560.00 a month")
    path = f"{API}/households/{hid}/notices/{line['notice_id']}"
    shown = client.get(path, headers={**auth("auditor", user="au-1"), "X-Purpose": "notice-check"})
    assert shown.status_code == 200, shown.text
    log = client.get(f"{API}/audit/access-log", headers=auth("auditor", user="au-1")).json()
    assert ("au-1", hid, "notice-check") in [(e["user_id"], e["household_id"], e["purpose"]) for e in log]
    n = shown.json()
    assert n["eligible"] is True
    assert n["monthly_amount"] == "1560.00"
    assert n["status"] == "open"
    below = next(r for r in n["reasons"] if r["code"] == "INCOME_BELOW_STANDARD")
    assert "第九条" in below["legal_basis"]
    assert n["figures"]["standard"] == "780.00"
    assert any(p["name"] == "dibao.standard.urban" and p["value"] == "780.00" for p in n["parameters"])

    silent = client.post(f"{path}/dismissal", json={"effective_on": "2025-03-12"}, headers=auth("caseworker"))
    assert_problem(silent, 422, "validation-error", field="reason")
    assert_problem(
        client.post(f"{path}/dismissal", json={"effective_on": "2025-03-12", "reason": "x"}, headers=auth("approver")),
        403,
        "forbidden-role",
    )
    body = {"effective_on": "2025-03-12", "reason": "家属表示暂不申请"}
    r = client.post(f"{path}/dismissal", json=body, headers=auth("caseworker", user="cw-7"))
    assert r.status_code == 200, r.text
    closed = r.json()
    assert (closed["status"], closed["closed_by"], closed["closing_reason"]) == (
        "dismissed",
        "cw-7",
        "家属表示暂不申请",
    )
    assert notices(client, auth) == []
    again = client.post(f"{path}/dismissal", json=body, headers=auth("caseworker"))
    assert_problem(again, 422, "rule-violation", rule="notice-open")
    history = client.get(f"{API}/households/{hid}/history", headers=auth("auditor")).text
    assert "QualificationNoticeDismissed" in history
    assert "家属表示暂不申请" in history
    assert "cw-7" in history

    figures = client.get(f"{API}/register/statistics?from=2025-01&to=2025-05", headers=auth("caseworker"))
    assert figures.status_code == 200, figures.text
    assert figures.json()["notices"] == {"raised": 1, "acted_on": 0, "dismissed": 1, "open": 0}


def test_the_register_on_a_date_and_a_caseworkers_decisions(client: TestClient, auth: Auth) -> None:
    """The margin household is in the register on its ground; a decision needs a reason; outside the
    jurisdiction a division is refused; an analyst may not read the register."""
    hid = death(client, auth)
    r = client.get(f"{API}/register?effective_on=2025-02-01", headers=auth("approver"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["households"], body["persons"]) == (1, 3)
    [entry] = body["entries"]
    assert entry["household_id"] == hid
    assert entry["grounds"] == ["margin"]
    assert entry["reasons"][0]["code"] == "REGISTER_MARGIN"
    assert entry["reasons"][0]["legal_basis"]
    assert client.get(f"{API}/register?effective_on=2025-02-01", headers=auth("analyst")).status_code == 403
    future = client.get(f"{API}/register?effective_on=2025-02-01&as_of=2030-01-01T00:00:00Z", headers=auth("approver"))
    assert_problem(future, 422, "invalid-value", field="as_of", rule="as-of-not-future")
    then = client.get(f"{API}/register?effective_on=2025-02-01&as_of=2025-06-01T09:00:00Z", headers=auth("approver"))
    assert then.json()["households"] == 1  # as known at the fixed clock's instant: everything recorded
    outside = client.get(f"{API}/register?effective_on=2025-02-01&division=4301", headers=auth("caseworker"))
    assert outside.status_code == 403, outside.text

    no_reason = client.post(
        f"{API}/households/{hid}/register/exit", json={"effective_on": "2025-04-01"}, headers=auth("caseworker")
    )
    assert_problem(no_reason, 422, "validation-error", field="reason")
    leave = {"effective_on": "2025-04-01", "reason": "核查：亲属长期资助"}
    r = client.post(f"{API}/households/{hid}/register/exit", json=leave, headers=auth("caseworker"))
    assert r.status_code == 200, r.text
    assert client.get(f"{API}/register?effective_on=2025-04-01", headers=auth("caseworker")).json()["households"] == 0
    assert client.get(f"{API}/register?effective_on=2025-03-31", headers=auth("caseworker")).json()["households"] == 1
    enter = {"effective_on": "2025-05-01", "reason": "复核：资助已停止"}
    r = client.post(f"{API}/households/{hid}/register/entry", json=enter, headers=auth("caseworker"))
    assert r.status_code == 200, r.text
    [entry] = client.get(f"{API}/register?effective_on=2025-05-01", headers=auth("caseworker")).json()["entries"]
    assert entry["grounds"] == ["margin", "decision"]
    figures = client.get(f"{API}/register/statistics?from=2025-04&to=2025-05", headers=auth("auditor")).json()
    period = (figures["division"], figures["period_start"], figures["period_end"])
    assert period == ("430112", "2025-04-01", "2025-05-31")
    assert figures["register"] | {"by_ground": None} == {
        "on": "2025-05-31",
        "households": 1,
        "persons": 2,
        "entered": 1,
        "left": 1,
        "by_ground": None,
    }
