"""A value of the wrong JSON type gets a 422 problem naming the field, never a silent coercion.

Dates are JSON strings ``YYYY-MM-DD``, booleans only ``true``/``false``, integers only JSON integers,
enums only their string values, UUIDs strings; money a decimal string or a JSON number, never a boolean.
Each refused write leaves the store as it was: no household created, the household's ETag unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from api.schemas import RecordCircumstances
from tests.api.helpers import (
    API,
    approved_enrolment,
    assert_problem,
    etag,
    filed_application,
    household_path,
    household_with_income,
    person_ids,
    register,
    registration,
    reviewed_application,
    store_position,
)
from tests.support import member_json

Auth = Callable[..., dict[str, str]]
Body = dict[str, Any]
V = "validation-error"
TIMESTAMP = 1736035200  # 2025-01-05T00:00:00Z as seconds since the epoch: not a date


def refused(r: Any, field: str, rule: str) -> None:
    """A 422 validation problem whose one error names the field and the rule."""
    body = assert_problem(r, 422, V, field=field, rule=rule)
    assert len(body["errors"]) == 1, body
    assert field in body["detail"]


# ---------------------------------------------------------------- registration: nothing is created


def refused_registration(client: TestClient, auth: Auth, body: Body, field: str, rule: str) -> None:
    """POST the registration body; it is refused naming field and rule, and no household is created."""
    before = store_position(client)
    r = client.post(f"{API}/households", json=body, headers=auth("caseworker", user="cw-1"))
    refused(r, field, rule)
    assert store_position(client) == before


def with_member(index: int = 0, **changes: Any) -> Body:
    body = registration()
    body["members"][index].update(changes)
    return body


def test_registration_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """registered_on as a Unix timestamp (a JSON integer) is refused, not read as 2025-01-05."""
    refused_registration(client, auth, registration(registered_on=TIMESTAMP), "registered_on", "date_type")


def test_registration_date_as_float_is_refused(client: TestClient, auth: Auth) -> None:
    """registered_on as a JSON number with a fraction is refused."""
    refused_registration(client, auth, registration(registered_on=1736035200.0), "registered_on", "date_type")


def test_registration_date_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """registered_on as true is refused."""
    refused_registration(client, auth, registration(registered_on=True), "registered_on", "date_type")


def test_registration_date_as_timestamp_string_is_refused(client: TestClient, auth: Auth) -> None:
    """registered_on as the string "1736035200" is refused: a date is written YYYY-MM-DD."""
    refused_registration(client, auth, registration(registered_on=str(TIMESTAMP)), "registered_on", "date_parsing")


def test_registration_date_as_datetime_string_is_refused(client: TestClient, auth: Auth) -> None:
    """registered_on as a datetime "2024-01-10T00:00:00" is refused: a date is written YYYY-MM-DD."""
    body = registration(registered_on="2024-01-10T00:00:00")
    refused_registration(client, auth, body, "registered_on", "date_parsing")


def test_member_boolean_as_yes_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].support_duty "yes" is refused, not read as true."""
    body = with_member(support_duty="yes")
    refused_registration(client, auth, body, "members.0.support_duty", "bool_type")


def test_member_boolean_as_string_false_is_refused(client: TestClient, auth: Auth) -> None:
    """members[1].seriously_ill "false" is refused, not read as false."""
    body = with_member(1, seriously_ill="false")
    refused_registration(client, auth, body, "members.1.seriously_ill", "bool_type")


def test_member_boolean_as_zero_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].resident 0 is refused, not read as false."""
    refused_registration(client, auth, with_member(resident=0), "members.0.resident", "bool_type")


def test_member_boolean_as_one_is_refused(client: TestClient, auth: Auth) -> None:
    """members[2].resident 1 is refused, not read as true."""
    refused_registration(client, auth, with_member(2, resident=1), "members.2.resident", "bool_type")


def test_disability_grade_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].disability.grade "1" is refused, not read as 1."""
    body = with_member(disability={"kind": "physical", "grade": "1"})
    refused_registration(client, auth, body, "members.0.disability.grade", "int_type")


