"""The desk's pages without a browser: the same allow/deny as the API, the same figures, purposes logged."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest

from api.desk.session import COOKIE
from domain.values import Role
from tests.desk.conftest import Desk

ROLES = (Role.CASEWORKER, Role.APPROVER, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
OWN, FOREIGN = "430112", "430111"  # the district, and another county of the city
PERIOD = {"from": "2025-01", "to": "2025-05"}


def approval(desk: Desk) -> UUID:
    """The decision that approved the corrected household's dibao."""
    h = desk.services.casework.get_household(desk.district.corrected)
    (e,) = h.enrolments.values()
    return next(s.decision_id for s in e.steps if s.status.value == "approved" and s.decision_id)


def pairs(desk: Desk) -> dict[str, tuple[str, dict[str, str], str, dict[str, str]]]:
    """Each desk page with the API request answering the same question: (page, its query, API path, query)."""
    hid, did = desk.district.corrected, approval(desk)
    why = {"purpose": "核对"}
    return {
        "search": ("/desk/households", {"program": "dibao", **why}, "/api/v1/households", {"program": "dibao"}),
        "household": (f"/desk/households/{hid}", why, f"/api/v1/households/{hid}", {}),
        "decision": (f"/desk/households/{hid}/decisions/{did}", why, f"/api/v1/households/{hid}/decisions/{did}", {}),
        "worklist": ("/desk/worklist", {}, "/api/v1/worklist", {}),
        "statistics": ("/desk/statistics", PERIOD, "/api/v1/statistics", PERIOD),
        "payroll": ("/desk/payroll", {"month": "2025-05"}, "/api/v1/payroll/2025-05", {}),
        "audit": ("/desk/audit", {}, "/api/v1/audit/verification", {}),
    }


PAGES = ("search", "household", "decision", "worklist", "statistics", "payroll", "audit")


@pytest.mark.parametrize("jurisdiction", [OWN, FOREIGN], ids=["own", "foreign"])
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_allows_and_refuses_as_the_api(desk: Desk, name: str, role: Role, jurisdiction: str) -> None:
    """A desk page answers a role and jurisdiction with the API's status (200, 403 or 404), HTML either way."""
    page, query, api, api_query = pairs(desk)[name]
    expected = desk.client.get(api, params=api_query, headers=desk.bearer(role, jurisdiction)).status_code
    got = desk.sign_in(role, jurisdiction).get(page, params=query)
    assert got.status_code == expected, (name, role, jurisdiction, got.text[-400:])
    assert got.headers["content-type"].startswith("text/html")
    assert "script-src" not in got.headers["content-security-policy"]  # default-src 'none': no script runs
    assert got.headers["referrer-policy"] == "same-origin"
    if expected != 200:
        assert 'id="refusal"' in got.text


def number(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1)


def amount_on(html: str) -> str:
    found = re.search(r'class="num amount-on">([^<]*)<', html)
    assert found
    return found.group(1)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.APPROVER], ids=["analyst", "approver"])
def test_the_statistics_page_shows_the_apis_figures(desk: Desk, role: Role) -> None:
    """户次, 人次 and 资金(万元) on the page are GET /api/v1/statistics' figures for the same period."""
    api: dict[str, Any] = desk.client.get("/api/v1/statistics", params=PERIOD, headers=desk.bearer(role)).json()
    html = desk.sign_in(role).get("/desk/statistics", params=PERIOD).text
    assert number(html, "household-months") == str(api["household_months"]) == "30"
    assert number(html, "person-months") == str(api["person_months"])
    assert number(html, "funds-wan") == api["funds_wan"]
    assert "2025年1月—2025年5月" in html
    assert html.count('class="bar"') >= 1


def test_an_analysts_statistics_name_nobody(desk: Desk) -> None:
    """No member's name and no ID number appears on an analyst's statistics page."""
    html = desk.sign_in(Role.ANALYST).get("/desk/statistics", params=PERIOD).text
    assert not [n for n in desk.district.names if n in html]
    assert not re.search(r"[0-9]{6}\*{8}[0-9X]{4}|[0-9]{17}[0-9X]", html)


def test_a_household_page_asks_a_purpose_and_logs_the_read_as_the_api(desk: Desk) -> None:
    """Without a purpose the page asks for one and logs nothing; with one, the read is logged with it."""
    hid = desk.district.corrected
    client = desk.sign_in(Role.AUDITOR)
    before = len(desk.services.auditor.access_log(household_id=hid))
    asked = client.get(f"/desk/households/{hid}")
    assert asked.status_code == 200
    assert 'name="purpose"' in asked.text
    assert "赵一鸣" not in asked.text
    assert len(desk.services.auditor.access_log(household_id=hid)) == before
    shown = client.get(f"/desk/households/{hid}", params={"purpose": "年度审计抽查"})
    assert "赵一鸣" in shown.text
    head = next(iter(desk.services.casework.get_household(hid).members.values()))
    assert head.id_number.masked() in shown.text
    assert head.id_number.value not in shown.text
    (latest, *_) = desk.services.auditor.access_log(household_id=hid, limit=1)
    assert (latest.user_id, latest.role, latest.purpose) == ("auditor-desk", "auditor", "年度审计抽查")


