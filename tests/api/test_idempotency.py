"""Idempotency-Key: a retried write returns the first response and writes nothing (docs/architecture.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from api.idempotency import fingerprint
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import (
    API,
    assert_problem,
    circumstances,
    household_path,
    person_ids,
    registration,
    store_position,
)
from tests.support import fixed_clock

Auth = Callable[..., dict[str, str]]


def post_json(client: TestClient, url: str, body: dict[str, Any], headers: dict[str, str], key: str) -> Any:
    """POST exactly these JSON bytes with an Idempotency-Key (so two calls send identical bodies)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = {**headers, "Idempotency-Key": key, "Content-Type": "application/json"}
    return client.post(url, content=data, headers=headers)


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[TestClient]:
    """The API on a SQLite file: keys live in a table beside the events."""
    settings = Settings(
        database="sqlite", sqlite_path=tmp_path / "api.sqlite", token_secret=TOKEN_SECRET, _env_file=None
    )  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as c:
        yield c


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_retried_registration_returns_the_first_response(
    client: TestClient, sqlite_client: TestClient, auth: Auth, backend: str
) -> None:
    """The same key and body twice: one household, the same 201, body, ETag and Location, no new event."""
    c = client if backend == "memory" else sqlite_client
    headers, body = auth("caseworker"), registration()  # registration() makes new ID numbers on every call
    first = post_json(c, f"{API}/households", body, headers, "reg-0001")
    assert first.status_code == 201, first.text
    position = store_position(c)
    again = post_json(c, f"{API}/households", body, headers, "reg-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.json()["household_id"] == first.json()["household_id"]
    for name in ("ETag", "Location", "content-type"):
        assert again.headers[name] == first.headers[name]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert store_position(c) == position


def test_same_key_with_another_body_is_refused(client: TestClient, auth: Auth) -> None:
    """The key reused with a different body gets 422 idempotency-key-reused and writes nothing."""
    headers, body = auth("caseworker"), registration()
    assert post_json(client, f"{API}/households", body, headers, "k-1").status_code == 201
    position = store_position(client)
    other = {**body, "address": "另一个地址 2号"}
    r = post_json(client, f"{API}/households", other, headers, "k-1")
    assert_problem(r, 422, "idempotency-key-reused", field="Idempotency-Key")
    r = post_json(client, f"{API}/policy/parameters", other, auth("admin", user="caseworker-1"), "k-1")
    assert_problem(r, 422, "idempotency-key-reused")
    assert store_position(client) == position


def test_keys_belong_to_their_user(client: TestClient, auth: Auth) -> None:
    """Another user's request with the same key and body runs on its own."""
    body = registration()
    a = post_json(client, f"{API}/households", body, auth("caseworker", user="cw-a"), "shared")
    b = post_json(client, f"{API}/households", body, auth("caseworker", user="cw-b"), "shared")
    assert a.status_code == b.status_code == 201
    assert a.json()["household_id"] != b.json()["household_id"]


def test_a_refused_request_releases_its_key(client: TestClient, auth: Auth) -> None:
    """A 4xx wrote nothing and is not kept: the corrected request may reuse the key."""
    headers = auth("caseworker")
    r = post_json(client, f"{API}/households", registration(area_type="lunar"), headers, "fix-me")
    assert_problem(r, 422, "validation-error")
    r = post_json(client, f"{API}/households", registration(), headers, "fix-me")
    assert r.status_code == 201, r.text
    assert "Idempotent-Replayed" not in r.headers


def test_retried_if_match_write_replays_instead_of_412(client: TestClient, auth: Auth) -> None:
    """A retried PUT with If-Match "1" replays its 200 and ETag "2" though the household moved on."""
    cw = auth("caseworker")
    h = post_json(client, f"{API}/households", registration(), cw, "reg").json()
    body = {"effective_on": "2024-02-01", "incomes": [], "assets": {"dwellings": 1}}
    url = f"{household_path(h['household_id'])}/circumstances"
    headers = {**cw, "If-Match": '"1"', "Idempotency-Key": "circ-1"}
    first = client.put(url, json=body, headers=headers)
    assert first.status_code == 200, first.text
    position = store_position(client)
    again = client.put(url, json=body, headers=headers)
    assert (again.status_code, again.headers["ETag"], again.json()) == (200, '"2"', first.json())
    assert store_position(client) == position
    assert client.put(url, json=body, headers={**cw, "If-Match": '"1"'}).status_code == 412


def test_retry_while_the_first_runs_gets_409(client: TestClient, auth: Auth) -> None:
    """While a request with the key is still running, a retry gets 409 idempotency-in-progress."""
    headers = auth("caseworker", user="cw-slow")
    data = json.dumps(registration()).encode()
    services = client.app.state.services  # type: ignore[attr-defined]
    scope = {"method": "POST", "path": f"{API}/households", "query_string": b""}
    claim = services.idempotency.begin("cw-slow", "slow-1", fingerprint(services.casework.index_key, scope, data))
    r = client.post(
        f"{API}/households",
        content=data,
        headers={**headers, "Idempotency-Key": "slow-1", "Content-Type": "application/json"},
    )
    assert_problem(r, 409, "idempotency-in-progress")
    assert r.headers["Retry-After"] == "1"
    services.idempotency.release("cw-slow", "slow-1", claim.token)
    r = client.post(
        f"{API}/households",
        content=data,
        headers={**headers, "Idempotency-Key": "slow-1", "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("key", [b"", b"x" * 256, "键".encode()], ids=["empty", "too-long", "non-ascii"])
def test_malformed_key_is_refused(client: TestClient, auth: Auth, key: bytes) -> None:
    """An Idempotency-Key that is empty, longer than 255 or not visible ASCII gets 400 and writes nothing."""
    position = store_position(client)
    headers: dict[str, str | bytes] = {**auth("caseworker"), "Idempotency-Key": key}
    r = client.post(f"{API}/households", json=registration(), headers=headers)
    assert_problem(r, 400, "invalid-idempotency-key", field="Idempotency-Key")
    assert store_position(client) == position


def test_keys_do_not_apply_to_reads_or_anonymous_writes(client: TestClient, auth: Auth) -> None:
    """A GET ignores the header; a write without a token still gets 401 (nothing is remembered for it)."""
    cw = auth("caseworker")
    h = post_json(client, f"{API}/households", registration(), cw, "r-1").json()
    r = client.get(household_path(h["household_id"]), headers={**cw, "Idempotency-Key": "r-1"})
    assert r.status_code == 200
    assert "Idempotent-Replayed" not in r.headers
    assert_problem(post_json(client, f"{API}/households", registration(), {}, "anon"), 401, "unauthenticated")
    pid = person_ids(h)[0]
    r = circumstances(client, cw, h["household_id"], effective_on="2024-02-01", wages={pid: "1.00"})
    assert r.status_code == 200


def test_write_routes_document_the_header(client: TestClient) -> None:
    """Every POST/PUT/PATCH in the OpenAPI schema lists the optional Idempotency-Key header."""
    schema = client.app.openapi()  # type: ignore[attr-defined]
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("post", "put", "patch"):
                names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
                assert "Idempotency-Key" in names, f"{method} {path}"
