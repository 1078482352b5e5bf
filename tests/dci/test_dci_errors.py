"""Refusals in the standard's error form (``HttpErrorResponse``: ``errors`` with a code from ``Error.code``):
no or a bad token, a role other than agency, a client the registry does not list, a malformed request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.values import Role
from infrastructure.agencies import load_registry, parse_registry
from tests.dci.conftest import ENROLLED, ERROR_CODE, HTTP_ERROR, SEARCH, header, schema_errors, search_body, search_item
from tests.support import id_number


def dci_error(r: Response, status: int, code: str) -> dict[str, Any]:
    """The answer is the standard's HTTP error form with ``code``, and writes a problem this API's clients read."""
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert schema_errors(body, HTTP_ERROR) == []
    assert [e["code"] for e in body["errors"]] == [code]
    assert schema_errors(code, ERROR_CODE) == [], f"{code} is not one of the standard's error codes"
    assert body["status"] == status
    assert body["errors"][0]["message"]
    return body


def a_search() -> dict[str, Any]:
    from datetime import date

    return search_body(search_item(id_number(date(1980, 1, 1))))


@pytest.mark.parametrize("path", [SEARCH, ENROLLED])
def test_no_token_or_a_bad_one_is_unauthorized(dci_client: TestClient, path: str) -> None:
    r = dci_client.post(path, json=a_search())
    dci_error(r, 401, "err.request.unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    r = dci_client.post(path, json=a_search(), headers={"Authorization": "Bearer not-a-token"})
    dci_error(r, 401, "err.request.unauthorized")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER, Role.AUDITOR, Role.ANALYST, Role.ADMIN])
def test_people_roles_may_not_use_the_agency_lookups(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], role: Role
) -> None:
    r = dci_client.post(SEARCH, json=a_search(), headers=bearer(role, f"{role.value}-1"))
    assert dci_error(r, 403, "err.request.forbidden")["type"].endswith(":forbidden-role")


def test_a_client_missing_from_the_registry_is_forbidden(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    r = dci_client.post(SEARCH, json=a_search(), headers=bearer(user="unknown-agency"))
    body = dci_error(r, 403, "err.request.forbidden")
    assert body["errors"][0]["rule"] == "agency-registered"
    ledger = dci_client.app.state.services.casework.ledger  # type: ignore[attr-defined]
    assert ledger.select_access(user_id="unknown-agency") == []  # refused before any lookup


def test_an_agency_token_opens_no_other_route(dci_client: TestClient, bearer: Callable[..., dict[str, str]]) -> None:
    for path in ("/api/v1/households?division=430112", "/api/v1/policy/parameters", "/api/v1/statistics"):
        r = dci_client.get(path, headers=bearer())
        assert r.status_code == 403, f"{path}: {r.text}"


MALFORMED: list[tuple[str, Any, str]] = [
    ("not JSON", b"{not json", "err.request.bad"),
    ("no header", {"message": a_search()["message"]}, "err.request.bad"),
    ("wrong action", {**a_search(), "header": {**header(), "action": "subscribe"}}, "err.request.bad"),
    ("no search_request", {"header": header(), "message": {"transaction_id": "T"}}, "err.request.bad"),
    ("empty batch", {"header": header(), "message": {"transaction_id": "T", "search_request": []}}, "err.request.bad"),
    ("encrypted", {**a_search(), "header": {**header(), "is_msg_encrypted": True}}, "err.encryption.invalid"),
    ("version", {**a_search(), "header": {**header(), "version": "2.0.0"}}, "err.version.not_supported"),
    ("a list", [1, 2], "err.request.bad"),
]


@pytest.mark.parametrize(("case", "body", "code"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_request_gets_the_error_form(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], case: str, body: Any, code: str
) -> None:
    content = body if isinstance(body, bytes) else None
    r = dci_client.post(SEARCH, content=content, json=None if content else body, headers=bearer())
    dci_error(r, 400, code)


def test_the_registry_needs_agency_purpose_and_programmes() -> None:
    assert {c.client_id for c in load_registry().clients.values()} >= {"yibao-430112"}
    with pytest.raises(ValueError, match="purpose"):
        parse_registry("x:\n  agency: A\n  programmes: [dibao]\n")
    with pytest.raises(ValueError, match="programme"):
        parse_registry("x:\n  agency: A\n  purpose: P\n")
    with pytest.raises(ValueError, match="housing"):
        parse_registry("x:\n  agency: A\n  purpose: P\n  programmes: [housing]\n")