def test_as_known_at_shows_the_amount_believed_then(desk: Desk) -> None:
    """Before the late wage rise was recorded the desk shows the amount the API showed then (1,140.00), now 840.00."""
    hid, before = desk.district.corrected, desk.district.before_correction.isoformat()
    api = desk.client.get(
        f"/api/v1/households/{hid}", params={"as_of": before}, headers=desk.bearer(Role.AUDITOR)
    ).json()
    (then,) = api["enrolments"]
    client = desk.sign_in(Role.AUDITOR)
    old = client.get(f"/desk/households/{hid}", params={"purpose": "审计", "as_of": before}).text
    now = client.get(f"/desk/households/{hid}", params={"purpose": "审计"}).text
    assert amount_on(old) == "1,140.00" == f"{float(then['amount_payable']):,.2f}"
    assert amount_on(now) == "840.00"
    assert 'class="later"' in old
    assert 'class="later"' not in now


def test_a_decision_page_explains_and_reproduces(desk: Desk) -> None:
    """The approval's page shows the outcome, parameters with legal basis, the decider and 已复现."""
    hid, did = desk.district.corrected, approval(desk)
    html = desk.sign_in(Role.AUDITOR).get(f"/desk/households/{hid}/decisions/{did}", params={"purpose": "审计"}).text
    assert "已复现" in html
    assert "ap-1（审核确认）" in html
    assert "dibao.standard.urban" in html
    explained = desk.services.auditor.explain(hid, did)
    assert all(p["legal_basis"] in html for p in explained["assessment"]["parameters"])


def test_the_approvers_worklist_shows_the_late_decision(desk: Desk) -> None:
    """The application waiting since March 2025 is listed as 审批超时 with its deadline."""
    html = desk.sign_in(Role.APPROVER).get("/desk/worklist").text
    assert 'class="decision_late"' in html
    assert "审批超时" in html
    assert "2025年4月14日" in html


def test_the_payroll_page_gives_totals_by_program(desk: Desk) -> None:
    """May 2025: six dibao payments, the same total as GET /api/v1/payroll/2025-05."""
    api = desk.client.get("/api/v1/payroll/2025-05", headers=desk.bearer(Role.APPROVER)).json()
    html = desk.sign_in(Role.APPROVER).get("/desk/payroll", params={"month": "2025-05"}).text
    assert number(html, "total") == f"{float(api['amount']):,.2f}"
    assert "2025年5月 发放" in html
    assert "补发" in html
    assert "追回" in html


def test_the_audit_page_verifies_and_lists_reads(desk: Desk) -> None:
    """An auditor sees the store verified and the access log; an admin, who may verify, sees no access log."""
    html = desk.sign_in(Role.AUDITOR).get("/desk/audit").text
    assert "未发现篡改" in html
    assert 'id="access-log"' in html
    html = desk.sign_in(Role.ADMIN).get("/desk/audit").text
    assert "未发现篡改" in html
    assert 'id="access-log"' not in html


def test_signing_in_keeps_the_token_in_a_strict_httponly_cookie(desk: Desk) -> None:
    """A pasted token is checked; a good one is set HttpOnly, SameSite=Strict, for /desk; a bad one is refused."""
    client = desk.client
    client.cookies.clear()
    assert client.get("/desk/").status_code == 401
    bad = client.post("/desk/sign-in", data={"token": "not-a-token"}, follow_redirects=False)
    assert bad.status_code == 401
    assert "令牌无效" in bad.text
    good = client.post("/desk/sign-in", data={"token": desk.token(Role.AUDITOR)}, follow_redirects=False)
    assert good.status_code == 303
    cookie = good.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/desk" in cookie
    assert client.post("/desk/dev-sign-in", data={"role": "admin"}).status_code == 404  # not in development mode
    elsewhere = {"Origin": "http://elsewhere.example"}
    forged = client.post("/desk/sign-in", data={"token": desk.token(Role.AUDITOR)}, headers=elsewhere)
    assert forged.status_code == 403
    assert "set-cookie" not in forged.headers
    out = client.post("/desk/sign-out", follow_redirects=False)
    assert out.status_code == 303
    assert "Max-Age=0" in out.headers["set-cookie"]


