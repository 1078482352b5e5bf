"""Bad input that broke or misled (issue #12, points 7 and 9): control and invisible formatting
characters in headers, queries and JSON fields get a 4xx (also on PostgreSQL, where a NUL used to
reach an INSERT and answer 500); names are stored in NFC; a request id is an opaque token."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from tests.api.helpers import API, assert_problem, household_path, registration, store_position
from tests.support import member_json


def headers(client: TestClient, role: str = "caseworker", user: str = "cw-1") -> dict[str, str]:
    token = client.app.state.services.tokens.issue(user, Role(role), "430112")  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


def registered(client: TestClient) -> str:
    r = client.post(f"{API}/households", json=registration(), headers=headers(client))
    assert r.status_code == 201, r.text
    hid: str = r.json()["household_id"]
    return hid


def test_nul_in_the_purpose_is_refused_not_a_500(any_client: TestClient) -> None:
    """``X-Purpose: a%00b`` on a household read answers 4xx naming X-Purpose, and logs nothing."""
    hid = registered(any_client)
    r = any_client.get(household_path(hid), headers={**headers(any_client), "X-Purpose": "a%00b"})
    assert_problem(r, 422, "invalid-value", field="X-Purpose", rule="no-control-characters")
    log = any_client.get(f"{API}/audit/access-log", headers=headers(any_client, "auditor", "au-1")).json()
    assert log == []


@pytest.mark.parametrize("query", ["user_id=%00", "user_id=a%01b", "user_id=%E2%80%AEx", "limit=1%0A"])
def test_control_characters_in_a_query_are_refused(any_client: TestClient, query: str) -> None:
    """``GET /audit/access-log?user_id=%00`` (and other controls or a right-to-left override) gets 400, not 500."""
    r = any_client.get(f"{API}/audit/access-log?{query}", headers=headers(any_client, "auditor", "au-1"))
    body = assert_problem(r, 400, "invalid-characters")
    assert body["errors"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize(
    ("name", "char"),
    [
        ("王\x00建国", "U+0000"),
        ("\u202e国建王", "U+202E"),
        ("\ufeff王建国", "U+FEFF"),
        ("王建\n国", "U+000A"),
        ("王建\u2028国", "U+2028"),
        ("王建\x7f国", "U+007F"),
    ],
)
def test_names_with_control_or_bidi_characters_are_refused(any_client: TestClient, name: str, char: str) -> None:
    """A member name holding NUL, an RTL override, a BOM, a newline, a line separator or DEL gets 400 naming
    the field; nothing is written."""
    body = registration(members=[member_json("head", name=name)])
    before = store_position(any_client)
    r = any_client.post(f"{API}/households", json=body, headers=headers(any_client))
    problem = assert_problem(r, 400, "invalid-characters", field="members[0].name")
    assert char in problem["detail"]
    assert store_position(any_client) == before


def test_free_text_may_span_lines_but_holds_no_other_control(any_client: TestClient) -> None:
    """A reason may hold a newline; a NUL in it is refused."""
    hid = registered(any_client)
    path = f"{household_path(hid)}/circumstances"
    ok = any_client.put(path, headers=headers(any_client), json={"effective_on": "2024-02-01", "reason": "一\n二"})
    assert ok.status_code == 200, ok.text
    bad = any_client.put(path, headers=headers(any_client), json={"effective_on": "2024-02-02", "reason": "一\x00二"})
    assert_problem(bad, 400, "invalid-characters", field="reason")


def test_names_are_stored_in_nfc(any_client: TestClient) -> None:
    """A name sent decomposed (e + combining acute) is stored composed."""
    decomposed = "Jose\u0301"
    r = any_client.post(
        f"{API}/households",
        json=registration(members=[member_json("head", name=decomposed)]),
        headers=headers(any_client),
    )
    assert r.status_code == 201, r.text
    got = any_client.get(household_path(r.json()["household_id"]), headers=headers(any_client)).json()
    assert got["members"][0]["name"] == unicodedata.normalize("NFC", decomposed) == "José"


@pytest.mark.parametrize(
    ("field", "value"),
    [("division_code", "４３０１１２００１００１"), ("division_code", "٤٣٠١١٢٠٠١٠٠١"), ("jurisdiction", "٤٣")],
)
def test_non_ascii_digits_are_not_digits(client: TestClient, auth: Any, field: str, value: str) -> None:
    """Full-width or Arabic-Indic digits fail every digit pattern (division codes, jurisdictions)."""
    if field == "division_code":
        r = client.post(f"{API}/households", json=registration(division_code=value), headers=auth("caseworker"))
    else:
        body = {
            "name": "dibao.standard.urban",
            "jurisdiction": value,
            "confirmed_until": "2025-12-31",
            "reason": "x",
        }
        r = client.post(f"{API}/policy/confirmations", json=body, headers=auth("admin", user="ad-1"))
    assert r.status_code in (400, 422), r.text


@pytest.mark.parametrize("query", ["division=٤٣٠١١٢", "division=４３０１１２"])
def test_non_ascii_digits_in_a_division_query_are_refused(client: TestClient, auth: Any, query: str) -> None:
    """``GET /policy/parameters?division=`` with non-ASCII digits gets 422, not parameters."""
    r = client.get(f"{API}/policy/parameters?{query}", headers=auth("caseworker"))
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("req-2024-abc", True),
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("430112198001011234", False),  # an ID number: personal data, never stored or logged
        ("43011219800101123X", False),
        ("13800138000", False),  # a mobile number
        ("name Wang", False),
    ],
)
def test_request_id_is_an_opaque_token(client: TestClient, given: str, kept: bool) -> None:
    """X-Request-ID is echoed only when it is an opaque token; an ID or phone number is replaced by a new id."""
    r = client.get("/healthz", headers={"X-Request-ID": given})
    assert (r.headers["X-Request-ID"] == given) is kept
