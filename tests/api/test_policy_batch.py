"""Issue 17, section 2: parameters in batches (one save, errors naming the item), province and city
admins, prefix reads, readiness over a period, and refusals that never print ``None``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from tests.api.helpers import API, approved_enrolment, assert_problem, store_position
from tests.api.test_policy_api import in_force, new_value

Auth = Callable[..., dict[str, str]]
BATCH = f"{API}/policy/parameters:batch"
CONFIRMATIONS = f"{API}/policy/confirmations:batch"
READINESS = f"{API}/policy/readiness"


def confirmation(**overrides: Any) -> dict[str, Any]:
    body = {"name": "dibao.standard.urban", "jurisdiction": "430112", "confirmed_until": "2027-12-31"}
    return {**body, "reason": "2027年度标准不变", **overrides}


def test_a_batch_is_recorded_in_one_save_and_followed_for_each_value(client: TestClient, auth: Auth) -> None:
    """Urban and rural standards raised together from 2025-01: one store write for both values, and the
    answer reports the re-pricing of the household on dibao; the follower has nothing left to do."""
    h, eid = approved_enrolment(client, auth("caseworker"), auth("approver"))
    before = store_position(client) or 0
    items = [new_value(), new_value(name="dibao.standard.rural", value="650.00")]
    r = client.post(BATCH, json={"items": items}, headers=auth("admin"))
    assert r.status_code == 201, r.text
    assert [(p["name"], p["value"]) for p in r.json()["parameters"]] == [
        ("dibao.standard.urban", "800.00"),
        ("dibao.standard.rural", "650.00"),
    ]
    assert r.json()["recalculation"]["households"] >= 1
    assert r.json()["recalculation"]["adjusted"] >= 1
    policy_events = [
        n
        for n in client.app.state.services.casework.recorder.select_notifications(before + 1, 100)  # type: ignore[attr-defined]
        if "Policy" in n.topic
    ]
    assert len(policy_events) == 2
    assert policy_events[0].id + 1 == policy_events[1].id
    assert client.app.state.services.recalculation.follow() == []  # type: ignore[attr-defined]
    household = client.app.state.services.casework.get_household(UUID(h["household_id"]))  # type: ignore[attr-defined]
    assert household.enrolment(UUID(eid)).amount_on(date(2025, 1, 1)) == Decimal("1200.00")
    assert in_force(client, auth("admin"), "2025-01-01")["dibao.standard.rural"]["value"] == "650.00"


def test_a_bad_item_refuses_the_whole_batch_and_names_its_index(client: TestClient, auth: Auth) -> None:
    before = store_position(client)
    items = [new_value(), new_value(name="dibao.standard.rural"), new_value(value="1.234")]
    r = client.post(BATCH, json={"items": items}, headers=auth("admin"))
    body = assert_problem(r, 422, "invalid-value", field="items.2.value", rule="money-cents")
    assert body["errors"][0]["message"].startswith("item 2: ")
    assert store_position(client) == before
    assert in_force(client, auth("admin"), "2025-01-01")["dibao.standard.urban"]["value"] == "780.00"


def test_a_malformed_item_is_named_by_its_index(client: TestClient, auth: Auth) -> None:
    items = [new_value(), new_value(reason="")]
    r = client.post(BATCH, json={"items": items}, headers=auth("admin"))
    assert_problem(r, 422, "validation-error", field="items.1.reason", rule="string_too_short")
    assert_problem(client.post(BATCH, json={"items": []}, headers=auth("admin")), 422, "validation-error")


def test_confirmations_in_a_batch_all_or_none(client: TestClient, auth: Auth) -> None:
    admin = auth("admin", jurisdiction="43")
    before = store_position(client)
    bad = [confirmation(), confirmation(name="dibao.public_notice_days", jurisdiction="430112")]
    r = client.post(CONFIRMATIONS, json={"items": bad}, headers=admin)
    assert_problem(r, 422, "invalid-value", field="items.1.name", rule="series-known")
    assert store_position(client) == before
    good = [confirmation(), confirmation(name="dibao.public_notice_days", jurisdiction="43")]
    r = client.post(CONFIRMATIONS, json={"items": good}, headers=admin)
    assert r.status_code == 201, r.text
    assert len(r.json()["items"]) == 2
    policy = client.app.state.services.casework.policy()  # type: ignore[attr-defined]
    assert policy.confirmed[("dibao.public_notice_days", "43")] == date(2027, 12, 31)


def test_province_and_city_admins_set_values_for_their_prefix(client: TestClient, auth: Auth) -> None:
    """An admin of 43 sets the province's value and a district's; an admin of 4301 the city's; a district's
    admin cannot set the province's value (403, naming the jurisdiction), and nothing is recorded."""
    province, city = auth("admin", jurisdiction="43"), auth("admin", jurisdiction="4301")
    for headers, jurisdiction in [(province, "43"), (province, "430112"), (city, "4301")]:
        body = new_value(name="dibao.gradual_exit_months", value=3, jurisdiction=jurisdiction)
        r = client.post(f"{API}/policy/parameters", json=body, headers=headers)
        assert r.status_code == 201, r.text
    before = store_position(client)
    r = client.post(f"{API}/policy/parameters", json=new_value(jurisdiction="43"), headers=auth("admin"))
    body = assert_problem(r, 403, "forbidden-jurisdiction", field="jurisdiction", rule="jurisdiction")
    assert "None" not in r.text, body
    assert store_position(client) == before