def test_disability_grade_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].disability.grade true is refused, not read as 1."""
    body = with_member(disability={"kind": "physical", "grade": True})
    refused_registration(client, auth, body, "members.0.disability.grade", "int_type")


def test_disability_grade_as_float_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].disability.grade 1.0 is refused: an integer is a JSON integer."""
    body = with_member(disability={"kind": "physical", "grade": 1.0})
    refused_registration(client, auth, body, "members.0.disability.grade", "int_type")


def test_disability_kind_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].disability.kind 1 is refused: an enum is one of its string values."""
    body = with_member(disability={"kind": 1, "grade": 2})
    refused_registration(client, auth, body, "members.0.disability.kind", "enum")


def test_disability_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].disability as a string instead of an object is refused."""
    refused_registration(
        client, auth, with_member(disability="physical"), "members.0.disability", "model_attributes_type"
    )


def test_member_relation_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].relation 0 is refused."""
    refused_registration(client, auth, with_member(relation=0), "members.0.relation", "enum")


def test_area_type_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """area_type true is refused."""
    refused_registration(client, auth, registration(area_type=True), "area_type", "enum")


def test_member_name_as_number_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].name 12345 is refused, not read as "12345"."""
    refused_registration(client, auth, with_member(name=12345), "members.0.name", "string_type")


def test_id_number_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """members[0].id_number as a JSON integer (its 18 digits) is refused."""
    body = with_member(id_number=430112198503011231)
    refused_registration(client, auth, body, "members.0.id_number", "string_type")


def test_division_code_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """division_code 430112001001 as a JSON integer is refused."""
    refused_registration(client, auth, registration(division_code=430112001001), "division_code", "string_type")


def test_address_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """address true is refused."""
    refused_registration(client, auth, registration(address=True), "address", "string_type")


def test_members_as_object_is_refused(client: TestClient, auth: Auth) -> None:
    """members as an object keyed by index instead of an array is refused."""
    members = registration()["members"]
    body = registration(members={str(i): m for i, m in enumerate(members)})
    refused_registration(client, auth, body, "members", "list_type")


# ---------------------------------------------------------------- writes to a household: its ETag is unchanged


def refused_write(
    client: TestClient, cw: dict[str, str], hid: str, method: str, suffix: str, body: Body, field: str, rule: str
) -> None:
    """The write is refused naming field and rule; the household stays at its version and nothing is stored."""
    path = household_path(hid)
    version = etag(client.get(path, headers=cw))
    before = store_position(client)
    r = client.request(method, f"{path}/{suffix}", json=body, headers=cw)
    refused(r, field, rule)
    assert etag(client.get(path, headers=cw)) == version
    assert store_position(client) == before


def declaring(client: TestClient, auth: Auth, body: Body, field: str, rule: str) -> None:
    """PUT circumstances with ``body`` (effective 2024-02-01 unless it says) on a household at version 2."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    refused_write(
        client, cw, h["household_id"], "PUT", "circumstances", {"effective_on": "2024-02-01", **body}, field, rule
    )


def wages(h: Body, amount: Any) -> list[Body]:
    return [{"person_id": person_ids(h)[0], "kind": "wages", "monthly_amount": amount}]


def test_circumstances_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """effective_on 20240201 (a JSON integer) on a declaration is refused."""
    declaring(client, auth, {"effective_on": 20240201}, "effective_on", "date_type")


def test_income_money_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """incomes[0].monthly_amount true is refused."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "incomes": wages(h, True)}
    refused_write(
        client, cw, h["household_id"], "PUT", "circumstances", body, "incomes.0.monthly_amount", "money-decimal"
    )


