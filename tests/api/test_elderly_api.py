"""The elderly allowance (高龄津贴) and the home-care subsidy (居家养老服务补贴) through the HTTP API: the
residence registration, application → review → approval → payroll, a band crossed at a birthday, a
death reported late (a recovery), a missed verification (suspended, then resumed by the verification),
automatic enrolment at the birthday, and the home-care subsidy's terms and exclusion. The money is held
to an oracle written here, month by month from the birth dates and the seed's amounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from tests.api.helpers import API, enrolment_path, etag, household_path, record_account, register
from tests.support import member_json

Auth = Callable[..., dict[str, str]]
RESIDENT = {"division_code": "430112001001", "registered_from": "1980-01-01", "effective_on": "2024-01-10"}
#: The seed district's bands (infrastructure/seed/parameters.yaml), written out again for the oracle.
BANDS = ((100, Decimal("500.00")), (90, Decimal("100.00")), (80, Decimal("50.00")))


def oracle(born: date, month: date) -> Decimal:
    """The allowance for a month: the band of the age completed on the last day of the month before."""
    last = month - timedelta(days=1)
    age = last.year - born.year - ((last.month, last.day) < (born.month, born.day))
    return next((amount for least, amount in BANDS if age >= least), Decimal("0.00"))


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def elderly_enrolment(client: TestClient, cw: dict[str, str], ap: dict[str, str], hid: str, pid: str) -> str:
    """Apply on 2024-03-20, township review on 2024-04-02, approval on 2024-04-10: paid from May."""
    body = {"program": "elderly_allowance", "beneficiaries": [pid], "effective_on": "2024-03-20"}
    eid: str = ok(client.post(f"{household_path(hid)}/applications", headers=cw, json=body), 201)["enrolment"][
        "enrolment_id"
    ]
    review = {
        "investigated_on": "2024-04-02",
        "findings": "户籍属实",
        "opinion": "approve",
        "effective_on": "2024-04-02",
    }
    ok(client.post(f"{enrolment_path(hid, eid)}/township-review", headers=cw, json=review))
    approved = ok(client.post(f"{enrolment_path(hid, eid)}/approval", headers=ap, json={"effective_on": "2024-04-10"}))
    assert approved["enrolment"]["benefits_from"] == "2024-05-01"
    return eid


def paid(client: TestClient, ap: dict[str, str], month: str) -> dict[str, Any]:
    body: dict[str, Any] = ok(client.post(f"{API}/payroll/{month}", headers=ap))["totals"]
    return body


def elderly_paid(totals: dict[str, Any]) -> Decimal:
    return sum((Decimal(p["amount"]) for p in totals["by_program"] if p["program"] == "elderly_allowance"), Decimal(0))


def test_the_elderly_allowance_through_its_whole_life(any_client: TestClient, auth: Auth) -> None:
    """On the in-memory store and on PostgreSQL."""
    client = any_client
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    a_born, b_born = date(1944, 3, 15), date(1934, 6, 10)  # 80 in March 2024; 90 on 10 June 2024
    h = register(client, cw, members=[member_json("head", a_born, name="高寿甲"), member_json("spouse", b_born)])
    hid, (a, b) = h["household_id"], [m["person_id"] for m in h["members"]]
    record_account(client, cw, h)

    # Both registered in the district since 1980, recorded from the household's registration.
    for pid in (a, b):
        shown = ok(client.put(f"{household_path(hid)}/members/{pid}/residence", headers=cw, json=RESIDENT))
    assert next(m for m in shown["members"] if m["person_id"] == b)["residence"] == {
        "division_code": "430112001001",
        "registered_from": "1980-01-01",
        "ended_on": None,
    }
    ea, eb = elderly_enrolment(client, cw, ap, hid, a), elderly_enrolment(client, cw, ap, hid, b)

    # Paid from May 2024; B crosses into the 90–99 band at the birthday of 10 June: 100.00 from July.
    for month in ("2024-05", "2024-06", "2024-07"):
        first = date.fromisoformat(f"{month}-01")
        assert elderly_paid(paid(client, ap, month)) == oracle(a_born, first) + oracle(b_born, first)
    assert [oracle(b_born, date(2024, m, 1)) for m in (5, 6, 7)] == [Decimal("50.00")] * 2 + [Decimal("100.00")]
    stats = ok(client.get(f"{API}/statistics?from=2024-05&to=2024-07", headers=ap))
    assert Decimal(stats["payments_by_program"]["elderly_allowance"]["funds"]) == Decimal("350.00")
    assert stats["payments_by_program"]["elderly_allowance"]["person_months"] == 6  # 人次
    on_roll = stats["on_roll"]["programs"]["elderly_allowance"]  # on 31 July 2024, by age band
    assert on_roll["persons"] == 2
    assert {band: c["persons"] for band, c in on_roll["by_care_level"].items()} == {"band_1": 1, "band_2": 1}
    assert stats["new"]["programs"]["elderly_allowance"]["persons"] == 2
    history = ok(client.get(f"{household_path(hid)}/history?program=elderly_allowance", headers=ap))["events"]
    (crossing,) = [
        e
        for e in history
        if e["event"] == "EntitlementChanged" and e["enrolment_id"] == eb and e["effective_on"] == "2024-07-01"
    ]
    assert "turns 90 on 2024-06-10" in crossing["reason"]
    assert crossing["changes"]["cause"] == "age"
    why = ok(client.get(f"{household_path(hid)}/decisions/{crossing['decision_id']}", headers=ap))
    assert "ALLOWANCE_BAND" in str(why)
    assert "高龄津贴" in str(why)  # the reasons carry their legal basis
    explained = ok(client.get(f"{enrolment_path(hid, eb)}?on=2024-07-01", headers=ap))
    assert explained["amount_payable"] == "100.00"
    assert explained["assessment"]["figures"]["band"] == "band_1"  # the approval's; the schedule re-priced it

    # B dies on 10 February 2025, reported after the March payroll: terminated, March recovered (追回).
    for month in ("2025-02", "2025-03"):
        assert elderly_paid(paid(client, ap, month)) == oracle(a_born, date.fromisoformat(f"{month}-01")) + Decimal(
            "100.00"
        )
    death = {"effective_on": "2025-02-10", "cause": "death", "reason": "死亡"}
    ok(client.post(f"{household_path(hid)}/members/{b}/removal", headers=cw, json=death))
    ended = ok(client.get(enrolment_path(hid, eb), headers=ap))
    assert ended["status"] == "terminated"
    april = paid(client, ap, "2025-04")
    assert [(c["corrected_month"], Decimal(c["amount"])) for c in april["corrections"]] == [
        ("2025-03", Decimal("-100.00"))
    ]
    assert elderly_paid(april) == Decimal("50.00")

    # The verification fell due on 1 May 2025, 12 months from the start (the death's "within 3 months" was
    # later); 30 days' grace ran out on 31 May: the tick suspends from then, June is not paid; the
    # verification resumes it from its date.
    assert ok(client.get(enrolment_path(hid, ea), headers=ap))["next_review_due"] == "2025-05-01"
    assert elderly_paid(paid(client, ap, "2025-05")) == Decimal("50.00")
    assert ok(client.post(f"{API}/jobs/tick?date=2025-05-30", headers=ap))["recorded"] == []
    tick = ok(client.post(f"{API}/jobs/tick?date=2025-05-31", headers=ap))
    assert [(r["enrolment_id"], r["what"]) for r in tick["recorded"]] == [(ea, "VERIFICATION_MISSED")]
    assert ok(client.post(f"{API}/jobs/tick?date=2025-06-01", headers=ap))["recorded"] == []
    assert elderly_paid(paid(client, ap, "2025-06")) == Decimal("0.00")  # suspended from 31 May
    suspended = ok(client.get(f"{enrolment_path(hid, ea)}?on=2025-06-01", headers=ap))
    assert (suspended["status_today"], suspended["amount_payable"]) == ("suspended", "0.00")
    ok(client.post(f"{enrolment_path(hid, ea)}/reviews", headers=cw, json={"effective_on": "2025-07-15"}))
    resumed = ok(client.get(f"{enrolment_path(hid, ea)}?on=2025-08-01", headers=ap))
    assert (resumed["status_today"], resumed["amount_payable"], resumed["next_review_due"]) == (
        "active",
        "50.00",
        "2026-07-01",  # 12 months on from the verification's month
    )
    for month in ("2025-06-01", "2025-07-01"):  # the months suspended are not paid back
        assert ok(client.get(f"{enrolment_path(hid, ea)}?on={month}", headers=ap))["amount_payable"] == "0.00"


def test_a_registration_is_a_dated_fact_shown_in_time_travel(client: TestClient, auth: Auth) -> None:
    """A registration that ends: in effect before, gone after; a change without a reason is refused."""
    cw = auth("caseworker", user="cw-1")
    h = register(client, cw, members=[member_json("head", date(1940, 1, 1))])
    hid, pid = h["household_id"], h["members"][0]["person_id"]
    path = f"{household_path(hid)}/members/{pid}/residence"
    ok(client.put(path, headers=cw, json=RESIDENT))
    moved = {**RESIDENT, "ended_on": "2024-09-01", "effective_on": "2024-09-01"}
    r = client.put(path, headers=cw, json=moved)
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "reason-required"
    ok(client.put(path, headers=cw, json={**moved, "reason": "迁出本区"}))
    before = ok(client.get(f"{household_path(hid)}?effective_on=2024-08-31", headers=cw))
    after = ok(client.get(f"{household_path(hid)}?effective_on=2024-09-01", headers=cw))
    assert before["members"][0]["residence"]["ended_on"] is None
    assert after["members"][0]["residence"]["ended_on"] == "2024-09-01"
    bad = {**RESIDENT, "registered_from": "2024-01-01", "ended_on": "2023-01-01", "reason": "x"}
    r = client.put(path, headers=cw, json=bad)
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "residence-ends-after-start"
    assert etag(client.get(household_path(hid), headers=cw)) == 3


def test_automatic_enrolment_at_the_80th_birthday(client: TestClient, auth: Auth) -> None:
    """Where the parameter says so, the tick enrols a registered resident at the birthday, paid from the
    month after; an unregistered one is not enrolled; a second tick records nothing."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    born = date(1945, 3, 20)  # 80 on 20 March 2025
    h = register(client, cw, members=[member_json("head", born), member_json("spouse", date(1945, 2, 1))])
    hid, (pid, other) = h["household_id"], [m["person_id"] for m in h["members"]]
    ok(client.put(f"{household_path(hid)}/members/{pid}/residence", headers=cw, json=RESIDENT))
    early = ok(client.post(f"{API}/jobs/tick?date=2025-03-19", headers=ap))
    assert not [r for r in early["recorded"] if r["what"] == "ENROLLED_AT_BIRTHDAY"]
    tick = ok(client.post(f"{API}/jobs/tick?date=2025-03-20", headers=ap))
    assert [(r["enrolment_id"], r["what"]) for r in tick["recorded"]] == [(pid, "ENROLLED_AT_BIRTHDAY")]
    assert ok(client.post(f"{API}/jobs/tick?date=2025-03-21", headers=ap))["recorded"] == []
    (e,) = ok(client.get(household_path(hid), headers=cw))["enrolments"]
    assert (e["program"], e["beneficiaries"], e["benefits_from"]) == ("elderly_allowance", [pid], "2025-04-01")
    assert ok(client.get(f"{enrolment_path(hid, e['enrolment_id'])}?on=2025-04-01", headers=ap))["amount_payable"] == (
        str(oracle(born, date(2025, 4, 1)))
    )
    assert other not in e["beneficiaries"]  # 80 in February, but no registration recorded


