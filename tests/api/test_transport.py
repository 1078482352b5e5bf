"""Transport and resource limits (issue #12, points 12 and 14): answers carrying personal data are never
kept by a cache; forwarded headers are believed only from configured proxies; the rate limit evicts the
least recently seen caller, never everyone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli as cli_module
from api.cli import cli
from api.limits import TokenBucket
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


def test_a_flood_of_new_callers_does_not_reset_a_limited_one() -> None:
    """With room for 3 buckets, new keys evict the least recently seen bucket, never the limited caller's."""
    now = [0.0]
    bucket = TokenBucket(60, now=lambda: now[0], max_keys=3)
    assert all(bucket.take("abuser") == 0 for _ in range(60))
    for i in range(100):
        assert bucket.take(f"new-{i}") == 0
        assert bucket.take("abuser") > 0  # still limited: it was seen most recently
    assert len(bucket.buckets) == 3


def forwarded_client(options: dict[str, Any], peer: str) -> str:
    """The client address the app sees behind uvicorn configured with ``options``, for a request from
    ``peer`` claiming X-Forwarded-For: 203.0.113.9."""
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["client"])

    config = uvicorn.Config(app, log_config=None, **options)
    config.load()
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"x-forwarded-for", b"203.0.113.9")],
        "client": (peer, 5000),
        "scheme": "http",
    }
    asyncio.run(config.loaded_app(scope, None, None))
    return str(seen[0][0])


@pytest.fixture
def uvicorn_options(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword options ``jiuzhu serve`` gives uvicorn.run (recorded, nothing is served)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli_module.uvicorn, "run", lambda *a, **kw: calls.append(kw))
    return calls


def test_forwarded_headers_are_ignored_unless_the_proxy_is_configured(uvicorn_options: list[dict[str, Any]]) -> None:
    """By default X-Forwarded-For is not believed, not even from 127.0.0.1; with JIUZHU_TRUSTED_PROXIES it is,
    from that proxy only."""
    env: dict[str, str | None] = {"JIUZHU_DATABASE": "memory", "JIUZHU_TRUSTED_PROXIES": None}
    assert CliRunner().invoke(cli, ["serve", "--dev", "--demo-households", "0"], env=env).exit_code == 0
    default = {k: v for k, v in uvicorn_options[-1].items() if k in ("proxy_headers", "forwarded_allow_ips")}
    assert forwarded_client(default, "127.0.0.1") == "127.0.0.1"
    env["JIUZHU_TRUSTED_PROXIES"] = "10.0.0.5"
    assert CliRunner().invoke(cli, ["serve", "--dev", "--demo-households", "0"], env=env).exit_code == 0
    trusted = {k: v for k, v in uvicorn_options[-1].items() if k in ("proxy_headers", "forwarded_allow_ips")}
    assert forwarded_client(trusted, "10.0.0.5") == "203.0.113.9"
    assert forwarded_client(trusted, "127.0.0.1") == "127.0.0.1"
