"""The DCI lookups answer other agencies in the standard's envelope: by ID number, with programme, status,
dates and benefit; nothing more; unknown people get the not-found answer; every lookup is logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from tests.api.conftest import API_BACKENDS
from tests.dci.conftest import (
    CALLBACK_HEADER,
    ENROLLED,
    ENROLLED_MESSAGE,
    ENROLLED_REQUEST,
    HTTP_ERROR,
    MEDICAL,
    SEARCH,
    SEARCH_REQUEST,
    SEARCH_RESPONSE,
    enrolled_body,
    schema_errors,
    search_body,
    search_item,
)
from tests.support import TODAY, id_number

#: The seed's urban dibao standard of district 430112, yuan per person per month, by the date it applies from.
URBAN_STANDARD = {date(2024, 1, 1): Decimal("750.00"), date(2024, 7, 1): Decimal("780.00")}


def dibao_oracle(on: date, monthly_income: Decimal, persons: int) -> Decimal:
    """(standard in force − income per person) × persons: the dibao of a household all of whose members are covered."""
    standard = next(v for d, v in sorted(URBAN_STANDARD.items(), reverse=True) if d <= on)
    return ((standard - monthly_income / persons) * persons).quantize(Decimal("0.01"))


def post(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    request_schema = SEARCH_REQUEST if path == SEARCH else ENROLLED_REQUEST
    assert schema_errors(body, request_schema) == [], "the test's own request breaks the standard"
    r = client.post(path, json=body, headers=headers)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    if path == SEARCH:
        assert schema_errors(answer, SEARCH_RESPONSE) == []
    else:
        assert schema_errors(answer["message"], ENROLLED_MESSAGE) == []
        assert schema_errors(answer["header"], CALLBACK_HEADER) == []
    return answer


def test_search_answers_programme_status_dates_and_benefit(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    head = on_dibao["body"]["members"][0]
    answer = post(dci_client, SEARCH, search_body(search_item(head["id_number"])), bearer())
    assert answer["header"]["status"] == "succ"
    assert answer["header"]["action"] == "on-search"
    assert answer["message"]["transaction_id"] == "T-0001"
    [item] = answer["message"]["search_response"]
    assert item["reference_id"] == "ref-1"
    assert item["status"] == "succ"
    assert item["pagination"] == {"page_size": 20, "page_number": 1, "total_count": 1}
    [record] = item["data"]["reg_records"]
    member = record["member"]
    assert member["member_identifier"] == [{"identifier_type": "NID", "identifier_value": head["id_number"]}]
    assert member["relationship_head"] == "head"
    assert member["demographic_info"]["person"]["birth_date"] == "1985-03-01"
    programme = record["programme_identifier"]
    assert programme["programme"]["programme_identifier"] == "dibao"
    assert programme["enrolment_status"] == "Active"
    assert programme["enrolment_date"] == on_dibao["enrolment"]["benefits_from"]
    assert programme["status_change_date"] == "2024-02-01"  # the approval
    expected = dibao_oracle(TODAY, Decimal("1200.00"), 3)
    assert expected == Decimal("1140.00")
    assert programme["benefits"] == {
        "benefit_type": "Cash",
        "benefit_date": "2025-06-01",
        "benefit_value": f"CNY {expected}",
        "benefit_frequency": "Monthly",
    }


def test_search_reveals_no_more_than_the_standard_fields(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    body = on_dibao["body"]
    child = body["members"][2]
    r = dci_client.post(SEARCH, json=search_body(search_item(child["id_number"])), headers=bearer())
    text = r.text
    for member in body["members"]:
        assert member["name"] not in text
    others = [m["id_number"] for m in body["members"] if m is not child]
    assert not any(n in text for n in others), "another member's ID number was answered"
    assert body["address"] not in text
    assert on_dibao["household_id"] not in text
    [record] = r.json()["message"]["search_response"][0]["data"]["reg_records"]
    assert set(record) == {"@type", "member", "programme_identifier"}
    assert set(record["member"]) == {"member_identifier", "demographic_info", "relationship_head"}
    assert set(record["member"]["demographic_info"]["person"]) == {"identifier", "sex", "birth_date"}


def test_unknown_person_gets_the_not_found_answer_and_a_batch_is_answered_item_by_item(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    head = on_dibao["body"]["members"][0]["id_number"]
    stranger = id_number(date(1990, 1, 1))
    bad = head[:-1] + ("0" if head[-1] != "0" else "1")  # the check digit broken
    items = [search_item(stranger, "r1"), search_item(bad, "r2"), search_item(head, "r3"), search_item(head, "r3")]
    answer = post(dci_client, SEARCH, search_body(*items), bearer())
    unknown, invalid, found, repeated = answer["message"]["search_response"]
    assert unknown["status"] == "succ"
    assert unknown["data"]["reg_records"] == []
    assert unknown["pagination"]["total_count"] == 0
    assert unknown["status_reason_message"].startswith("err.request.not_found")
    assert invalid["status"] == "rjct"
    assert invalid["status_reason_code"] == "rjct.search_criteria.invalid"
    assert found["status"] == "succ"
    assert len(found["data"]["reg_records"]) == 1
    assert repeated["status"] == "rjct"
    assert repeated["status_reason_code"] == "rjct.reference_id.duplicate"


def test_outside_the_clients_jurisdiction_is_not_found(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    head = on_dibao["body"]["members"][0]["id_number"]
    elsewhere = bearer(jurisdiction="430104")
    [item] = post(dci_client, SEARCH, search_body(search_item(head)), elsewhere)["message"]["search_response"]
    assert item["data"]["reg_records"] == []
    assert item["pagination"]["total_count"] == 0


def test_pages_of_records(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    head = on_dibao["body"]["members"][0]["id_number"]
    second_page = search_item(head, pagination={"page_size": 1, "page_number": 2})
    [item] = post(dci_client, SEARCH, search_body(second_page), bearer())["message"]["search_response"]
    assert item["data"]["reg_records"] == []
    assert item["pagination"] == {"page_size": 1, "page_number": 2, "total_count": 1}


def test_enrolled_answers_whether_a_person_is_in_a_programme(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    spouse = on_dibao["body"]["members"][1]["id_number"]
    in_dibao = {"person_identifier": {"eq": spouse}, "programme_identifier": {"eq": "dibao"}}
    [item] = post(dci_client, ENROLLED, enrolled_body(in_dibao), bearer())["message"]["search_response"]
    [record] = item["data"]["reg_records"]
    assert record["programme_identifier"]["programme"]["programme_identifier"] == "dibao"
    assert record["programme_identifier"]["enrolment_status"] == "Active"
    in_tekun = {"person_identifier": {"eq": spouse}, "programme_identifier": {"eq": "tekun"}}
    [item] = post(dci_client, ENROLLED, enrolled_body(in_tekun), bearer())["message"]["search_response"]
    assert item["data"]["reg_records"] == []
    assert item["status_reason_message"].startswith("err.request.not_found")
    expression = {"attribute_name": "person_identifier", "operator": "eq", "attribute_value": spouse}
    [item] = post(dci_client, ENROLLED, enrolled_body(expression), bearer())["message"]["search_response"]
    assert [r["programme_identifier"]["programme"]["programme_identifier"] for r in item["data"]["reg_records"]] == [
        "dibao"
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"attribute_name": "surname", "operator": "eq", "attribute_value": "王"},
        {"person_identifier": {"eq": "110101199003070000"}, "programme_identifier": {"eq": ["dibao"]}},
        {"person_identifier": {"eq": "110101199003070000"}, "programme_identifier": {"eq": "housing"}},
        {"person_identifier": {"in": ["110101199003070000"]}},
        {"person_identifier": {"eq": 110101199003070000}},
    ],
)
def test_enrolled_with_criteria_it_cannot_answer_is_rejected(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], query: dict[str, Any]
) -> None:
    [item] = post(dci_client, ENROLLED, enrolled_body(query), bearer())["message"]["search_response"]
    assert item["status"] == "rjct"
    assert item["status_reason_code"] == "rjct.search_criteria.invalid"


def test_a_search_by_another_identifier_or_query_type_is_rejected(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    by_mobile = search_item("13800000000", "m")
    by_mobile["search_criteria"]["query"]["type"] = "MOBILE"
    expression = search_item("x", "e")
    expression["search_criteria"]["query_type"] = "expression"
    answer = post(dci_client, SEARCH, search_body(by_mobile, expression), bearer())
    items = answer["message"]["search_response"]
    assert [i["status_reason_code"] for i in items] == ["rjct.search_criteria.invalid"] * 2
    listed = search_item("x", "l")  # outside the standard (type is a string there), still answered item by item
    listed["search_criteria"]["query"]["type"] = ["NID"]
    r = dci_client.post(SEARCH, json=search_body(listed), headers=bearer())
    assert r.status_code == 200, r.text
    assert r.json()["message"]["search_response"][0]["status_reason_code"] == "rjct.search_criteria.invalid"


@pytest.mark.parametrize("dci_client", API_BACKENDS, indirect=True)
def test_every_lookup_is_logged_with_client_purpose_and_a_keyed_hash(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    head = on_dibao["body"]["members"][0]["id_number"]
    stranger = id_number(date(1991, 2, 2))
    r = dci_client.post(SEARCH, json=search_body(search_item(head, "a"), search_item(stranger, "b")), headers=bearer())
    assert r.status_code == 200, r.text
    ledger = dci_client.app.state.services.casework.ledger  # type: ignore[attr-defined]
    entries = list(reversed(ledger.select_access(user_id=MEDICAL)))
    assert [e.household_id for e in entries] == [on_dibao["household_id"], "-"]
    hit, miss = entries
    assert hit.role == "agency"
    assert hit.request_id == r.headers["X-Request-ID"]
    assert "望城区医疗保障局" in hit.purpose
    assert "医疗救助对象身份核对" in hit.purpose
    assert "1 record(s) answered" in hit.purpose
    assert "0 record(s) answered" in miss.purpose
    assert "person " in hit.purpose
    assert head not in hit.purpose
    assert stranger not in miss.purpose
    assert hit.purpose.split("person ")[1].split(";")[0] != miss.purpose.split("person ")[1].split(";")[0]


def test_a_client_sees_only_the_programmes_it_is_registered_for(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    """The registry's programmes narrow the answer: a client registered for tekun only (a registry of the test's
    own) is told nothing of a dibao enrolment."""
    from infrastructure.agencies import parse_registry

    services = dci_client.app.state.services  # type: ignore[attr-defined]
    services.agencies = parse_registry("care-home:\n  agency: 敬老院\n  purpose: 入住核对\n  programmes: [tekun]\n")
    head = on_dibao["body"]["members"][0]["id_number"]
    answer = post(dci_client, SEARCH, search_body(search_item(head)), bearer(user="care-home"))
    assert answer["message"]["search_response"][0]["data"]["reg_records"] == []
    assert Role.AGENCY.value == "agency"


def test_the_standards_schemas_refuse_what_breaks_them(
    dci_client: TestClient, bearer: Callable[..., dict[str, str]], on_dibao: dict[str, Any]
) -> None:
    """The validation above is not vacuous: the same answer, broken in ways the standard forbids, is refused."""
    head = on_dibao["body"]["members"][0]["id_number"]
    answer = post(dci_client, SEARCH, search_body(search_item(head)), bearer())
    no_status = {**answer, "header": {k: v for k, v in answer["header"].items() if k != "status"}}
    assert schema_errors(no_status, SEARCH_RESPONSE)
    item = answer["message"]["search_response"][0]
    odd_status = {**answer, "message": {**answer["message"], "search_response": [{**item, "status": "found"}]}}
    assert schema_errors(odd_status, SEARCH_RESPONSE)
    no_records = {**answer, "message": {**answer["message"], "search_response": [{**item, "data": {}}]}}
    assert schema_errors(no_records, SEARCH_RESPONSE)
    assert schema_errors({"errors": [{"code": 401, "message": "no"}]}, HTTP_ERROR)
