"""The statistics page's monthly charts and splits, its printable layout, and the payroll month by township."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from api.desk.reports import SPLITS
from application.months import last_day, month_text
from domain.values import AreaType, Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.application.scenarios import enrol, household, month_firsts
from tests.desk.conftest import Desk
from tests.desk.seed import District
from tests.support import APPROVER, OTHER_TOWNSHIP_COMMUNITY, pay
from tests.support_clock import SteppingClock

PERIOD = {"from": "2025-01", "to": "2025-05"}
MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05")


@pytest.fixture(scope="module")
def desk() -> Iterator[Desk]:
    """Three urban dibao households of township 430112001 paid since March 2024, and two rural ones of
    township 430112002 approved in February 2025: months, programs' splits and townships that differ."""
    clock = SteppingClock()
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
    services = build_services(settings, clock=clock)
    app = services.casework
    for i in range(3):
        enrol(app, household(app, head_name=f"城{i}"), applied_on=date(2024, 1, 20), approved_on=date(2024, 2, 5))
        clock.advance(minutes=1)
    for i in range(2):
        hid = household(
            app,
            head_name=f"乡{i}",
            wages="300.00",
            size=2 + i,
            area=AreaType.RURAL,
            division=OTHER_TOWNSHIP_COMMUNITY,
            registered_on=date(2025, 1, 5),
        )
        enrol(app, hid, applied_on=date(2025, 1, 20), approved_on=date(2025, 2, 10))
        clock.advance(minutes=1)
    for month in month_firsts(date(2024, 3, 1), date(2025, 5, 1)):
        services.payroll.handle(pay(month_text(month), APPROVER))
        clock.advance(minutes=1)
    with TestClient(create_app(lambda: services)) as client:
        yield Desk(client, services, District(*([None] * 6), names=()))  # type: ignore[arg-type]


def bars(html: str, kind: str) -> dict[tuple[str, str], str]:
    """The bars of one monthly chart: (month, program) → the value drawn."""
    chart = re.search(rf'<svg class="chart months {kind}"(.*?)</svg>', html, re.S)
    assert chart, kind
    found = re.findall(r'data-month="([^"]+)" data-program="([^"]+)" data-value="([^"]+)"', chart.group(1))
    return {(month, program): value for month, program, value in found}


def test_the_monthly_charts_draw_one_bar_per_month_and_program_with_the_views_figures(desk: Desk) -> None:
    """Funds paid for each month (万元) and persons on roll at each month's end, as the views count them."""
    html = desk.sign_in(Role.APPROVER).get("/desk/statistics", params=PERIOD).text
    funds, persons = bars(html, "funds"), bars(html, "persons")
    store = desk.services.views.store
    expected_funds, expected_persons = {}, {}
    for month in MONTHS:
        first = date.fromisoformat(month + "-01")
        for c in store.count_payments(first, last_day(first), "430112", ("program",), households=False):
            if c.amount > 0:
                expected_funds[(month, str(c.key[0]))] = f"{c.amount / 10000:.2f}"
        for c in store.count_on(last_day(first), "430112", ("active", "gradual_exit"), ("program",)):
            if c.persons > 0:
                expected_persons[(month, str(c.key[0]))] = str(c.persons)
    assert funds == expected_funds
    assert persons == expected_persons
    assert {m for m, _ in funds} == set(MONTHS)  # the seed pays every month of the period
    assert funds[("2025-02", "dibao")] == "0.34" != funds[("2025-03", "dibao")]  # rural households from March
    assert (persons[("2025-02", "dibao")], persons[("2025-03", "dibao")]) == ("9", "14")  # benefits from March
    api = desk.client.get("/api/v1/statistics", params=PERIOD, headers=desk.bearer(Role.APPROVER)).json()
    for program, figures in api["payments_by_program"].items():  # the months add up to the period's funds
        total = sum(Decimal(v) for (_, p), v in funds.items() if p == program)
        assert abs(total - Decimal(figures["funds"]) / 10000) <= Decimal("0.01") * len(MONTHS)


