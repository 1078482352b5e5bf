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
    runs: list[Row] = []
    for r in rows:
        if r[0] in ("on_roll", "suspended"):
            runs.append(r)
            continue
        s = sums[r[:7]]
        for i, v in enumerate(r[7:]):
            s[i] += int(v)
    out: list[Row] = [(*k, *v) for k, v in sums.items()]
    if not runs:
        return out
    first = min(r[4] for r in runs)
    horizon = max([r[4] for r in runs] + [r[5] for r in runs if r[5] is not None])
    acc: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for figure, level, k1, k2, start, until, _, *values in runs:
        month = start
        while month <= horizon and (until is None or month < until):
            a = acc[(figure, level, k1, k2, month)]
            for i in range(4):
                a[i] += int(values[i])
            month = first_of_next_month(month)
    return out + _runs(acc, first, horizon)


def on_day_rows(periods: Sequence[Mapping[str, Any]]) -> list[Row]:
    """On roll and suspended on each month's last day, as runs of equal figures (see the module doc).

    ``periods``: the division's period rows (dates parsed) in a status that either figure counts."""
    figures = [(_figure(p), p) for p in periods]
    figures = [(f, p) for f, p in figures if f is not None]
    if not figures:
        return []
    bounds = [p["from_date"] for _, p in figures] + [p["to_date"] for _, p in figures if p["to_date"] is not None]
    first, horizon = month_of(min(bounds)), month_of(max(bounds))
    acc: dict[tuple[Any, ...], tuple[set[str], list[int]]] = {}
    for figure, p in figures:
        month = month_of(p["from_date"])
        while month <= horizon:
            end = last_day(month)
            if p["to_date"] is not None and p["to_date"] <= end:
                break
            if p["from_date"] <= end:
                for by in LEVELS_ON:
                    households, sums = acc.setdefault((figure, level_name(by), *_key(p, by), month), (set(), [0, 0, 0]))
                    households.add(p["household_id"])
                    sums[0] += 1
                    sums[1] += int(p["beneficiaries_count"])
                    sums[2] += int(p["monthly_fen"])
            month = first_of_next_month(month)
    counted = {k: [len(households), *sums] for k, (households, sums) in acc.items()}
    return _runs(counted, first, horizon)


def _figure(p: Mapping[str, Any]) -> str | None:
    if p["status"] in PAYABLE and int(p["monthly_fen"]) > 0:
        return "on_roll"
    return "suspended" if p["status"] == "suspended" else None


def _runs(acc: Mapping[tuple[Any, ...], list[int]], first: date, horizon: date) -> list[Row]:
    """Consecutive months with equal figures (households, enrolments, persons, fen) as one row; the run
    reaching the horizon stays open."""
    series: dict[tuple[Any, ...], dict[date, tuple[int, int, int, int]]] = defaultdict(dict)
    for (figure, level, k1, k2, month), values in acc.items():
        series[(figure, level, k1, k2)][month] = tuple(values)  # type: ignore[assignment]
    rows: list[Row] = []
    for (figure, level, k1, k2), by_month in series.items():
        start: date | None = None
        value = (0, 0, 0, 0)
        month = first
        while True:
            current = by_month.get(month, (0, 0, 0, 0)) if month <= horizon else None
            if current != value:
                if start is not None and value != (0, 0, 0, 0):
                    until = month if current is not None else None
                    rows.append((figure, level, k1, k2, start, until, None, *value, 0, 0))
                if current is None:
                    break
                start, value = month, current
            month = first_of_next_month(month)
    return rows
