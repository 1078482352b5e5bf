"""Policy parameters over HTTP (docs/rules.md), health probes and the OpenAPI operation ids."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import API, approved_enrolment, assert_problem, store_position
from tests.support import COMMUNITY

Auth = Callable[..., dict[str, str]]
PARAMETERS = f"{API}/policy/parameters"
V = "validation-error"
RAISED_BASIS = "长沙市民政局 长沙市财政局《关于提高城乡低保标准的通知》(示例, 2024年7月1日起执行)"


def in_force(client: TestClient, headers: dict[str, str], on: str, division: str = COMMUNITY) -> dict[str, Any]:
    """The parameters in force for a division on a date, by name."""
    r = client.get(PARAMETERS, params={"division": division, "on": on}, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["division_code"], r.json()["on"]) == (division, on)
    return {p["name"]: p for p in r.json()["parameters"]}


def new_value(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "dibao.standard.urban",
        "jurisdiction": "430112",
        "effective_from": "2025-01-01",
        "value": "800.00",
        "legal_basis": "长沙市民政局《关于2025年度城乡低保标准的通知》(示例)",
        "reason": "2025年度标准调整",
    }
    body.update(overrides)
    return body


def test_urban_standard_on_the_day_it_rose(client: TestClient, auth: Auth) -> None:
    """On 2024-07-01 the urban standard in force is 780.00 with the notice that raised it as legal basis."""
    p = in_force(client, auth("caseworker"), "2024-07-01")["dibao.standard.urban"]
    assert p == {
        "name": "dibao.standard.urban",
        "jurisdiction": "430112",
        "effective_from": "2024-07-01",
        "value": "780.00",
        "legal_basis": RAISED_BASIS,
    }


def test_urban_standard_the_day_before_it_rose(client: TestClient, auth: Auth) -> None:
    """On 2024-06-30 the urban standard in force is still 750.00 from 2024-01-01."""
    p = in_force(client, auth("caseworker"), "2024-06-30")["dibao.standard.urban"]
    assert (p["value"], p["effective_from"], p["jurisdiction"]) == ("750.00", "2024-01-01", "430112")
    assert p["legal_basis"]


def test_longest_prefix_wins_and_the_province_fills_the_rest(client: TestClient, auth: Auth) -> None:
    """The district's own standards override the province's; other values come from the province (43)."""
    params = in_force(client, auth("approver"), "2024-07-01")
    assert params["dibao.standard.rural"]["value"] == "630.00"
    assert params["dibao.public_notice_days"] == {
        "name": "dibao.public_notice_days",
        "jurisdiction": "43",
        "effective_from": "2021-07-01",
        "value": 7,
        "legal_basis": "《最低生活保障审核确认办法》(民发〔2021〕57号) 公示期为7天",
    }
    assert params["dibao.gradual_exit_months"]["value"] == 6
    assert params["dibao.margin_multiplier"]["value"] == "1.5"


def test_code_list_parameters_are_json_lists(client: TestClient, auth: Auth) -> None:
    """dibao.income.excluded_kinds is shown as a JSON list of codes."""
    p = in_force(client, auth("caseworker"), "2024-07-01")["dibao.income.excluded_kinds"]
    assert p["value"] == ["honour", "orphan_allowance", "residents_basic_pension", "scholarship", "social_assistance"]


def test_admin_adds_a_dated_value(client: TestClient, auth: Auth) -> None:
    """An admin's new urban standard from 2025-01-01 is in force from that day and not the day before."""
    r = client.post(PARAMETERS, json=new_value(), headers=auth("admin"))
    assert r.status_code == 201, r.text
    assert r.json() == {
        **{k: v for k, v in new_value().items() if k != "reason"},
        "recalculation": {"households": 0, "adjusted": 0, "skipped": []},  # an empty store: nothing to adjust
    }
    reader = auth("caseworker")
    p = in_force(client, reader, "2025-01-01")["dibao.standard.urban"]
    assert (p["value"], p["effective_from"]) == ("800.00", "2025-01-01")
    assert p["legal_basis"] == new_value()["legal_basis"]
    assert in_force(client, reader, "2024-12-31")["dibao.standard.urban"]["value"] == "780.00"


def test_a_new_value_reports_what_it_adjusted_and_is_followed_once(client: TestClient, auth: Auth) -> None:
    """With one household on dibao (3 persons, 400.00 per capita) the raise to 800.00 from 2025-01 adjusts its
    amount ((800 − 400) × 3 = 1200.00): the answer counts what changed; the follower does not handle it again."""
    h, eid = approved_enrolment(client, auth("caseworker"), auth("approver"))
    r = client.post(PARAMETERS, json=new_value(), headers=auth("admin"))
    assert r.status_code == 201, r.text
    recalculation = r.json()["recalculation"]
    assert recalculation["households"] == 1
    assert recalculation["adjusted"] >= 1
    assert recalculation["skipped"] == []
    follower = client.app.state.services.recalculation  # type: ignore[attr-defined]
    assert follower.follow() == []
    household = client.app.state.services.casework.get_household(UUID(h["household_id"]))  # type: ignore[attr-defined]
    assert household.enrolment(UUID(eid)).amount_on(date(2025, 1, 1)) == Decimal("1200.00")


