"""Spreadsheet formula injection (issue #12, point 8): a name that looks like a formula stays text in
every export — roll CSV and XLSX, payroll bank file CSV and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from infrastructure.exports import neutralised
from tests.api.helpers import API
from tests.application.scenarios import enrol, household

Auth = Callable[..., dict[str, str]]
NAMES = ['=HYPERLINK("http://evil.example/","点")', "=1+2", "+1+2", "-1+2", "@SUM(A1)"]


def on_roll(client: TestClient, head_name: str) -> None:
    """A household headed by ``head_name`` on dibao from March 2024, and March's payroll run."""
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    enrol(app, household(app, head_name=head_name), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))


def xlsx_cells(content: bytes) -> list[tuple[object, str]]:
    """Every cell's value and openpyxl data type ('f' is a formula)."""
    sheet = load_workbook(io.BytesIO(content)).active
    return [(c.value, c.data_type) for row in sheet.iter_rows() for c in row]


def assert_xlsx_inert(content: bytes, name: str) -> None:
    cells = xlsx_cells(content)
    assert all(kind != "f" for _, kind in cells)
    assert ("'" + name, "s") in cells
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


@pytest.mark.parametrize("name", NAMES)
def test_roll_csv_escapes_formula_names(client: TestClient, auth: Auth, name: str) -> None:
    """The roll CSV writes the head's name with a leading apostrophe; amounts stay plain numbers."""
    on_roll(client, name)
    r = client.get(f"{API}/rolls/dibao?on=2024-03-15&format=csv", headers=auth("approver"))
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + name in cells
    assert name not in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


@pytest.mark.parametrize("name", NAMES)
def test_roll_xlsx_holds_no_formula(client: TestClient, auth: Auth, name: str) -> None:
    """The roll XLSX stores the name as text, never as a formula."""
    on_roll(client, name)
    r = client.get(f"{API}/rolls/dibao?on=2024-03-15&format=xlsx", headers=auth("approver"))
    assert r.status_code == 200, r.text
    assert_xlsx_inert(r.content, name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_payroll_bank_file_holds_no_formula(client: TestClient, auth: Auth, fmt: str) -> None:
    """The payroll bank file (CSV and XLSX) carries the formula-like head name as inert text."""
    name = NAMES[0]
    on_roll(client, name)
    assert client.post(f"{API}/payroll/2024-03", headers=auth("approver")).status_code == 200
    r = client.get(f"{API}/payroll/2024-03?format={fmt}", headers=auth("approver"))
    assert r.status_code == 200, r.text
    if fmt == "xlsx":
        assert_xlsx_inert(r.content, name)
    else:
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[1][0] == "'" + name


@pytest.mark.parametrize(
    ("text", "written"),
    [("=1+2", "'=1+2"), ("-12.50", "-12.50"), ("+86 10", "'+86 10"), ("\tx", "'\tx"), ("王建国", "王建国")],
)
def test_only_formula_like_text_is_prefixed(text: str, written: str) -> None:
    """Plain numbers and ordinary names are written as they are; formula starts get the apostrophe."""
    assert neutralised(text) == written