def home_care_household(
    client: TestClient, cw: dict[str, str], ap: dict[str, str], arrangement: str
) -> tuple[str, str]:
    """A 74-year-old alone on tekun (``arrangement``), unable to do four daily activities."""
    h = register(client, cw, members=[member_json("head", date(1950, 4, 1), name="孤老人")])
    hid, pid = h["household_id"], h["members"][0]["person_id"]
    record_account(client, cw, h)
    care = {"effective_on": "2024-01-12", "unable_activities": ["eating", "dressing", "toileting", "bathing"]}
    ok(client.post(f"{household_path(hid)}/members/{pid}/care-assessment", headers=cw, json=care))
    terms = {"arrangement": arrangement, "has_capable_supporter": False}
    body = {"program": "tekun", "beneficiaries": [pid], "effective_on": "2024-01-15", "terms": terms}
    eid = ok(client.post(f"{household_path(hid)}/applications", headers=cw, json=body), 201)["enrolment"][
        "enrolment_id"
    ]
    review = {"investigated_on": "2024-01-20", "findings": "属实", "opinion": "approve", "effective_on": "2024-01-20"}
    ok(client.post(f"{enrolment_path(hid, eid)}/township-review", headers=cw, json=review))
    ok(client.post(f"{enrolment_path(hid, eid)}/approval", headers=ap, json={"effective_on": "2024-01-27"}))
    return hid, pid


