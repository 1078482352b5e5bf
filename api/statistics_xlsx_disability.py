"""The statistics workbook's sheet of the two disability subsidies, by the certificate's grade and
category (the figures' ``disability`` part; docs/rules.md, "Reports")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl.styles import Font  # type: ignore[import-untyped]

PROGRAMS = (("disability_living", "困难残疾人生活补贴"), ("disability_care", "重度残疾人护理补贴"))
SPLITS = (("by_grade", "残疾等级"), ("by_category", "残疾类别"))
CATEGORIES = {
    "physical": "肢体",
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "intellectual": "智力",
    "mental": "精神",
    "multiple": "多重",
    "none": "无有效证",
}
HEADINGS = ("补贴", "分组", "", "在册人数（人）", "新增人数（人）", "保障人次（人次）", "支出资金（万元）")
SUPPRESSED = "—"


def disability_sheet(book: Any, f: dict[str, Any]) -> None:
    """Add the sheet: one row per subsidy, split and grade or category."""
    sheet = book.create_sheet("残疾人两项补贴")
    for column, heading in enumerate(HEADINGS, start=1):
        sheet.cell(1, column, heading).font = Font(bold=True)
    row = 2
    figures = f.get("disability") or {}
    for program, name in PROGRAMS:
        for split, split_name in SPLITS:
            for key, cell in (figures.get(program, {}).get(split) or {}).items():
                label = f"{key}级" if split == "by_grade" else CATEGORIES.get(key, key)
                funds = cell.get("funds")
                wan = None if funds is None else (Decimal(funds) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)
                values: tuple[Any, ...] = (name, split_name, label, cell.get("persons"), cell.get("new_persons"))
                values += (cell.get("person_months"), None if wan is None else float(wan))
                for column, value in enumerate(values, start=1):
                    sheet.cell(row, column, SUPPRESSED if value is None else value)
                row += 1
    for letter, width in zip("ABCDEFG", (20, 10, 10, 14, 14, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width
