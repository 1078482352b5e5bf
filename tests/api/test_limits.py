"""Limits: body size (413), page size (422), request rate per caller (429)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from api.deps import MAX_PAGE
from api.limits import TokenBucket
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import API, assert_problem, registration, store_position
from tests.support import fixed_clock

Auth = Callable[..., dict[str, str]]


@pytest.fixture
def slow_client() -> Iterator[TestClient]:
    """The API allowing 5 requests a minute per caller."""
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, rate_per_minute=5, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as c:
        yield c


def test_body_over_the_limit_gets_413(client: TestClient, auth: Auth) -> None:
    """A body over 1 MiB gets 413 body-too-large, by Content-Length or streamed, and writes nothing."""
    position = store_position(client)
    big = registration(address="x" * (1024 * 1024))
    r = client.post(f"{API}/households", json=big, headers=auth("caseworker"))
    assert_problem(r, 413, "body-too-large", field="body")
    data = json.dumps(big).encode()
    chunks = (data[i : i + 65536] for i in range(0, len(data), 65536))  # no Content-Length: chunked
    headers = {**auth("caseworker"), "Content-Type": "application/json"}
    r = client.post(f"{API}/households", content=chunks, headers=headers)
    assert_problem(r, 413, "body-too-large")
    assert store_position(client) == position


def test_body_within_the_limit_passes(client: TestClient, auth: Auth) -> None:
    """A streamed body under the limit reaches the route intact."""
    data = json.dumps(registration()).encode()
    headers = {**auth("caseworker"), "Content-Type": "application/json"}
    r = client.post(f"{API}/households", content=iter([data[:100], data[100:]]), headers=headers)
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1, 200), (MAX_PAGE, 200), (MAX_PAGE + 1, 422)])
def test_page_size_is_bounded(client: TestClient, auth: Auth, limit: int, status: int) -> None:
    """A list's limit must lie in 1..1000; beyond that 422."""
    r = client.get(f"{API}/audit/access-log", params={"limit": limit}, headers=auth("auditor"))
    assert r.status_code == status, r.text


def test_every_limit_parameter_is_bounded(client: TestClient) -> None:
    """Every ``limit`` query parameter in the OpenAPI schema has a maximum of at most 1000."""
    schema = client.app.openapi()  # type: ignore[attr-defined]
    limits = [
        p["schema"]
        for item in schema["paths"].values()
        for op in item.values()
        for p in op.get("parameters", [])
        if p["name"] == "limit"
    ]
    assert limits
    assert all(0 < s.get("maximum", MAX_PAGE + 1) <= MAX_PAGE for s in limits)


def test_caller_far_over_the_rate_gets_429(slow_client: TestClient) -> None:
    """The sixth request in a minute gets 429 rate-limited with Retry-After; another user and probes still pass."""
    tokens = slow_client.app.state.services.tokens  # type: ignore[attr-defined]
    mine = {"Authorization": f"Bearer {tokens.issue('busy', Role.ANALYST, '430112')}"}
    theirs = {"Authorization": f"Bearer {tokens.issue('calm', Role.ANALYST, '430112')}"}
    params = {"from": "2024-01", "to": "2024-02"}
    statuses = [slow_client.get(f"{API}/statistics", params=params, headers=mine).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    r = slow_client.get(f"{API}/statistics", params=params, headers=mine)
    assert_problem(r, 429, "rate-limited")
    assert int(r.headers["Retry-After"]) >= 1
    assert slow_client.get(f"{API}/statistics", params=params, headers=theirs).status_code == 200
    assert all(slow_client.get("/healthz").status_code == 200 for _ in range(10))


def test_unauthenticated_callers_are_limited_by_address(slow_client: TestClient) -> None:
    """Without a token the bucket is the client's address: the sixth 401 in a minute becomes 429."""
    statuses = [slow_client.get(f"{API}/statistics").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_token_bucket_refills_over_time() -> None:
    """A bucket of 60 a minute refuses the 61st request, then admits one a second as time passes."""
    now = [0.0]
    bucket = TokenBucket(60, now=lambda: now[0])
    assert all(bucket.take("k") == 0 for _ in range(60))
    assert bucket.take("k") == pytest.approx(1.0)
    now[0] += 1.0
    assert bucket.take("k") == 0
    assert bucket.take("k") > 0
