"""Small functions that drive the HTTP API the way a client would."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.support import COMMUNITY, member_json

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
#: the bank file's columns (CSV and xlsx), in the order the banks read them
BANK_FILE_COLUMNS = [
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
IN_COMMUNITY = {"placement": "community"}  # the terms of a child cared for in the community


def household_path(household_id: str) -> str:
    return f"{API}/households/{household_id}"


def enrolment_path(household_id: str, enrolment_id: str) -> str:
    return f"{household_path(household_id)}/enrolments/{enrolment_id}"


def etag(response: Response) -> int:
    """The household version a response's ``ETag: "N"`` header carries."""
    return int(response.headers["ETag"].strip('"'))


def store_position(client: TestClient) -> int | None:
    """The id of the last event notification in the store: unchanged means nothing was written."""
    position: int | None = client.app.state.services.casework.recorder.max_notification_id()  # type: ignore[attr-defined]
    return position


def registration(**overrides: Any) -> dict[str, Any]:
    """A valid registration body: an urban household of three in the community 430112001001."""
    body: dict[str, Any] = {
        "area_type": "urban",
        "division_code": COMMUNITY,
        "address": "望城区 高塘岭街道 1号",
        "registered_on": "2024-01-10",
        "members": [
            member_json("head", date(1985, 3, 1), name="王建国"),
            member_json("spouse", date(1987, 6, 15), name="李秀英"),
            member_json("child", date(2015, 9, 1), name="王小明"),
        ],
    }
    body.update(overrides)
    return body