def test_the_home_care_subsidy_paid_as_service_credit(client: TestClient, auth: Auth) -> None:
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, pid = home_care_household(client, cw, ap, "dispersed")
    body = {"program": "home_care_subsidy", "beneficiaries": [pid], "effective_on": "2024-02-05"}
    r = client.post(f"{household_path(hid)}/applications", headers=cw, json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0] == {**r.json()["errors"][0], "field": "terms.paid_as"}
    body["terms"] = {"paid_as": "service_credit"}
    eid = ok(client.post(f"{household_path(hid)}/applications", headers=cw, json=body), 201)["enrolment"][
        "enrolment_id"
    ]
    review = {"investigated_on": "2024-02-10", "findings": "属实", "opinion": "approve", "effective_on": "2024-02-10"}
    reviewed = ok(client.post(f"{enrolment_path(hid, eid)}/township-review", headers=cw, json=review))
    assessment = reviewed["enrolment"]["assessment"]
    assert assessment["figures"] == {"care_level": "full", "paid_as": "service_credit"}
    assert [r["code"] for r in assessment["reasons"]] == [
        "HOME_CARE_AGE_REACHED",
        "TEKUN_DISPERSED",
        "CARE_NEED_ASSESSED",
        "HOME_CARE_AMOUNT",
    ]
    assert all("民发〔2014〕113号" in r["legal_basis"] for r in assessment["reasons"])
    approved = ok(client.post(f"{enrolment_path(hid, eid)}/approval", headers=ap, json={"effective_on": "2024-02-20"}))
    assert (approved["enrolment"]["monthly_amount"], approved["enrolment"]["terms"]) == (
        "200.00",
        {"paid_as": "service_credit"},
    )
    again = client.post(f"{household_path(hid)}/applications", headers=cw, json=body)
    assert again.status_code == 422
    assert again.json()["errors"][0]["rule"] == "enrolment-open"


