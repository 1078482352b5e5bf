"""The statistics page's urban/rural payments and its download in the bureau's layout."""

from __future__ import annotations

import html as html_lib
import io
import re
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from domain.values import Role
from tests.desk.conftest import Desk

PERIOD = {"from": "2025-01", "to": "2025-05"}


def test_the_page_shows_dibao_payments_by_area_type(desk: Desk) -> None:
    """The 城市低保 row carries the API's urban 户次 and 人次 for the period."""
    api: dict[str, Any] = desk.client.get(
        "/api/v1/statistics", params=PERIOD, headers=desk.bearer(Role.APPROVER)
    ).json()
    urban = api["payments_by_area_type"]["dibao"]["urban"]
    html = desk.sign_in(Role.APPROVER).get("/desk/statistics", params=PERIOD).text
    row = re.search(r'<tr id="dibao-urban">(.*?)</tr>', html, re.S)
    assert row
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert cells[4:6] == [str(urban["household_months"]), str(urban["person_months"])] == ["30", "90"]


def test_the_page_downloads_the_bureaus_xlsx_with_the_apis_figures(desk: Desk) -> None:
    """The page's link answers an XLSX whose urban 户次 and footer instant are the API's."""
    client = desk.sign_in(Role.APPROVER)
    page = client.get("/desk/statistics", params=PERIOD).text
    link = re.search(r'id="download-xlsx" href="([^"]+)"', page)
    assert link
    r = client.get(html_lib.unescape(link.group(1)))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    api: dict[str, Any] = desk.client.get(
        "/api/v1/statistics", params=PERIOD, headers=desk.bearer(Role.APPROVER)
    ).json()
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["B3"].value == "城乡低保"
    assert "B3:C3" in {str(m) for m in ws.merged_cells.ranges}
    rows = {ws.cell(n, 1).value: n for n in range(5, 12)}
    assert (
        ws.cell(rows["保障户次（户次）"], 2).value == api["payments_by_area_type"]["dibao"]["urban"]["household_months"]
    )
    footer = " ".join(str(c.value) for row in ws.iter_rows(min_row=12) for c in row if c.value)
    assert api["as_known_at"] in footer