def register(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    """Register a household (``registration`` with overrides) and return its JSON."""
    r = client.post(f"{API}/households", json=registration(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def person_ids(household: dict[str, Any]) -> list[str]:
    return [m["person_id"] for m in household["members"]]


def circumstances(
    client: TestClient,
    headers: dict[str, str],
    household_id: str,
    *,
    effective_on: str,
    wages: dict[str, str] | None = None,
    dwellings: int = 0,
) -> Response:
    """PUT a declaration: wages by person id, the number of dwellings."""
    body = {
        "effective_on": effective_on,
        "incomes": [{"person_id": p, "kind": "wages", "monthly_amount": a} for p, a in (wages or {}).items()],
        "assets": {"dwellings": dwellings},
    }
    return client.put(f"{household_path(household_id)}/circumstances", json=body, headers=headers)


def household_with_income(
    client: TestClient, headers: dict[str, str], wages: str = "1200.00", **overrides: Any
) -> dict[str, Any]:
    """A registered household of three whose head earns ``wages`` a month from 2024-01-15 (version 2)."""
    h = register(client, headers, **overrides)
    r = circumstances(client, headers, h["household_id"], effective_on="2024-01-15", wages={person_ids(h)[0]: wages})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def apply(
    client: TestClient, headers: dict[str, str], household_id: str, beneficiaries: list[str], effective_on: str
) -> Response:
    body = {"program": "dibao", "beneficiaries": beneficiaries, "effective_on": effective_on}
    return client.post(f"{household_path(household_id)}/applications", json=body, headers=headers)


def township_review(
    client: TestClient,
    headers: dict[str, str],
    household_id: str,
    enrolment_id: str,
    effective_on: str,
    opinion: str = "approve",
) -> Response:
    """The township's opinion, after an investigation the same day."""
    found = {"investigated_on": effective_on, "findings": "入户调查属实", "opinion": opinion}
    return decide(client, headers, household_id, enrolment_id, "township-review", effective_on, **found)


def decide(
    client: TestClient,
    headers: dict[str, str],
    household_id: str,
    enrolment_id: str,
    action: str,
    effective_on: str,
    **extra: str,
) -> Response:
    """POST one of township-review, approval, rejection, reviews, suspension, resumption, termination, withdrawal."""
    body = {"effective_on": effective_on, **extra}
    return client.post(f"{enrolment_path(household_id, enrolment_id)}/{action}", json=body, headers=headers)


def filed_application(client: TestClient, caseworker: dict[str, str]) -> tuple[dict[str, Any], str]:
    """A household of three (``household_with_income``) whose dibao application for all was filed 2024-01-20
    (version 3); returns (household JSON, enrolment id)."""
    h = household_with_income(client, caseworker)
    r = apply(client, caseworker, h["household_id"], person_ids(h), "2024-01-20")
    assert r.status_code == 201, r.text
    eid: str = r.json()["enrolment"]["enrolment_id"]
    return h, eid


def reviewed_application(
    client: TestClient, caseworker: dict[str, str], opinion: str = "approve"
) -> tuple[dict[str, Any], str]:
    """A household of three with an application filed 2024-01-20 and reviewed 2024-01-25 (version 4)."""
    h, eid = filed_application(client, caseworker)
    hid = h["household_id"]
    r = township_review(client, caseworker, hid, eid, "2024-01-25", opinion)
    assert r.status_code == 200, r.text
    return h, eid


def approved_enrolment(
    client: TestClient, caseworker: dict[str, str], approver: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """A household of three on dibao at 1050.00 from 2024-03-01, approved 2024-02-01 (version 5)."""
    h, eid = reviewed_application(client, caseworker)
    r = decide(client, approver, h["household_id"], eid, "approval", "2024-02-01")
    assert r.status_code == 200, r.text
    return h, eid


def assert_problem(
    r: Response, status: int, kind: str, *, field: str | None = None, rule: str | None = None
) -> dict[str, Any]:
    """An RFC 9457 problem of the given status and ``urn:jiuzhu:problem:<kind>``, naming field and rule."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = r.json()
    assert body["type"].startswith("urn:jiuzhu:problem:")
    assert body["type"] == f"urn:jiuzhu:problem:{kind}"
    assert body["status"] == status
    if field is not None:
        assert body["errors"][0]["field"] == field, body
    if rule is not None:
        assert body["errors"][0]["rule"] == rule, body
    return body


def enrolled(
    client: TestClient,
    caseworker: dict[str, str],
    approver: dict[str, str],
    household_id: str,
    beneficiaries: list[str],
    *,
    approved_on: str,
    program: str = "dibao",
    terms: dict[str, Any] | None = None,
) -> str:
    """Apply on 2024-01-15, a favourable township review on 2024-01-20, approval on ``approved_on``, each
    step answered with success; returns the enrolment id."""
    body: dict[str, Any] = {"program": program, "beneficiaries": beneficiaries, "effective_on": "2024-01-15"}
    r = client.post(
        f"{household_path(household_id)}/applications",
        headers=caseworker,
        json=body | ({"terms": terms} if terms else {}),
    )
    assert r.status_code == 201, r.text
    eid: str = r.json()["enrolment"]["enrolment_id"]
    review = {"investigated_on": "2024-01-20", "findings": "属实", "opinion": "approve", "effective_on": "2024-01-20"}
    r = client.post(f"{enrolment_path(household_id, eid)}/township-review", headers=caseworker, json=review)
    assert r.status_code == 200, r.text
    r = client.post(
        f"{enrolment_path(household_id, eid)}/approval", headers=approver, json={"effective_on": approved_on}
    )
    assert r.status_code == 200, r.text
    return eid


def family_on_dibao(
    client: TestClient, caseworker: dict[str, str], approver: dict[str, str]
) -> tuple[str, list[str], str]:
    """Head (born 1970) earning 1200.00 from 2024-01-10, spouse (1972) and child (2012), all on dibao approved
    2024-02-01 at (750 − 400) × 3 = 1050.00; returns (household id, person ids, enrolment path)."""
    born = (("head", date(1970, 1, 1)), ("spouse", date(1972, 1, 1)), ("child", date(2012, 1, 1)))
    h = register(client, caseworker, members=[member_json(relation, birth) for relation, birth in born])
    hid, people = h["household_id"], person_ids(h)
    record_account(client, caseworker, h)
    wages = {"person_id": people[0], "kind": "wages", "monthly_amount": "1200.00"}
    r = client.put(
        f"{household_path(hid)}/circumstances",
        headers=caseworker,
        json={"effective_on": "2024-01-10", "incomes": [wages]},
    )
    assert r.status_code == 200, r.text
    eid = enrolled(client, caseworker, approver, hid, people, approved_on="2024-02-01")
    return hid, people, enrolment_path(hid, eid)


def orphan_household(client: TestClient, caseworker: dict[str, str]) -> tuple[str, str]:
    """A grandparent (born 1960) and a grandchild born 2006-05-10 whose parents died in 2010 (recorded
    2024-01-11); returns (household id, the child's person id)."""
    h = register(
        client,
        caseworker,
        members=[member_json("head", date(1960, 1, 1)), member_json("grandchild", date(2006, 5, 10))],
    )
    hid, child = h["household_id"], h["members"][1]["person_id"]
    lost = [{"situation": "dead", "since": "2010-01-01"}]
    parents = {"effective_on": "2024-01-11", "father": lost, "mother": lost}
    r = client.put(f"{household_path(hid)}/members/{child}/parents", headers=caseworker, json=parents)
    assert r.status_code == 200, r.text
    return hid, child


def record_account(client: TestClient, caseworker: dict[str, str], household: dict[str, Any]) -> None:
    """Credit the household's payments from its registration to an account held by its first member
    (the payroll pays only a household with an account)."""
    body = {
        "payee_id": household["members"][0]["person_id"],
        "bank": "中国农业银行长沙望城支行",
        "account_number": "6228480" + household["household_id"].replace("-", "")[:12].translate(HEX_DIGITS),
        "effective_on": household["registered_on"],
    }
    r = client.put(f"{household_path(household['household_id'])}/payee-account", json=body, headers=caseworker)
    assert r.status_code == 200, r.text


HEX_DIGITS = str.maketrans("abcdef", "012345")