def test_income_money_as_object_is_refused(client: TestClient, auth: Auth) -> None:
    """incomes[0].monthly_amount {"amount": "100.00"} is refused."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "incomes": wages(h, {"amount": "100.00"})}
    refused_write(
        client, cw, h["household_id"], "PUT", "circumstances", body, "incomes.0.monthly_amount", "money-decimal"
    )


def test_income_person_id_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """incomes[0].person_id 42 is refused: a UUID is a string."""
    item = {"person_id": 42, "kind": "wages", "monthly_amount": "100.00"}
    declaring(client, auth, {"incomes": [item]}, "incomes.0.person_id", "uuid_type")


def test_income_kind_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """incomes[0].kind 1 is refused."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    item = {**wages(h, "100.00")[0], "kind": 1}
    body = {"effective_on": "2024-02-01", "incomes": [item]}
    refused_write(client, cw, h["household_id"], "PUT", "circumstances", body, "incomes.0.kind", "enum")


def test_cost_money_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """costs[0].monthly_amount false is refused."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    cost = {"person_id": person_ids(h)[0], "kind": "medical", "monthly_amount": False}
    body = {"effective_on": "2024-02-01", "costs": [cost]}
    refused_write(
        client, cw, h["household_id"], "PUT", "circumstances", body, "costs.0.monthly_amount", "money-decimal"
    )


def test_asset_money_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """assets.financial true is refused."""
    declaring(client, auth, {"assets": {"financial": True}}, "assets.financial", "money-decimal")


def test_dwellings_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """assets.dwellings "1" is refused, not read as 1."""
    declaring(client, auth, {"assets": {"dwellings": "1"}}, "assets.dwellings", "int_type")


def test_dwellings_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """assets.dwellings true is refused, not read as 1."""
    declaring(client, auth, {"assets": {"dwellings": True}}, "assets.dwellings", "int_type")


def test_dwellings_as_float_is_refused(client: TestClient, auth: Auth) -> None:
    """assets.dwellings 1.0 is refused: an integer is a JSON integer."""
    declaring(client, auth, {"assets": {"dwellings": 1.0}}, "assets.dwellings", "int_type")


def test_incomes_as_object_is_refused(client: TestClient, auth: Auth) -> None:
    """incomes as a single object instead of an array is refused."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "incomes": wages(h, "100.00")[0]}
    refused_write(client, cw, h["household_id"], "PUT", "circumstances", body, "incomes", "list_type")


def test_money_as_json_number_is_accepted(client: TestClient, auth: Auth) -> None:
    """Money may be a JSON number (judged by its written form): 1200.5 is stored as 1200.50, 300 as 300.00."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "incomes": wages(h, 1200.5), "assets": {"financial": 300}}
    r = client.put(f"{household_path(h['household_id'])}/circumstances", json=body, headers=cw)
    assert r.status_code == 200, r.text
    assert etag(r) == 3
    parsed = RecordCircumstances.model_validate(body)  # the body as the endpoint read it
    assert (parsed.incomes[0].monthly_amount, parsed.assets.financial) == (Decimal("1200.50"), Decimal("300.00"))


# ---------------------------------------------------------------- members: addition, change, removal


def adding(client: TestClient, auth: Auth, change: Callable[[Body], None], field: str, rule: str) -> None:
    """POST members with a new child (moved in 2024-02-01), changed by ``change``, on a household at version 2."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "cause": "moved_in", "member": member_json("child", date(2018, 4, 1))}
    change(body)
    refused_write(client, cw, h["household_id"], "POST", "members", body, field, rule)


def test_new_member_boolean_as_yes_is_refused(client: TestClient, auth: Auth) -> None:
    """member.support_duty "yes" on a member addition is refused."""
    adding(client, auth, lambda b: b["member"].update(support_duty="yes"), "member.support_duty", "bool_type")


def test_new_member_boolean_as_zero_is_refused(client: TestClient, auth: Auth) -> None:
    """member.resident 0 on a member addition is refused."""
    adding(client, auth, lambda b: b["member"].update(resident=0), "member.resident", "bool_type")


