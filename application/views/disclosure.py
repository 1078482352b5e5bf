"""What analysts (and other roles without personal access) are shown: aggregates only, with small
cells suppressed so that no figure describes one or a few identifiable households.

The rule (docs/security.md): a cell counting fewer than ``k`` households (``JIUZHU_ANALYST_MIN_CELL``,
default 5) shows neither its counts nor its money — they read ``null`` with ``"suppressed": true``.
When exactly one cell of a roll is suppressed, the next smallest is suppressed too, so that it
cannot be recovered by subtracting the others from the total. A cell of zero households is shown
(it describes nobody).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.views.rows import RollRow

MONEY_AND_COUNTS = ("households", "persons", "enrolments", "funds", "funds_wan", "average_benefit")


@dataclass(frozen=True)
class RollCell:
    """One division and area type of a roll: households, beneficiaries and the monthly amount."""

    division_code: str
    area_type: str
    households: int | None
    persons: int | None
    amount: Decimal | None
    suppressed: bool = False


def roll_cells(rows: list[RollRow], k: int) -> tuple[list[RollCell], RollCell]:
    """The roll's rows aggregated by (division, area type), small cells suppressed, and the total."""
    households: dict[tuple[str, str], dict[UUID, Decimal]] = defaultdict(dict)
    persons: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        households[(r.division_code, r.area_type)][r.household_id] = r.household_amount
        persons[(r.division_code, r.area_type)] += 1
    counts = {key: (len(h), persons[key], sum(h.values(), Decimal("0.00"))) for key, h in households.items()}
    small = {key for key, (n, _, _) in counts.items() if 0 < n < k}
    if len(small) == 1 and len(counts) > 1:  # one hidden cell = total − the others: hide the next smallest too
        small.add(min((key for key in counts if key not in small), key=lambda key: (counts[key][0], key)))
    cells = [
        RollCell(div, area, None, None, None, True) if (div, area) in small else RollCell(div, area, n, p, amount)
        for (div, area), (n, p, amount) in sorted(counts.items())
    ]
    total_households = sum(len(h) for h in households.values())
    total = RollCell(
        "",
        "",
        total_households,
        len(rows),
        sum((c[2] for c in counts.values()), Decimal("0.00")),
    )
    if 0 < total_households < k:
        total = RollCell("", "", None, None, None, True)
    return cells, total


def suppress_statistics(figures: dict[str, Any], k: int, paid_households: dict[str, int]) -> dict[str, Any]:
    """The report figures with every cell of fewer than ``k`` households suppressed.

    ``paid_households`` gives the distinct households paid in the period, in total (key ``""``) and
    per program: the payment figures (household-months, funds) of fewer than ``k`` are suppressed.
    """
    out: dict[str, Any] = _walk(figures, k)
    if 0 < paid_households.get("", 0) < k:
        for name in ("household_months", "person_months", "funds", "funds_wan", "average_benefit"):
            out[name] = None
        out["payments_suppressed"] = True
    for program, entry in out.get("payments_by_program", {}).items():
        if 0 < paid_households.get(program, 0) < k:
            entry.update(household_months=None, person_months=None, funds=None, suppressed=True)
            if program == "tekun":  # its two parts add up to the funds: hidden with them
                entry.update(basic_living=None, care_subsidy=None)
                out["tekun_funds"] = {"basic_living": None, "care_subsidy": None, "suppressed": True}
    for program, areas in out.get("payments_by_area_type", {}).items():
        for cell in areas.values():  # small cells (and a lone sibling) were marked by _walk; hide their months too
            if cell.get("suppressed") or 0 < paid_households.get(program, 0) < k:
                cell.update(households=None, household_months=None, person_months=None, funds=None, suppressed=True)
    grants = out.get("temporary_assistance") or {}
    if 0 < (grants.get("grants") or 0) < k:
        grants.update(grants=None, funds=None, average_per_grant=None, suppressed=True)
    for entry in (grants.get("by_level") or {}).values():
        if 0 < (entry.get("grants") or 0) < k:
            entry.update(grants=None, funds=None, suppressed=True)
    return out


def _walk(value: Any, k: int) -> Any:
    if isinstance(value, dict):
        out = {key: _walk(v, k) for key, v in value.items()}
        n = value.get("households")
        if isinstance(n, int) and 0 < n < k:
            for name in MONEY_AND_COUNTS:
                if name in out:
                    out[name] = None
            out["suppressed"] = True
        _hide_a_lone_sibling(out)
        by_reason = out.get("by_reason")
        if isinstance(by_reason, dict):
            out["by_reason"] = {r: (None if isinstance(c, int) and 0 < c < k else c) for r, c in by_reason.items()}
        return out
    return value


def _hide_a_lone_sibling(cells: dict[str, Any]) -> None:
    """Among sibling cells (a mapping of cells with households), never leave exactly one suppressed."""
    siblings = {key: c for key, c in cells.items() if isinstance(c, dict) and "households" in c}
    hidden = [key for key, c in siblings.items() if c.get("suppressed")]
    shown = [key for key, c in siblings.items() if not c.get("suppressed") and c.get("households")]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda key: (siblings[key]["households"], key))
        for name in MONEY_AND_COUNTS:
            if name in siblings[smallest]:
                siblings[smallest][name] = None
        siblings[smallest]["suppressed"] = True