def test_development_mode_signs_in_with_one_click_per_role() -> None:
    """Under --dev the sign-in page offers every role; a click signs in as dev-<role> of the demo district."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.desk.conftest import seeded_services

    services, _ = seeded_services(dev=True)
    with TestClient(create_app(lambda: services)) as client:
        page = client.get("/desk/sign-in").text
        assert all(f'id="dev-{r.value}"' in page for r in ROLES)
        client.post("/desk/dev-sign-in", data={"role": "approver"})
        home = client.get("/desk/")
        assert home.status_code == 200
        assert "dev-approver（审核确认，辖区 430112）" in home.text
        assert client.post("/desk/dev-sign-in", data={"role": "system"}).status_code == 422


def test_a_search_logs_each_household_it_names(desk: Desk) -> None:
    """Without a purpose the search names nobody; with one, every household listed is logged with it (as the API)."""
    client = desk.sign_in(Role.CASEWORKER)
    ids = [desk.district.corrected, desk.district.late]
    counts = [len(desk.services.auditor.access_log(household_id=h)) for h in ids]
    refused = client.get("/desk/households", params={"program": "dibao"})
    assert "查阅目的" in refused.text
    assert not [n for n in desk.district.names if n in refused.text]
    assert [len(desk.services.auditor.access_log(household_id=h)) for h in ids] == counts
    found = client.get("/desk/households", params={"program": "dibao", "purpose": "入户核查"})
    assert found.text.count('class="open"') == 7  # six on dibao and the late application, not the other township's
    for h in ids:
        latest = desk.services.auditor.access_log(household_id=h, limit=1)[0]
        assert (latest.user_id, latest.purpose) == ("caseworker-desk", "入户核查")


def test_in_effect_on_shows_the_status_and_amount_of_that_day(desk: Desk) -> None:
    """In effect on 15 March 2024 the enrolment was active at 1,050.00 (the wage rise counts from April); on
    15 February 2024 approved, nothing payable yet; the steps shown stop at the date."""
    hid = desk.district.corrected
    client = desk.sign_in(Role.APPROVER)
    march = client.get(f"/desk/households/{hid}", params={"purpose": "核对", "effective_on": "2024-03-15"}).text
    february = client.get(f"/desk/households/{hid}", params={"purpose": "核对", "effective_on": "2024-02-15"}).text
    assert amount_on(march) == "1,050.00"
    assert 'class="status-on">享受中<' in march
    assert amount_on(february) == "0.00"
    assert 'class="status-on">已批准<' in february
    assert "2024年2月5日" in february


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/desk/statistics", {"from": "2025-05", "to": "2025-01"}),
        ("/desk/statistics", {"from": "2025-13", "to": "2025-14"}),
        ("/desk/statistics", {"from": "2025-01", "to": "2025-05", "division": "430111"}),
        ("/desk/payroll", {"month": "May"}),
        ("/desk/households/{hid}", {"purpose": "核对", "effective_on": "2023-01-01"}),
        ("/desk/households/{hid}", {"purpose": "核对", "as_of": "2099-01-01T00:00:00+00:00"}),
        ("/desk/households/{hid}", {"purpose": "核对", "as_of": "yesterday"}),
        ("/desk/households/{hid}/decisions/00000000-0000-4000-8000-000000000000", {"purpose": "核对"}),
    ],
)
def test_bad_input_gets_the_refusal_page_with_the_apis_status(desk: Desk, path: str, query: dict[str, str]) -> None:
    """A period out of order, a month that is not one, a division outside the jurisdiction, a date before the
    registration, an instant in the future or not an instant, an unknown decision: a 4xx refusal page, never 500."""
    got = desk.sign_in(Role.APPROVER).get(path.format(hid=desk.district.corrected), params=query)
    assert 400 <= got.status_code < 500, got.text[-300:]
    assert 'id="refusal"' in got.text


def test_a_posted_search_finds_a_household_by_id_number(desk: Desk) -> None:
    """The form is posted (the number stays out of the URL); the person index finds the household, and a number
    that is not one, or a program that does not exist, gets a 422 refusal page."""
    hid = desk.district.corrected
    head = next(iter(desk.services.casework.get_household(hid).members.values()))
    client = desk.sign_in(Role.AUDITOR)
    found = client.post("/desk/households", data={"id_number": head.id_number.value, "purpose": "核对"})
    assert found.status_code == 200
    assert found.text.count('class="open"') == 1
    assert f"/desk/households/{hid}?" in found.text
    assert client.post("/desk/households", data={"id_number": "12345", "purpose": "核对"}).status_code == 422
    assert client.post("/desk/households", data={"program": "nothing", "purpose": "核对"}).status_code == 422
    assert client.get("/desk/households", params={"state": "nothing", "purpose": "核对"}).status_code == 422