def test_new_member_disability_grade_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """member.disability.grade "1" on a member addition is refused."""
    disability = {"kind": "intellectual", "grade": "1"}
    adding(client, auth, lambda b: b["member"].update(disability=disability), "member.disability.grade", "int_type")


def test_addition_cause_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """cause 1 on a member addition is refused."""
    adding(client, auth, lambda b: b.update(cause=1), "cause", "enum")


def test_addition_date_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """effective_on true on a member addition is refused."""
    adding(client, auth, lambda b: b.update(effective_on=True), "effective_on", "date_type")


def changing(client: TestClient, auth: Auth, changes: Body, field: str, rule: str) -> None:
    """PATCH the spouse with ``changes`` (effective 2024-02-01 unless they say) on a household at version 2."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", **changes}
    refused_write(client, cw, h["household_id"], "PATCH", f"members/{person_ids(h)[1]}", body, field, rule)


def test_member_change_boolean_as_yes_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member support_duty "yes" is refused."""
    changing(client, auth, {"support_duty": "yes"}, "support_duty", "bool_type")


def test_member_change_boolean_as_one_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member resident 1 is refused."""
    changing(client, auth, {"resident": 1}, "resident", "bool_type")


def test_member_change_boolean_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member seriously_ill "true" is refused."""
    changing(client, auth, {"seriously_ill": "true"}, "seriously_ill", "bool_type")


def test_member_change_disability_grade_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member disability.grade "2" is refused."""
    changing(client, auth, {"disability": {"kind": "physical", "grade": "2"}}, "disability.grade", "int_type")


def test_member_change_name_as_number_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member name 7 is refused."""
    changing(client, auth, {"name": 7}, "name", "string_type")


def test_member_change_labour_capacity_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member labour_capacity false is refused."""
    changing(client, auth, {"labour_capacity": False}, "labour_capacity", "enum")


def test_member_change_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """PATCH member effective_on as a Unix timestamp is refused."""
    changing(client, auth, {"effective_on": TIMESTAMP, "name": "新名"}, "effective_on", "date_type")


def test_removal_cause_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """A member removal with cause 0 is refused."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "cause": 0}
    refused_write(client, cw, h["household_id"], "POST", f"members/{person_ids(h)[1]}/removal", body, "cause", "enum")


# ---------------------------------------------------------------- applications and decisions


def applying(client: TestClient, auth: Auth, make: Callable[[list[str]], Body], field: str, rule: str) -> None:
    """POST an application built from the members' ids on a household at version 2."""
    cw = auth("caseworker", user="cw-1")
    h = household_with_income(client, cw)
    body = {"effective_on": "2024-02-01", "program": "dibao", **make(person_ids(h))}
    refused_write(client, cw, h["household_id"], "POST", "applications", body, field, rule)


def test_beneficiary_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """beneficiaries[1] 42 is refused: a UUID is a string."""
    applying(client, auth, lambda p: {"beneficiaries": [p[0], 42]}, "beneficiaries.1", "uuid_type")


def test_beneficiaries_as_string_is_refused(client: TestClient, auth: Auth) -> None:
    """beneficiaries as one id string instead of an array is refused."""
    applying(client, auth, lambda p: {"beneficiaries": p[0]}, "beneficiaries", "list_type")


def test_program_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """program 1 is refused."""
    applying(client, auth, lambda p: {"program": 1, "beneficiaries": p}, "program", "enum")


def test_application_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """An application's effective_on as a Unix timestamp is refused."""
    applying(client, auth, lambda p: {"effective_on": TIMESTAMP, "beneficiaries": p}, "effective_on", "date_type")


def test_boolean_term_as_zero_is_refused(client: TestClient, auth: Auth) -> None:
    """terms.has_capable_supporter 0 on a tekun application is refused, not read as false."""
    terms = {"arrangement": "dispersed", "has_capable_supporter": 0}
    body = {"program": "tekun", "terms": terms}
    applying(client, auth, lambda p: {**body, "beneficiaries": p[:1]}, "terms.has_capable_supporter", "term_type")


