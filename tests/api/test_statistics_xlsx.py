"""The statistics' dibao payments by area type, and ``format=xlsx`` in the bureau's layout, read back with openpyxl.

Clock: 2025-06-01. An urban household of three (1050.00 a month) and a rural one of two are on dibao from
March 2024; March and April 2024 are paid.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from domain.values import AreaType
from tests.api.helpers import API
from tests.application.scenarios import enrol, household

Auth = Callable[..., dict[str, str]]
PERIOD = "from=2024-03&to=2024-04"


@pytest.fixture
def paid(client: TestClient, auth: Auth) -> None:
    """An urban and a rural household approved in February 2024; March and April 2024 paid."""
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    rural = household(app, size=2, wages="600.00", area=AreaType.RURAL, head_name="刘农")
    enrol(app, rural, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    for month in ("2024-03", "2024-04"):
        assert client.post(f"{API}/payroll/{month}", headers=auth("approver")).status_code == 200


def figures(client: TestClient, auth: Auth, role: str = "approver") -> dict[str, Any]:
    r = client.get(f"{API}/statistics?{PERIOD}", headers=auth(role))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def sheet(client: TestClient, auth: Auth, role: str = "approver") -> Any:
    r = client.get(f"{API}/statistics?{PERIOD}&format=xlsx", headers=auth(role))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="statistics-430112-2024-03-2024-04.xlsx"' in r.headers["content-disposition"]
    return load_workbook(io.BytesIO(r.content)).active


def test_dibao_payments_are_split_by_area_type(client: TestClient, auth: Auth, paid: None) -> None:
    """户次, 人次 and funds of urban and rural dibao, which add up to dibao's payments."""
    f = figures(client, auth)
    areas = f["payments_by_area_type"]["dibao"]
    assert {k: (v["household_months"], v["person_months"]) for k, v in areas.items()} == {
        "urban": (2, 6),
        "rural": (2, 4),
    }
    dibao = f["payments_by_program"]["dibao"]
    assert sum(v["household_months"] for v in areas.values()) == dibao["household_months"]
    assert sum(v["person_months"] for v in areas.values()) == dibao["person_months"]
    assert sum(Decimal(v["funds"]) for v in areas.values()) == Decimal(dibao["funds"])
    assert areas["urban"]["funds"] == "2100.00"


def test_the_xlsx_has_merged_program_headings_units_and_the_period_and_instant_below(
    client: TestClient, auth: Auth, paid: None
) -> None:
    """城乡低保 over 城市/农村, 特困供养 over 集中/分散, 临时救助, children over two; units in the row headings."""
    ws, f = sheet(client, auth), figures(client, auth)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:H1", "A3:A4", "B3:C3", "D3:E3", "F3:F4", "G3:H3"} <= merged
    assert [ws.cell(3, c).value for c in (2, 4, 6, 7)] == ["城乡低保", "特困供养", "临时救助", "孤儿和事实无人抚养儿童"]
    assert [ws.cell(4, c).value for c in (2, 3, 4, 5, 7, 8)] == [
        "城市",
        "农村",
        "集中",
        "分散",
        "孤儿",
        "事实无人抚养儿童",
    ]
    headings = [ws.cell(r, 1).value for r in range(5, 12)]
    for unit in ("（户）", "（人）", "（户次）", "（人次）", "（万元）"):
        assert any(h.endswith(unit) for h in headings), unit
    text = " ".join(str(c.value) for row in ws.iter_rows(min_row=12) for c in row if c.value)
    assert f["period_start"] in text
    assert f["period_end"] in text
    assert f["as_known_at"] in text


def test_the_xlsx_holds_the_json_figures(client: TestClient, auth: Auth, paid: None) -> None:
    """Each cell under 城市/农村 and the totals is the JSON statistics' figure (funds in 万元, two decimals)."""
    ws, f = sheet(client, auth), figures(client, auth)
    row = {ws.cell(r, 1).value: r for r in range(5, 12)}
    on_roll, areas = f["on_roll"]["programs"]["dibao"]["by_area_type"], f["payments_by_area_type"]["dibao"]
    for col, area in ((2, "urban"), (3, "rural")):
        assert ws.cell(row["在册户数（户）"], col).value == on_roll[area]["households"]
        assert ws.cell(row["在册人数（人）"], col).value == on_roll[area]["persons"]
        assert ws.cell(row["保障户次（户次）"], col).value == areas[area]["household_months"]
        assert ws.cell(row["保障人次（人次）"], col).value == areas[area]["person_months"]
        wan = (Decimal(areas[area]["funds"]) / 10000).quantize(Decimal("0.01"))
        assert Decimal(str(ws.cell(row["支出资金（万元）"], col).value)) == wan
        assert ws.cell(row["支出资金（万元）"], col).number_format == "0.00"
    assert ws.cell(row["保障人次（人次）"], 6).value == f["temporary_assistance"]["grants"] == 0
    assert f"D{row['保障户次（户次）']}:E{row['保障户次（户次）']}" in {str(r) for r in ws.merged_cells.ranges}


def test_an_analysts_small_area_cells_are_hidden_in_json_and_xlsx(client: TestClient, auth: Auth, paid: None) -> None:
    """Fewer than 5 households paid: an analyst sees no 户次, 人次 or funds by area type; the sheet shows —."""
    f = figures(client, auth, "analyst")
    for cell in f["payments_by_area_type"]["dibao"].values():
        assert cell["suppressed"] is True
        assert (cell["household_months"], cell["person_months"], cell["funds"]) == (None, None, None)
    ws = sheet(client, auth, "analyst")
    row = {ws.cell(r, 1).value: r for r in range(5, 12)}
    assert ws.cell(row["保障人次（人次）"], 2).value == "—"
    assert ws.cell(row["在册户数（户）"], 3).value == "—"
