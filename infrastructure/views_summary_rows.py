"""One division's monthly summary rows, computed from its view rows (pure: no SQL here).

The statistics (``application.views.reports``) ask two kinds of question, and the summaries keep
one kind of row for each:

- **On a month's last day** (on roll, suspended): households, enrolments, persons and fen of the
  periods in force that day, per level of grouping (``LEVELS_ON``). A division's figures change
  only at its periods' boundaries, so consecutive months with the same figures are kept as one
  *run* ``[month, until)``; the last run is open (``until`` NULL): after the division's last
  boundary nothing changes any more.
- **Within a period of whole months** (payments, new, exits, grants): the additive figures
  (enrolments, persons, fen, tekun's parts) per month at the finest grouping, summed for any
  period and any coarser grouping; and the *distinct households*, which do not add up over months.
  For those each household is counted in every month it qualifies, with ``since``: the previous
  month it qualified in (same grouping key), NULL for its first. A household qualifies in a period
  ``[a, b]`` exactly once in the first month of ``[a, b]`` it qualifies in, which is the one month
  where ``since`` is NULL or before ``a``; so distinct households over ``[a, b]`` are
  ``SUM(households) WHERE a <= month <= b AND (since IS NULL OR since < a)``, exact.

Summing divisions is exact too: a household's division is given at registration and never changes,
so no household is counted in two divisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.values import first_of_next_month

PAYABLE = ("active", "gradual_exit")
SPLITS = ("area_type", "arrangement", "care_level", "placement")
#: Groupings of the figures on a day: the total, by program, by program and each split.
LEVELS_ON: tuple[tuple[str, ...], ...] = ((), ("program",), *(("program", s) for s in SPLITS))
#: Per figure within a period: its finest grouping (additive rows) and the groupings of its households.
FINEST = {
    "paid": ("program", "area_type"),
    "new": ("program", "area_type"),
    "exits": ("program", "exit_reason"),
    "grants": ("level",),
}
LEVELS_HOUSEHOLDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "paid": ((), ("program",), ("program", "area_type")),
    "new": ((), ("program",), ("program", "area_type")),
    "exits": ((), ("program",), ("program", "exit_reason")),
    "grants": ((), ("level",)),
}

Key = tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """Something counted in a month: a payment, an enrolment starting or ending, a grant."""

    household: str
    month: date
    values: Mapping[str, str | None]
    persons: int
    fen: int
    basic_fen: int = 0
    care_fen: int = 0


def level_name(by: Sequence[str]) -> str:
    return ",".join(by)


def month_of(day: date) -> date:
    return day.replace(day=1)


def last_day(month: date) -> date:
    return first_of_next_month(month) - timedelta(days=1)


def _key(values: Mapping[str, Any], by: Sequence[str]) -> tuple[str | None, str | None]:
    k = [values[b] for b in by] + [None, None]
    return k[0], k[1]


# Summary row: (figure, level, k1, k2, month, until, since, households, enrolments, persons, fen, basic, care)
Row = tuple[str, str, str | None, str | None, date, date | None, date | None, int, int, int, int, int, int]


def within_rows(figure: str, events: Iterable[Event]) -> list[Row]:
    """A figure counted within periods: additive rows at its finest grouping, households with ``since``."""
    events = sorted(events, key=lambda e: e.month)
    adds: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    finest = FINEST[figure]
    for e in events:
        a = adds[(*_key(e.values, finest), e.month)]
        a[0] += 1
        a[1] += e.persons
        a[2] += e.fen
        a[3] += e.basic_fen
        a[4] += e.care_fen
    rows: list[Row] = [
        (figure, level_name(finest), k1, k2, month, None, None, 0, *a) for (k1, k2, month), a in adds.items()
    ]
    for by in LEVELS_HOUSEHOLDS[figure]:
        seen: dict[tuple[str, Any, Any], date] = {}  # (household, key) → last month it qualified in
        counted: dict[tuple[Any, ...], int] = defaultdict(int)
        for e in events:
            key = _key(e.values, by)
            hk = (e.household, *key)
            since = seen.get(hk)
            if since == e.month:
                continue  # already counted this month
            seen[hk] = e.month
            counted[(*key, e.month, since)] += 1
        rows += [
            (f"{figure}_households", level_name(by), k1, k2, month, None, since, n, 0, 0, 0, 0, 0)
            for (k1, k2, month, since), n in counted.items()
        ]
    return rows


def county_rows(rows: Sequence[Row]) -> list[Row]:
    """A county's summary rows from its divisions': additive and household rows summed per month (and
    ``since``), on-day runs cut where any division's run changes and summed (households are disjoint)."""
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * 6)
    steps: dict[tuple[Any, ...], list[tuple[date, None, int, tuple[int, ...]]]] = defaultdict(list)
    for r in rows:
        if r[0] in ("on_roll", "suspended"):
            values = tuple(int(v) for v in r[7:11])
            steps[r[:4]].append((r[4], None, +1, values))
            if r[5] is not None:
                steps[r[:4]].append((r[5], None, -1, values))
            continue
        s = sums[r[:7]]
        for i, v in enumerate(r[7:]):
            s[i] += int(v)
    out: list[Row] = [(*k, *v) for k, v in sums.items()]
    for key, changes in steps.items():
        out += _sweep(key, changes)
    return out