def test_reading_a_prefix_within_ones_jurisdiction(client: TestClient, auth: Auth) -> None:
    """``?division=34`` for an admin of 34 answers (nothing set there); ``?division=43`` shows the province's."""
    r = client.get(f"{API}/policy/parameters", params={"division": "34"}, headers=auth("admin", jurisdiction="34"))
    assert r.status_code == 200, r.text
    assert r.json()["parameters"] == []
    province = in_force(client, auth("admin", jurisdiction="43"), "2024-07-01", division="43")
    assert province["dibao.standard.urban"]["value"] == "700.00"
    assert province["dibao.standard.urban"]["jurisdiction"] == "43"


def test_readiness_of_the_seeded_district_names_the_days_past_the_confirmation(client: TestClient, auth: Auth) -> None:
    """Seeded series are confirmed to 2026-12-31: asked through 2027-03-31, every one is unconfirmed from
    2027-01-01, none missing; the urban standard shows both values in force, each from the district."""
    r = client.get(
        READINESS,
        params={"division": "430112001001", "from": "2024-01-01", "to": "2027-03-31"},
        headers=auth("caseworker"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["from"], body["to"], body["ready"], body["missing"]) == ("2024-01-01", "2027-03-31", False, [])
    urban = next(p for p in body["parameters"] if p["name"] == "dibao.standard.urban")
    assert [(v["value"], v["during"]["from"], v["during"]["to"], v["jurisdiction"]) for v in urban["in_force"]] == [
        ("750.00", "2024-01-01", "2024-06-30", "430112"),
        ("780.00", "2024-07-01", "2027-03-31", "430112"),
    ]
    assert urban["unconfirmed"] == [
        {
            "during": {"from": "2027-01-01", "to": "2027-03-31"},
            "jurisdiction": "430112",
            "confirmed_until": "2026-12-31",
        }
    ]
    assert urban["description"]
    assert urban["national_legal_basis"]
    assert urban["kind"] == "amount"
    notice = next(p for p in body["parameters"] if p["name"] == "dibao.public_notice_days")
    assert notice["in_force"][0]["jurisdiction"] == "43"  # inherited from the province
    ready = client.get(
        READINESS, params={"division": "430112", "from": "2025-01-01", "to": "2025-12-31"}, headers=auth("caseworker")
    )
    assert ready.json()["ready"] is True


def test_readiness_refuses_a_backwards_period(client: TestClient, auth: Auth) -> None:
    r = client.get(
        READINESS, params={"division": "43", "from": "2025-01-01", "to": "2024-01-01"}, headers=auth("admin")
    )
    assert_problem(r, 422, "invalid-value", field="to", rule="period")


def test_readiness_takes_months_too(client: TestClient, auth: Auth) -> None:
    """``from=2024-01&to=2024-06`` (as the statistics take them) is 2024-01-01 to 2024-06-30."""
    params = {"division": "430112", "from": "2024-01", "to": "2024-06"}
    r = client.get(READINESS, params=params, headers=auth("analyst"))
    assert r.status_code == 200, r.text
    assert (r.json()["from"], r.json()["to"]) == ("2024-01-01", "2024-06-30")
    bad = client.get(READINESS, params={**params, "to": "2024-13-01"}, headers=auth("analyst"))
    assert_problem(bad, 422, "invalid-value", field="to", rule="date")