def test_no_home_care_subsidy_in_concentrated_tekun(client: TestClient, auth: Auth) -> None:
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, pid = home_care_household(client, cw, ap, "concentrated")
    body = {
        "program": "home_care_subsidy",
        "beneficiaries": [pid],
        "effective_on": "2024-02-05",
        "terms": {"paid_as": "money"},
    }
    eid = ok(client.post(f"{household_path(hid)}/applications", headers=cw, json=body), 201)["enrolment"][
        "enrolment_id"
    ]
    review = {
        "investigated_on": "2024-02-10",
        "findings": "集中供养",
        "opinion": "approve",
        "effective_on": "2024-02-10",
    }
    reviewed = ok(client.post(f"{enrolment_path(hid, eid)}/township-review", headers=cw, json=review))
    assert "TEKUN_CONCENTRATED_EXCLUDED" in [r["code"] for r in reviewed["enrolment"]["assessment"]["reasons"]]
    r = client.post(f"{enrolment_path(hid, eid)}/approval", headers=ap, json={"effective_on": "2024-02-20"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "assessment-not-eligible"


def test_a_band_birthday_on_the_first_of_a_month_counts_from_the_month_after(client: TestClient, auth: Auth) -> None:
    """90 on 1 July 2024: July is still paid in the first band (the age completed by 30 June is 89), August
    in the second — the month after a birthday is re-priced even when nothing else happens in it."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    born = date(1934, 7, 1)
    h = register(client, cw, members=[member_json("head", born)])
    hid, pid = h["household_id"], h["members"][0]["person_id"]
    ok(client.put(f"{household_path(hid)}/members/{pid}/residence", headers=cw, json=RESIDENT))
    eid = elderly_enrolment(client, cw, ap, hid, pid)
    for month in (date(2024, 6, 1), date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)):
        got = ok(client.get(f"{enrolment_path(hid, eid)}?on={month}", headers=ap))["amount_payable"]
        assert Decimal(got) == oracle(born, month), month
    assert oracle(born, date(2024, 7, 1)) == Decimal("50.00")
    assert oracle(born, date(2024, 8, 1)) == Decimal("100.00")