def test_the_splits_chart_draws_the_apis_persons_on_roll(desk: Desk) -> None:
    """Dibao urban / rural and tekun concentrated / dispersed: one bar per split the API gives, its persons."""
    api = desk.client.get("/api/v1/statistics", params=PERIOD, headers=desk.bearer(Role.APPROVER)).json()
    html = desk.sign_in(Role.APPROVER).get("/desk/statistics", params=PERIOD).text
    chart = re.search(r'<section id="splits">(.*?)</section>', html, re.S)
    assert chart
    drawn = dict(
        re.findall(
            r'text-anchor="end" font-size="12">([^<]+)</text><rect class="bar"[^>]*/><text[^>]*>([^ <]+) 人',
            chart.group(1),
        )
    )
    programs = api["on_roll"]["programs"]
    expected = {
        name: f"{programs[p][split][key]['persons']:,}"
        for p, split, key, name in SPLITS
        if programs.get(p, {}).get(split, {}).get(key, {}).get("persons") is not None
    }
    assert set(expected) == {"城市低保", "农村低保"}
    assert drawn == expected


def test_an_analyst_sees_no_monthly_charts_and_no_suppressed_split(desk: Desk) -> None:
    """Roles without personal access get no monthly charts; a suppressed split (null) is not drawn."""
    api = desk.client.get("/api/v1/statistics", params=PERIOD, headers=desk.bearer(Role.ANALYST)).json()
    html = desk.sign_in(Role.ANALYST).get("/desk/statistics", params=PERIOD).text
    assert 'id="monthly"' not in html
    assert 'class="chart months' not in html
    chart = re.search(r'<section id="splits">(.*?)</section>', html, re.S)
    assert chart
    programs = api["on_roll"]["programs"]
    for p, split, key, name in SPLITS:
        persons = programs.get(p, {}).get(split, {}).get(key, {}).get("persons")
        assert (name in chart.group(1)) == (persons is not None), name


def test_the_printable_statistics_page_has_no_navigation_and_the_figures(desk: Desk) -> None:
    """``print=1``: no header, navigation or form; the period, the as-known instant and the same 户次."""
    api = desk.client.get("/api/v1/statistics", params=PERIOD, headers=desk.bearer(Role.APPROVER)).json()
    client = desk.sign_in(Role.APPROVER)
    screen = client.get("/desk/statistics", params=PERIOD).text
    printed = client.get("/desk/statistics", params={**PERIOD, "print": "1"}).text
    assert "<header>" in screen
    assert 'id="printable"' in screen
    assert "<header>" not in printed
    assert "<nav" not in printed
    assert 'href="/desk/worklist"' not in printed
    assert "<form" not in printed
    assert 'id="print-head"' in printed
    assert "2025年1月—2025年5月" in printed
    head = re.search(r'id="print-head">([^<]*)<', printed)
    assert head
    assert api["as_known_at"][:16] in head.group(1)
    shown = re.search(r'id="household-months">([^<]*)<', printed)
    assert shown
    assert shown.group(1) == f"{api['household_months']:,}"
    assert "@media print" in screen


def test_the_payroll_page_gives_totals_by_township(desk: Desk) -> None:
    """May 2025 by township (the division code's first 9 digits): the bank file's lines summed, adding to the total."""
    api = desk.client.get("/api/v1/payroll/2025-05", headers=desk.bearer(Role.APPROVER)).json()
    html = desk.sign_in(Role.APPROVER).get("/desk/payroll", params={"month": "2025-05"}).text
    sheet = desk.services.payroll.sheet("2025-05", "430112")
    expected: dict[str, Decimal] = {}
    for r in sheet.rows:
        expected[r.division_code[:9]] = expected.get(r.division_code[:9], Decimal(0)) + r.amount
    rows = re.findall(
        r'<tr class="township" id="township-(\d{9})"><td>\d{9}</td><td class="num">(\d+)</td>'
        r'<td class="num">(\d+)</td><td class="num amount">([^<]*)</td></tr>',
        html,
    )
    assert {code: amount for code, _, _, amount in rows} == {c: f"{a:,.2f}" for c, a in expected.items()}
    assert set(expected) == {"430112001", "430112002"}
    assert sum(int(n) for _, n, _, _ in rows) == len(sheet.rows)
    assert sum(Decimal(a.replace(",", "")) for *_, a in rows) == Decimal(api["amount"])
    assert 'id="corrections"' in html