def test_string_term_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """terms.placement 1 on an orphan application is refused."""
    body = {"program": "orphan", "terms": {"placement": 1}}
    applying(client, auth, lambda p: {**body, "beneficiaries": p[2:]}, "terms.placement", "term_type")


def test_terms_as_array_is_refused(client: TestClient, auth: Auth) -> None:
    """terms as an array instead of an object is refused."""
    body = {"program": "orphan", "terms": ["placement", "community"]}
    applying(client, auth, lambda p: {**body, "beneficiaries": p[2:]}, "terms", "dict_type")


def test_township_review_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """investigated_on as a Unix timestamp on a township review is refused."""
    cw = auth("caseworker", user="cw-1")
    h, eid = filed_application(client, cw)
    hid = h["household_id"]
    body = {"effective_on": "2024-01-25", "investigated_on": TIMESTAMP, "findings": "属实", "opinion": "approve"}
    refused_write(client, cw, hid, "POST", f"enrolments/{eid}/township-review", body, "investigated_on", "date_type")


def test_township_opinion_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """opinion true on a township review is refused, not read as approve."""
    cw = auth("caseworker", user="cw-1")
    h, eid = filed_application(client, cw)
    hid = h["household_id"]
    body = {"effective_on": "2024-01-25", "investigated_on": "2024-01-25", "findings": "属实", "opinion": True}
    refused_write(client, cw, hid, "POST", f"enrolments/{eid}/township-review", body, "opinion", "enum")


def test_approval_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """An approval's effective_on as a Unix timestamp is refused; the enrolment stays reviewed."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h, eid = reviewed_application(client, cw)
    refused_write(
        client,
        ap,
        h["household_id"],
        "POST",
        f"enrolments/{eid}/approval",
        {"effective_on": TIMESTAMP},
        "effective_on",
        "date_type",
    )


def test_rejection_reason_code_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """A rejection's reason_code 17 is refused."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h, eid = reviewed_application(client, cw)
    body = {"effective_on": "2024-01-26", "reason_code": 17, "reason": "收入核实不符"}
    refused_write(
        client, ap, h["household_id"], "POST", f"enrolments/{eid}/rejection", body, "reason_code", "string_type"
    )


def test_correction_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """A payment correction's effective_on as a Unix timestamp is refused."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    h, eid = approved_enrolment(client, cw, ap)
    body = {"effective_on": TIMESTAMP, "reason": "迟报死亡"}
    refused_write(
        client, ap, h["household_id"], "POST", f"enrolments/{eid}/corrections", body, "effective_on", "date_type"
    )


# ---------------------------------------------------------------- care, parents, temporary grants


def test_care_activity_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """unable_activities [1] on a care assessment is refused."""
    cw = auth("caseworker", user="cw-1")
    h = register(client, cw)
    body = {"effective_on": "2024-02-01", "unable_activities": ["eating", 1]}
    suffix = f"members/{person_ids(h)[0]}/care-assessment"
    refused_write(client, cw, h["household_id"], "POST", suffix, body, "unable_activities.1", "string_type")


def test_parent_since_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """father[0].since as a Unix timestamp is refused."""
    cw = auth("caseworker", user="cw-1")
    h = register(client, cw)
    body = {"effective_on": "2024-02-01", "father": [{"situation": "dead", "since": TIMESTAMP}]}
    suffix = f"members/{person_ids(h)[2]}/parents"
    refused_write(client, cw, h["household_id"], "PUT", suffix, body, "father.0.since", "date_type")


def test_parent_situation_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """mother[0].situation true is refused."""
    cw = auth("caseworker", user="cw-1")
    h = register(client, cw)
    body = {"effective_on": "2024-02-01", "mother": [{"situation": True, "since": "2010-01-01"}]}
    suffix = f"members/{person_ids(h)[2]}/parents"
    refused_write(client, cw, h["household_id"], "PUT", suffix, body, "mother.0.situation", "enum")


def grant(**changes: Any) -> Body:
    return {
        "kind": "emergency",
        "level": "township",
        "amount": "500.00",
        "effective_on": "2024-02-01",
        "reason": "火灾",
        **changes,
    }


def test_grant_amount_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """A temporary grant's amount true is refused."""
    cw = auth("caseworker", user="cw-1")
    hid = register(client, cw)["household_id"]
    refused_write(client, cw, hid, "POST", "temporary-assistance", grant(amount=True), "amount", "money-decimal")


