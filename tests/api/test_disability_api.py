"""The two disability subsidies over HTTP, their whole life: a certificate recorded (number masked), the
living and care subsidies applied for, reviewed, approved and paid, a grade change re-pricing both, the
household's dibao ending the living subsidy by itself with its reason, the certificate's expiry on the
worklist and stopping the care subsidy, and the time travel showing each certificate on its dates."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from api.desk.session import COOKIE
from domain.values import Role
from tests.api.helpers import API, PROBLEM_JSON, decide, enrolment_path, etag, family_on_dibao, household_path

Auth = Callable[..., dict[str, str]]
FIRST = "43011220120101123X11"  # a 20-character certificate number: ID number + category + grade
SECOND = "43011220120101123X13"


def certificate(
    client: TestClient, cw: dict[str, str], hid: str, pid: str, **body: Any
) -> Any:  # the response, checked by the caller
    return client.put(f"{household_path(hid)}/members/{pid}/disability-certificate", headers=cw, json=body)


def subsidy(client: TestClient, cw: dict[str, str], ap: dict[str, str], hid: str, pid: str, program: str) -> str:
    """Apply on 2024-02-05, township review 2024-02-06 (no public notice), approval 2024-02-07."""
    body = {"program": program, "beneficiaries": [pid], "effective_on": "2024-02-05"}
    r = client.post(f"{household_path(hid)}/applications", headers=cw, json=body)
    assert r.status_code == 201, r.text
    eid: str = r.json()["enrolment"]["enrolment_id"]
    review = {"investigated_on": "2024-02-06", "findings": "持证属实", "opinion": "approve"}
    r = decide(client, cw, hid, eid, "township-review", "2024-02-06", **review)
    assert r.status_code == 200, r.text
    assert r.json()["enrolment"]["notice_ends"] is None
    r = decide(client, ap, hid, eid, "approval", "2024-02-07")
    assert r.status_code == 200, r.text
    return eid


def payable(client: TestClient, cw: dict[str, str], hid: str, on: str) -> dict[str, Any]:
    """program → (status on the day, amount payable on the day), as the time travel shows them."""
    h = client.get(household_path(hid), headers=cw, params={"effective_on": on}).json()
    return {e["program"]: (e["status_today"], e["amount_payable"]) for e in h["enrolments"]}


def test_the_disability_subsidies_whole_life(client: TestClient, auth: Auth) -> None:
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, people, dibao = family_on_dibao(client, cw, ap)  # dibao approved 2024-02-01, paid from March
    child = people[2]

    # the certificate: grade 1 intellectual, valid to the end of 2024; its number never shown whole
    r = certificate(
        client, cw, hid, child, effective_on="2024-01-10", category="intellectual", grade=1,
        certificate_number=FIRST, issued_on="2023-06-01", valid_until="2024-12-31",
    )  # fmt: skip
    assert r.status_code == 200, r.text
    shown = next(m for m in r.json()["members"] if m["person_id"] == child)["disability_certificate"]
    assert shown == {
        "category": "intellectual",
        "grade": 1,
        "number_masked": "430112**********3X11",
        "issued_on": "2023-06-01",
        "valid_until": "2024-12-31",
    }
    assert FIRST not in r.text
    history = client.get(f"{household_path(hid)}/history", headers=auth("auditor", user="au-1"))
    assert history.status_code == 200
    assert "DisabilityCertified" in history.text
    assert FIRST not in history.text

    living = subsidy(client, cw, ap, hid, child, "disability_living")
    care = subsidy(client, cw, ap, hid, child, "disability_care")
    got = client.get(enrolment_path(hid, care), headers=cw).json()
    assert got["benefits_from"] == "2024-03-01"
    assert got["next_review_due"] == "2024-12-31"  # the certificate's expiry comes before the yearly review
    reasons = [r["code"] for r in got["assessment"]["reasons"]]
    assert reasons == ["CERTIFICATE_VALID", "SEVERE_GRADE", "CARE_AMOUNT"]
    assert "国发〔2015〕52号" in got["assessment"]["reasons"][1]["legal_basis"]
    approval = next(st["decision_id"] for st in got["steps"] if st["status"] == "approved")
    explained = client.get(f"{household_path(hid)}/decisions/{approval}", headers=cw).json()
    assert explained["event"] == "ApplicationApproved"
    assert explained["recomputation"]["reproduced"] is True
    assert [r["code"] for r in explained["assessment"]["reasons"]] == reasons
    assert FIRST not in str(explained)

    # grade 1: living 100.00, care 120.00 (the district's parameters)
    assert payable(client, cw, hid, "2024-03-01") == {
        "dibao": ("active", "1050.00"),
        "disability_living": ("active", "100.00"),
        "disability_care": ("active", "120.00"),
    }

    # a grade change on 2024-05-10 (a new certificate): from June both pay the grade-3 amounts, 80.00 each
    # (grade 3 intellectual reaches the care subsidy where the parameter names the category, as here)
    r = certificate(
        client, cw, hid, child, effective_on="2024-05-10", category="intellectual", grade=3,
        certificate_number=SECOND, issued_on="2024-05-10", valid_until="2025-05-09", reason="复评为三级",
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert payable(client, cw, hid, "2024-05-01")["disability_care"] == ("active", "120.00")
    assert payable(client, cw, hid, "2024-06-01")["disability_care"] == ("active", "80.00")
    assert payable(client, cw, hid, "2024-06-01")["disability_living"] == ("active", "80.00")

    # time travel: each certificate on its own dates
    for on, grade in (("2024-05-09", 1), ("2024-05-10", 3)):
        h = client.get(household_path(hid), headers=cw, params={"effective_on": on}).json()
        member = next(m for m in h["members"] if m["person_id"] == child)
        assert member["disability_certificate"]["grade"] == grade

    # the payroll pays all three in July
    assert client.post(f"{API}/payroll/2024-07", headers=ap).status_code == 200
    stats = client.get(f"{API}/statistics?from=2024-07&to=2024-07", headers=ap).json()
    assert stats["payments_by_program"]["disability_living"]["funds"] == "80.00"
    assert stats["payments_by_program"]["disability_care"]["funds"] == "80.00"
    july = {"households": 1, "persons": 1, "new_persons": 0, "person_months": 1, "funds": "80.00", "funds_wan": "0.01"}
    for program in ("disability_living", "disability_care"):  # grade 3 intellectual since June
        assert stats["disability"][program] == {"by_grade": {"3": july}, "by_category": {"intellectual": july}}
    assert client.post(f"{API}/payroll/2024-03", headers=ap).status_code == 200
    march = client.get(f"{API}/statistics?from=2024-03&to=2024-03", headers=ap).json()["disability"]["disability_care"]
    assert march["by_grade"] == {
        "1": {
            "households": 1,
            "persons": 1,
            "new_persons": 1,
            "person_months": 1,
            "funds": "120.00",
            "funds_wan": "0.01",
        }
    }
    r = client.get(f"{API}/statistics?from=2024-07&to=2024-07&format=xlsx", headers=ap)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))["残疾人两项补贴"]
    lines = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert ("重度残疾人护理补贴", "残疾等级", "3级", 1, 0, 1, 0.01) in lines
    assert ("困难残疾人生活补贴", "残疾类别", "智力", 1, 0, 1, 0.01) in lines
    tokens = client.app.state.services.tokens  # type: ignore[attr-defined]
    client.cookies.set(COOKIE, tokens.issue("ap-desk", Role.APPROVER, "430112"))
    page = client.get("/desk/statistics", params={"from": "2024-07", "to": "2024-07"}).text
    client.cookies.clear()
    assert '<table id="disability_care">' in page
    assert "重度残疾人护理补贴" in page
    assert "<tr><th>3级</th>" in page
    assert "<tr><th>智力</th>" in page
    hidden = client.get(f"{API}/statistics?from=2024-07&to=2024-07", headers=auth("analyst", user="an-1")).json()
    assert hidden["disability"]["disability_care"]["by_grade"]["3"]["suppressed"] is True  # one household
    assert hidden["disability"]["disability_care"]["by_grade"]["3"]["funds"] is None

    # the household leaves dibao (decided 2024-10-15, from November): the living subsidy ends by itself with
    # it, saying why
    version = etag(client.get(household_path(hid), headers=cw))
    r = client.post(
        f"{dibao}/termination",
        headers={**ap, "If-Match": f'"{version}"'},
        json={"effective_on": "2024-10-15", "reason_code": "INCOME_ABOVE", "reason": "收入超过标准"},
    )
    assert r.status_code == 200, r.text
    ended = client.get(enrolment_path(hid, living), headers=cw).json()
    assert ended["status"] == "terminated"
    assert ended["steps"][-1]["effective_on"] == "2024-11-01"
    history = client.get(f"{household_path(hid)}/history", headers=auth("auditor", user="au-1")).text
    assert "DIBAO_ENDED" in history
    assert "家庭退出低保" in history
    assert payable(client, cw, hid, "2024-11-01") == {
        "dibao": ("terminated", "0.00"),
        "disability_living": ("terminated", "0.00"),
        "disability_care": ("active", "80.00"),  # the care subsidy does not ask for dibao
    }

    # the care subsidy's review at the first certificate's expiry is on the worklist (overdue by 2025-06-01)
    items = client.get(f"{API}/worklist", headers=cw).json()["items"]
    assert any(i["enrolment_id"] == care and i["kind"] == "review_overdue" for i in items)

    # the second certificate lapses on 2025-05-09: May is paid, June is not (no renewal recorded)
    assert payable(client, cw, hid, "2025-05-01")["disability_care"] == ("active", "80.00")
    assert payable(client, cw, hid, "2025-06-01")["disability_care"] == ("active", "0.00")


def test_a_certificate_that_ends_before_it_begins_is_a_problem_and_writes_nothing(
    client: TestClient, auth: Auth
) -> None:
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, people, _ = family_on_dibao(client, cw, ap)
    version = etag(client.get(household_path(hid), headers=cw))
    r = certificate(
        client, cw, hid, people[0], effective_on="2024-02-01", category="physical", grade=2,
        certificate_number=FIRST, issued_on="2024-02-01", valid_until="2024-01-31",
    )  # fmt: skip
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.json()["errors"][0]["field"] == "valid_until"
    assert r.json()["errors"][0]["rule"] == "certificate-validity"
    r = certificate(
        client, cw, hid, people[0], effective_on="2024-02-01", category="physical", grade=5,
        certificate_number=FIRST, issued_on="2024-02-01", valid_until="2029-01-31",
    )  # fmt: skip
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"].endswith("grade")
    for issued, until, field in (
        ("2024-02-01", "9999-12-31", "valid_until"),
        ("1900-01-01", "1990-01-01", "issued_on"),
    ):
        r = certificate(
            client, cw, hid, people[0], effective_on="2024-02-01", category="physical", grade=2,
            certificate_number=FIRST, issued_on=issued, valid_until=until,
        )  # fmt: skip
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field
    assert etag(client.get(household_path(hid), headers=cw)) == version


def test_a_renewal_without_a_reason_is_refused(client: TestClient, auth: Auth) -> None:
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, people, _ = family_on_dibao(client, cw, ap)
    first = {
        "category": "visual",
        "grade": 2,
        "certificate_number": FIRST,
        "issued_on": "2024-01-01",
        "valid_until": "2024-12-31",
    }
    assert certificate(client, cw, hid, people[0], effective_on="2024-01-10", **first).status_code == 200
    renewal = dict(first, issued_on="2025-01-01", valid_until="2029-12-31")
    r = certificate(client, cw, hid, people[0], effective_on="2025-01-01", **renewal)
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "reason-required"
