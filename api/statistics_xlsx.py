"""The statistics (docs/rules.md, "Reports") as the bureau lays them out: programs across, figures down.

Merged headings: 城乡低保 over 城市 / 农村, 特困供养 over 集中 / 分散, 临时救助, 孤儿和事实无人抚养儿童
over 孤儿 / 事实无人抚养儿童; each figure's unit is in its heading (户, 人, 户次, 人次, 万元). A figure the
views do not split (tekun's new enrolments and payments by arrangement) spans both sub-columns. The
footer names the period, the roll's day and the instant the figures are as known at. A suppressed cell
(an analyst's cell of fewer than k households) reads "—"; a figure that does not apply is left empty.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

from api.statistics_xlsx_disability import disability_sheet

WAN = Decimal("0.01")
SUPPRESSED = "—"
#: (group heading, sub-column headings); the sub-columns follow column A (the figures' headings)
GROUPS = (
    ("城乡低保", ("城市", "农村")),
    ("特困供养", ("集中", "分散")),
    ("临时救助", ()),
    ("孤儿和事实无人抚养儿童", ("孤儿", "事实无人抚养儿童")),
)
COLUMNS = 7  # B..H
HEAD_ROW, SUB_ROW, FIRST_ROW = 3, 4, 5
Cells = list[Any]  # one value per column B..H; ``SPAN`` after a value: it spans the column too
SPAN = object()
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path; 0 where the figures have no such cell; None where it is suppressed."""
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return 0
        data = data[key]
    return data


def wan(value: Any) -> Decimal | None:
    """Yuan (a decimal string) as 万元 with two decimals; None stays None (suppressed)."""
    if value is None:
        return None
    return (Decimal(str(value)) / 10000).quantize(WAN, ROUND_HALF_UP)


def rows(f: dict[str, Any]) -> list[tuple[str, Cells]]:
    """The figures' rows: a heading with its unit, and the cells under the programs' columns."""

    def on_roll(kind: str) -> Cells:
        return [
            dig(f, f"on_roll.programs.dibao.by_area_type.urban.{kind}"),
            dig(f, f"on_roll.programs.dibao.by_area_type.rural.{kind}"),
            dig(f, f"on_roll.programs.tekun.by_arrangement.concentrated.{kind}"),
            dig(f, f"on_roll.programs.tekun.by_arrangement.dispersed.{kind}"),
            "",
            dig(f, f"on_roll.programs.orphan.{kind}"),
            dig(f, f"on_roll.programs.unsupported_child.{kind}"),
        ]

    def new(kind: str) -> Cells:
        return [
            dig(f, f"new.programs.dibao.by_area_type.urban.{kind}"),
            dig(f, f"new.programs.dibao.by_area_type.rural.{kind}"),
            dig(f, f"new.programs.tekun.{kind}"),
            SPAN,
            "",
            dig(f, f"new.programs.orphan.{kind}"),
            dig(f, f"new.programs.unsupported_child.{kind}"),
        ]

    def paid(kind: str, temporary: Any, convert: Callable[[Any], Any] = lambda v: v) -> Cells:
        return [
            convert(dig(f, f"payments_by_area_type.dibao.urban.{kind}")),
            convert(dig(f, f"payments_by_area_type.dibao.rural.{kind}")),
            convert(dig(f, f"payments_by_program.tekun.{kind}")),
            SPAN,
            temporary,
            convert(dig(f, f"payments_by_program.orphan.{kind}")),
            convert(dig(f, f"payments_by_program.unsupported_child.{kind}")),
        ]

    grants = f.get("temporary_assistance") or {}
    return [
        ("在册户数（户）", on_roll("households")),
        ("在册人数（人）", on_roll("persons")),
        ("新增户数（户）", new("households")),
        ("新增人数（人）", new("persons")),
        ("保障户次（户次）", paid("household_months", "")),
        ("保障人次（人次）", paid("person_months", grants.get("grants", 0))),
        ("支出资金（万元）", paid("funds", wan(grants.get("funds", "0")), wan)),
    ]


def statistics_xlsx(f: dict[str, Any]) -> bytes:
    """The workbook of one period's figures (the statistics operation's JSON) in the bureau's layout."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "救助统计"
    sheet["A1"] = "社会救助统计表"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = CENTRE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=1 + COLUMNS)
    sheet["A2"] = f"统计区划：{f['division']}"
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=1 + COLUMNS)
    _headings(sheet)
    row = _figures(sheet, f)
    footer = [
        f"统计期间：{f['period_start']} 至 {f['period_end']}；在册为 {f['on_roll']['on']} 日终",
        f"数据截至：{f['as_known_at']}（按此时已记录的事实统计）",
        "临时救助的人次为救助次数；“—”：少于 5 户的格子已隐去；更正（补发、追回）不在本表，另列于发放页。",
    ]
    for text in footer:
        row += 1
        sheet.cell(row, 1, text)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=1 + COLUMNS)
    sheet.column_dimensions["A"].width = 18
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 12
    disability_sheet(book, f)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _headings(sheet: Any) -> None:
    """The two heading rows: each group over its sub-columns, a group without any over both rows."""
    sheet.cell(HEAD_ROW, 1, "项目")
    sheet.merge_cells(start_row=HEAD_ROW, start_column=1, end_row=SUB_ROW, end_column=1)
    column = 2
    for heading, subs in GROUPS:
        sheet.cell(HEAD_ROW, column, heading)
        if subs:
            sheet.merge_cells(
                start_row=HEAD_ROW, start_column=column, end_row=HEAD_ROW, end_column=column + len(subs) - 1
            )
            for i, sub in enumerate(subs):
                sheet.cell(SUB_ROW, column + i, sub)
        else:
            sheet.merge_cells(start_row=HEAD_ROW, start_column=column, end_row=SUB_ROW, end_column=column)
        column += max(len(subs), 1)
    for r in (HEAD_ROW, SUB_ROW):
        for c in range(1, 2 + COLUMNS):
            sheet.cell(r, c).alignment = CENTRE
            sheet.cell(r, c).font = Font(bold=True)


def _figures(sheet: Any, f: dict[str, Any]) -> int:
    """One row per line of the table; the row after the last one written (the footer leaves it blank)."""
    row = FIRST_ROW
    for heading, cells in rows(f):
        sheet.cell(row, 1, heading).font = Font(bold=True)
        for i, value in enumerate(cells):
            if value is SPAN:
                sheet.merge_cells(start_row=row, start_column=1 + i, end_row=row, end_column=2 + i)
                continue
            cell = sheet.cell(row, 2 + i, SUPPRESSED if value is None else value)
            if isinstance(value, Decimal):
                cell.value, cell.number_format = float(value), "0.00"
            cell.alignment = Alignment(horizontal="right" if value is not None else "center")
        row += 1
    return row
