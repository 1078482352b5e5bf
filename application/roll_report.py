"""The import's validation report: the roll's own rows, each with what became of it and why.

Three columns are added to the sheet's: the row's status (imported, would be imported, imported by an
earlier run, skipped), the problem codes (stable, for a program to read) and the problems in
Chinese and English (for the bureau).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.roll_import import Outcome
from application.roll_validation import Plan, PlannedHousehold
from infrastructure.workbook import Sheet

STATUS = {
    "imported": "已导入 / imported",
    "would_import": "可导入 / would be imported",
    "before": "此前已导入 / imported by an earlier run",
    "skipped": "跳过 / skipped",
}
ADDED = ("状态 / status", "问题代码 / problem codes", "问题 / problems")


@dataclass(frozen=True, slots=True)
class Counts:
    """The run in figures: rows and households read, imported, found imported before, skipped, flagged."""

    rows: int
    households: int
    imported: int
    before: int
    skipped: int
    flagged: int


def status(plan: Plan, outcome: Outcome, h: PlannedHousehold, dry_run: bool) -> str:
    hid = h.source.household_id()
    if hid in outcome.before:
        return "before"
    if plan.refused(h):
        return "skipped"
    if dry_run:
        return "would_import"
    return "imported" if hid in outcome.imported else "skipped"


def report_rows(sheet: Sheet, plan: Plan, outcome: Outcome, *, dry_run: bool) -> tuple[list[str], list[list[Any]]]:
    """The report's headings and rows, in the sheet's order."""
    of_row = {n: h for h in plan.households for n in h.rows}
    rows: list[list[Any]] = []
    for n, cells in sheet.rows:
        problems = plan.problems.get(n, [])
        state = status(plan, outcome, of_row[n], dry_run)
        codes = ", ".join(p.code for p in problems)
        rows.append([*cells, STATUS[state], codes, "; ".join(p.text() for p in problems)])
    return [*sheet.headings, *ADDED], rows


def counts(sheet: Sheet, plan: Plan, outcome: Outcome, *, dry_run: bool) -> Counts:
    states = [status(plan, outcome, h, dry_run) for h in plan.households]
    flagged = sum(1 for ps in plan.problems.values() for p in ps if not p.refuses)
    return Counts(
        rows=len(sheet.rows),
        households=len(plan.households),
        imported=states.count("would_import" if dry_run else "imported"),
        before=states.count("before"),
        skipped=states.count("skipped"),
        flagged=flagged,
    )
