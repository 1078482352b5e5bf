"""Reading a bureau's Excel roll and writing the import's validation report (openpyxl).

The roll is read in openpyxl's read-only mode (rows streamed, not the whole tree in memory); the
heading row is the first row with at least three non-empty cells, so a title line above it (“XX区
2023年1月低保花名册”) is skipped. Values come back as text: what each cell means is the application's
business (``application.roll_columns``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from infrastructure.exports import to_xlsx

HEADING_MIN_CELLS = 3
SCAN_FOR_HEADINGS = 10  # rows above the table a bureau's sheet may carry (title, unit, date)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet of a roll: its name, the headings and each row below them as text with its row number."""

    name: str
    heading_row: int
    headings: tuple[str, ...]
    rows: list[tuple[int, tuple[str, ...]]]


def file_hash(path: Path) -> str:
    """The SHA-256 of the file's bytes: what the migration events name as their source."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def text(value: Any) -> str:
    """A cell as text: dates as ISO dates, whole numbers without a decimal point, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return str(value).strip()


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The named sheet (default: the first) as headings and rows of text; empty rows are left out."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = _rows(ws.iter_rows(values_only=True))
        heading_row, headings = _headings(rows)
        body = [(n, cells) for n, cells in rows if any(cells)]
        return Sheet(ws.title, heading_row, headings, body)
    finally:
        book.close()


def _rows(values: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[str, ...]]]:
    for n, row in enumerate(values, start=1):
        yield n, tuple(text(v) for v in row)


def _headings(rows: Iterator[tuple[int, tuple[str, ...]]]) -> tuple[int, tuple[str, ...]]:
    for n, cells in rows:
        if sum(1 for c in cells if c) >= HEADING_MIN_CELLS:
            return n, tuple(" ".join(c.split()) for c in cells)
        if n >= SCAN_FOR_HEADINGS:
            break
    raise ValueError(f"no heading row (at least {HEADING_MIN_CELLS} named columns) in the first rows")


def write_table(path: Path, headings: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "report") -> None:
    """Write one sheet: a heading row and the rows, no text read as a formula (``infrastructure.exports``)."""
    path.write_bytes(to_xlsx(headings, rows, title=title))
