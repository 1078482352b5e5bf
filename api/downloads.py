"""Tables served as CSV or XLSX downloads, with English or Chinese column headings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from fastapi import Response

from infrastructure.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx

Format = Literal["json", "csv", "xlsx"]
Lang = Literal["en", "zh"]

#: column id → (English heading, Chinese heading)
HEADINGS: dict[str, tuple[str, str]] = {
    "head_name": ("head_name", "户主姓名"),
    "id_number_masked": ("id_number_masked", "身份证号码（脱敏）"),
    "account": ("account", "银行账号"),
    "amount": ("amount", "金额（元）"),
    "household_id": ("household_id", "家庭编号"),
    "division_code": ("division_code", "行政区划代码"),
    "area_type": ("area_type", "城乡类别"),
    "person_id": ("person_id", "人员编号"),
    "name": ("name", "姓名"),
    "household_amount": ("household_amount", "家庭月保障金额（元）"),
    "beneficiaries": ("beneficiaries", "保障人数"),
    "status": ("status", "状态"),
    "figure": ("figure", "指标"),
    "value": ("value", "数值"),
    "line": ("line", "类别"),
    "for_month": ("for_month", "所属月份"),
    "households": ("households", "户数"),
    "program": ("program", "救助项目"),
    "basic_living": ("basic_living", "基本生活费（元）"),
    "care_subsidy": ("care_subsidy", "护理补贴（元）"),
    "persons": ("persons", "人数"),
}


def headings(columns: Sequence[str], lang: Lang) -> list[str]:
    return [HEADINGS[c][1 if lang == "zh" else 0] for c in columns]


def download(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: Format, lang: Lang, filename: str) -> Response:
    """A CSV or XLSX attachment of the rows under the columns' headings."""
    heads = headings(columns, lang)
    if fmt == "csv":
        body, media = to_csv(heads, rows), CSV_MEDIA_TYPE
    else:
        body, media = to_xlsx(heads, rows, title=filename), XLSX_MEDIA_TYPE
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})