def test_grant_level_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """A temporary grant's level 1 is refused."""
    cw = auth("caseworker", user="cw-1")
    hid = register(client, cw)["household_id"]
    refused_write(client, cw, hid, "POST", "temporary-assistance", grant(level=1), "level", "enum")


# ---------------------------------------------------------------- policy: nothing is recorded


def refused_policy(client: TestClient, auth: Auth, suffix: str, body: Body, field: str, rule: str) -> None:
    """POST to the policy endpoint as an admin; refused naming field and rule, nothing recorded."""
    before = store_position(client)
    r = client.post(f"{API}/policy/{suffix}", json=body, headers=auth("admin", user="ad-1", jurisdiction="430112"))
    refused(r, field, rule)
    assert store_position(client) == before


def parameter(**changes: Any) -> Body:
    body = {
        "name": "dibao.gradual_exit_months",
        "jurisdiction": "430112",
        "effective_from": "2025-01-01",
        "value": 6,
        "legal_basis": "长沙市民政局《关于渐退期的通知》(示例)",
        "reason": "渐退期调整",
    }
    return {**body, **changes}


def test_parameter_value_as_boolean_is_refused(client: TestClient, auth: Auth) -> None:
    """A parameter value true is refused, not read as 1."""
    refused_policy(client, auth, "parameters", parameter(value=True), "value", "parameter_value_type")


def test_parameter_value_as_float_is_refused(client: TestClient, auth: Auth) -> None:
    """A count parameter value 6.0 is refused: an integer is a JSON integer."""
    refused_policy(client, auth, "parameters", parameter(value=6.0), "value", "parameter_value_type")


def test_parameter_codes_with_an_integer_are_refused(client: TestClient, auth: Auth) -> None:
    """A list-of-codes parameter value with an integer in it is refused."""
    body = parameter(name="dibao.income.excluded_kinds", value=["honour", 3])
    refused_policy(client, auth, "parameters", body, "value", "parameter_value_type")


def test_parameter_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """A parameter's effective_from as a Unix timestamp is refused."""
    refused_policy(client, auth, "parameters", parameter(effective_from=TIMESTAMP), "effective_from", "date_type")


def test_confirmation_date_as_integer_is_refused(client: TestClient, auth: Auth) -> None:
    """A confirmation's confirmed_until as a Unix timestamp is refused."""
    body = {
        "name": "dibao.standard.urban",
        "jurisdiction": "430112",
        "confirmed_until": TIMESTAMP,
        "reason": "年度确认",
    }
    refused_policy(client, auth, "confirmations", body, "confirmed_until", "date_type")


def test_valid_parameter_and_confirmation_are_accepted(client: TestClient, auth: Auth) -> None:
    """The same bodies with the right JSON types are recorded (the refusals above are about types alone)."""
    admin = auth("admin", user="ad-1", jurisdiction="430112")
    r = client.post(f"{API}/policy/parameters", json=parameter(), headers=admin)
    assert r.status_code == 201, r.text
    body = {
        "name": "dibao.standard.urban",
        "jurisdiction": "430112",
        "confirmed_until": "2025-12-31",
        "reason": "年度确认",
    }
    r = client.post(f"{API}/policy/confirmations", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["confirmed_until"] == "2025-12-31"