def test_on_defaults_to_today(client: TestClient, auth: Auth) -> None:
    """Without ?on= the parameters are those in force on the service's today (2025-06-01)."""
    r = client.get(PARAMETERS, params={"division": COMMUNITY}, headers=auth("analyst"))
    assert r.status_code == 200, r.text
    assert r.json()["on"] == "2025-06-01"


@pytest.mark.parametrize("role", ["caseworker", "approver", "auditor", "analyst"])
def test_only_admins_set_parameters(client: TestClient, auth: Auth, role: str) -> None:
    """Every role but admin gets 403 forbidden-role adding a parameter value; nothing is recorded."""
    before = store_position(client)
    r = client.post(PARAMETERS, json=new_value(), headers=auth(role))
    assert_problem(r, 403, "forbidden-role", field="role", rule="role-permitted")
    assert store_position(client) == before


BAD_VALUES = [
    pytest.param({"name": "dibao.standard.suburban"}, 422, "invalid-value", "name", "parameter-known", id="unknown"),
    pytest.param({"value": "1.234"}, 422, "invalid-value", "value", "money-cents", id="amount-3-places"),
    pytest.param({"value": "-1.00"}, 422, "invalid-value", "value", "parameter-decimal", id="amount-negative"),
    pytest.param({"value": "abc"}, 422, "invalid-value", "value", "parameter-decimal", id="amount-not-decimal"),
    pytest.param(
        {"name": "dibao.public_notice_days", "value": "7"},
        422,
        "invalid-value",
        "value",
        "parameter-count",
        id="count-as-string",
    ),
    pytest.param(
        {"name": "dibao.income.excluded_kinds", "value": "honour"},
        422,
        "invalid-value",
        "value",
        "parameter-codes",
        id="codes-not-a-list",
    ),
    pytest.param(
        {"legal_basis": "   "}, 422, "invalid-value", "legal_basis", "legal-basis-required", id="blank-legal-basis"
    ),
    pytest.param({"jurisdiction": "43011"}, 422, V, "jurisdiction", "string_pattern_mismatch", id="jurisdiction-5"),
    pytest.param({"reason": ""}, 422, "validation-error", "reason", "string_too_short", id="no-reason"),
    pytest.param({"extra": 1}, 422, "validation-error", "extra", "extra_forbidden", id="extra-field"),
]


@pytest.mark.parametrize(("change", "status", "kind", "field", "rule"), BAD_VALUES)
def test_bad_parameter_values_are_refused(
    client: TestClient, auth: Auth, change: dict[str, Any], status: int, kind: str, field: str, rule: str | None
) -> None:
    """A bad parameter value gets a 422 problem naming the field and rule; nothing is recorded."""
    before = store_position(client)
    r = client.post(PARAMETERS, json=new_value(**change), headers=auth("admin"))
    assert_problem(r, status, kind, field=field, rule=rule)
    assert store_position(client) == before
    assert in_force(client, auth("admin"), "2025-01-01")["dibao.standard.urban"]["value"] == "780.00"


def test_huge_parameter_amount_is_refused_not_a_server_error(client: TestClient, auth: Auth) -> None:
    """An amount above 999999999999.99 gets a 422 money-too-large problem (once a 500); nothing is recorded."""
    before = store_position(client)
    r = client.post(PARAMETERS, json=new_value(value="1e30"), headers=auth("admin"))
    assert_problem(r, 422, "invalid-value", field="value", rule="money-too-large")
    assert store_position(client) == before


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ({"on": "2024-07-01"}, "division", "missing"),
        ({"division": "43011", "on": "2024-07-01"}, "division", "string_pattern_mismatch"),
        ({"division": COMMUNITY, "on": "2024-13-01"}, "on", "date_from_datetime_parsing"),
    ],
    ids=["no-division", "division-5-digits", "bad-date"],
)
def test_bad_parameter_query_is_refused(
    client: TestClient, auth: Auth, query: dict[str, str], field: str, rule: str
) -> None:
    """GET parameters with a missing or malformed division or date gets a 422 problem naming it."""
    r = client.get(PARAMETERS, params=query, headers=auth("caseworker"))
    assert_problem(r, 422, "validation-error", field=field, rule=rule)


def test_reading_parameters_needs_a_token(client: TestClient) -> None:
    """GET parameters without a token gets 401."""
    r = client.get(PARAMETERS, params={"division": COMMUNITY})
    assert_problem(r, 401, "unauthenticated")


def test_health_and_readiness(client: TestClient) -> None:
    """/healthz and /readyz answer 200 without a token."""
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["status"] == "ready"


def test_openapi_lists_the_contract_operations(client: TestClient) -> None:
    """/openapi.json names the contract's operation ids."""
    r = client.get("/openapi.json")
    assert r.status_code == 200
    ops = {op["operationId"] for path in r.json()["paths"].values() for op in path.values()}
    assert {"register_household", "get_household", "apply", "approve"} <= ops
    assert {"record_circumstances", "record_township_review", "review", "suspend", "resume", "terminate"} <= ops
    assert {"get_parameters", "set_parameter"} <= ops
