"""Observability: /metrics in Prometheus text, readiness with the projections' lag, JSON logs without personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.composition import build_services
from api.logs import JsonFormatter
from application.views.projection import Views
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import API, approved_enrolment, record_account, register
from tests.support import fixed_clock

Auth = Callable[..., dict[str, str]]


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by name and labels (the scrape must parse as Prometheus text)."""
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def test_metrics_time_routes_count_commands_events_and_lag(client: TestClient, auth: Auth) -> None:
    """Latency by route template, commands by kind and outcome, events appended, lag — without a token."""
    cw = auth("caseworker")
    h = register(client, cw)
    client.get(f"{API}/households/{h['household_id']}", headers=cw)
    client.post(f"{API}/households", json={"area_type": "urban"}, headers=cw)  # refused: 422
    got = samples(client)
    route = (("method", "GET"), ("route", "/api/v1/households/{household_id}"), ("status", "200"))
    assert got[("jiuzhu_http_request_duration_seconds_count", route)] == 1
    assert got[("jiuzhu_commands_total", (("kind", "register_household"), ("outcome", "ok")))] == 1
    assert got[("jiuzhu_commands_total", (("kind", "register_household"), ("outcome", "refused")))] == 1
    assert got[("jiuzhu_events_appended_total", (("event", "Household.Registered"),))] == 1
    assert got[("jiuzhu_database_up", ())] == 1
    assert ("jiuzhu_projection_lag_events", (("projection", "jiuzhu_views"),)) in got
    assert not any(h["household_id"] in str(labels) for _, labels in got)  # templates, never ids


def test_each_app_has_its_own_registry() -> None:
    """Two apps in one process count separately: nothing is registered globally at import."""
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
    apps = [create_app(lambda: build_services(settings, clock=fixed_clock)) for _ in range(2)]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        for _ in range(3):
            first.get("/healthz")
        second.get("/healthz")
        healthz = (
            "jiuzhu_http_request_duration_seconds_count",
            (("method", "GET"), ("route", "/healthz"), ("status", "200")),
        )
        assert (samples(first)[healthz], samples(second)[healthz]) == (3, 1)


def test_payroll_progress_is_a_metric(client: TestClient, auth: Auth) -> None:
    """A payroll run leaves the month's payable and issued counts on /metrics."""
    h, _ = approved_enrolment(client, auth("caseworker"), auth("approver", user="ap-1"))
    record_account(client, auth("caseworker"), h)
    assert client.post(f"{API}/payroll/2024-03", headers=auth("approver", user="ap-1")).status_code == 200
    got = samples(client)
    assert got[("jiuzhu_payroll_run_payable", (("month", "2024-03"),))] == 1
    assert got[("jiuzhu_payroll_run_issued", (("month", "2024-03"),))] == 1


@pytest.fixture
def follower() -> Iterator[tuple[TestClient, FastAPI]]:
    """An API whose views are kept by projection workers (none running yet), strict about the lag."""
    settings = Settings(  # type: ignore[call-arg]
        database="memory",
        token_secret=TOKEN_SECRET,
        projections="workers",
        projection_wait_seconds=0.3,
        ready_max_lag_events=0,
        _env_file=None,
    )
    app = create_app(lambda: build_services(settings, clock=fixed_clock))
    with TestClient(app) as c:
        yield c, app


def test_readiness_fails_while_the_projection_workers_lag(follower: tuple[TestClient, FastAPI]) -> None:
    """Workers behind the log: /readyz 503 and reports 503 projections-behind; caught up, both answer again."""
    client, app = follower
    token = app.state.services.tokens.issue("an-1", Role.ANALYST, "430112")
    stats = f"{API}/statistics?from=2024-01&to=2024-03"
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["status"] == "projections-behind"
    assert r.json()["lag"]["events"] > 0
    r = client.get(stats, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 503
    assert r.json()["type"] == "urn:jiuzhu:problem:projections-behind"
    worker = Views(app.state.services.casework, app.state.services.views.store)  # what `jiuzhu project` runs
    worker.catch_up()
    assert client.get("/readyz").status_code == 200
    assert client.get(stats, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_logs_are_json_lines_with_request_and_user_ids_and_no_personal_data(
    client: TestClient, auth: Auth, caplog: pytest.LogCaptureFixture
) -> None:
    """Each request logs one JSON line with request id, user id, route and status; names never appear."""
    caplog.set_level(logging.INFO, logger="jiuzhu.requests")
    h = register(client, auth("caseworker", user="cw-7"), address="望城区 高塘岭街道 9号")
    client.get(
        f"{API}/households/{h['household_id']}", headers={**auth("caseworker", user="cw-7"), "X-Request-ID": "abc-1"}
    )
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "jiuzhu.requests"]
    read = lines[-1]
    assert (read["request_id"], read["user_id"], read["status"]) == ("abc-1", "cw-7", 200)
    assert read["route"] == "/api/v1/households/{household_id}"
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert "王建国" not in text
    assert "高塘岭" not in text
    client.get("/healthz", headers={"X-Request-ID": "name Wang Jianguo"})  # free text: a new id is made
    probe = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert probe["user_id"] == "anonymous"
    assert "Wang" not in probe["request_id"]
