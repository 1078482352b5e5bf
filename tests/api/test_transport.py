"""Transport (issue #12, point 14): answers carrying personal data are never kept by a cache."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.helpers import API, household_path, registration

Auth = Callable[..., dict[str, str]]


def test_personal_answers_say_no_store(client: TestClient, auth: Auth) -> None:
    """A household, its history, a search, a roll download, a replayed idempotent write and a problem
    all carry Cache-Control: no-store."""
    cw = auth("caseworker", user="cw-1")
    key = {**cw, "Idempotency-Key": "reg-no-store-1"}
    first = client.post(f"{API}/households", json=registration(), headers=key)
    again = client.post(f"{API}/households", json=registration(), headers=key)
    hid = first.json()["household_id"]
    answers = [
        first,
        again,
        client.get(household_path(hid), headers=cw),
        client.get(f"{household_path(hid)}/history", headers=cw),
        client.get(f"{API}/households?division=430112", headers=cw),
        client.get(f"{API}/rolls/dibao?on=2024-06-01&format=csv", headers=cw),
        client.get(household_path("00000000-0000-0000-0000-000000000000"), headers=cw),
    ]
    for r in answers:
        assert r.status_code < 500, r.text
        assert r.headers.get("Cache-Control") == "no-store", (r.request.url, r.headers)