def on_day_rows(periods: Sequence[Mapping[str, Any]]) -> list[Row]:
    """On roll and suspended on each month's last day, as runs of equal figures (see the module doc).

    A period covers the last days of the months from its first day's month up to, not including, the
    month its end falls in. ``periods``: the division's period rows (dates parsed)."""
    steps: dict[tuple[Any, ...], list[tuple[date, str, int, tuple[int, ...]]]] = defaultdict(list)
    for p in periods:
        figure = _figure(p)
        if figure is None:
            continue
        start, end = month_of(p["from_date"]), month_of(p["to_date"]) if p["to_date"] is not None else None
        if end is not None and end <= start:
            continue  # ends within its first month: never in force on a month's last day
        values = (0, 1, int(p["beneficiaries_count"]), int(p["monthly_fen"]))
        for by in LEVELS_ON:
            changes = steps[(figure, level_name(by), *_key(p, by))]
            changes.append((start, p["household_id"], +1, values))
            if end is not None:
                changes.append((end, p["household_id"], -1, values))
    out: list[Row] = []
    for key, changes in steps.items():
        out += _sweep(key, changes)
    return out


def _sweep(key: tuple[Any, ...], changes: list[Any]) -> list[Row]:
    """Runs of equal figures from dated changes (month, household or None, +1/-1, values): households
    are those covered at least once (a household's coverage is counted), or summed when None."""
    covered: dict[str, int] = defaultdict(int)
    total = [0, 0, 0, 0]
    rows: list[Row] = []
    changes.sort(key=lambda c: c[0])
    i = 0
    while i < len(changes):
        month = changes[i][0]
        while i < len(changes) and changes[i][0] == month:
            _, household, sign, values = changes[i]
            for j in range(1, 4):
                total[j] += sign * values[j]
            if household is None:
                total[0] += sign * values[0]
            else:
                before = covered[household]
                covered[household] = before + sign
                total[0] += (covered[household] > 0) - (before > 0)
            i += 1
        if rows and rows[-1][5] is None:  # the run in force until now ends here
            rows[-1] = (*rows[-1][:5], month, *rows[-1][6:])
        if any(total):
            rows.append((*key, month, None, None, *total, 0, 0))
    return _merge(rows)


def _merge(rows: list[Row]) -> list[Row]:
    """Adjacent runs with the same figures as one."""
    out: list[Row] = []
    for r in rows:
        if out and out[-1][5] == r[4] and out[-1][7:] == r[7:]:
            out[-1] = (*out[-1][:5], r[5], *out[-1][6:])
        else:
            out.append(r)
    return out


def _figure(p: Mapping[str, Any]) -> str | None:
    if p["status"] in PAYABLE and int(p["monthly_fen"]) > 0:
        return "on_roll"
    return "suspended" if p["status"] == "suspended" else None
