"""The statistics' counts read from the monthly summaries: the same answers as the view store's
recounts (``SQLViewStore.count_*``, kept as the exact oracle), for whole months only.

Each method takes the recount's arguments and gives the recount's ``Count`` rows; it refuses a day
that is not a month's last (on-day figures) or a period that is not whole months, which the
summaries cannot answer. How the rows answer is in ``infrastructure.views_summary_rows``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from application.views.rows import Count
from infrastructure.fen import from_fen
from infrastructure.views_summary import ROLLUPS, SummarySQL, within_division
from infrastructure.views_summary_rows import (
    FINEST,
    LEVELS_HOUSEHOLDS,
    LEVELS_ON,
    PAYABLE,
    last_day,
    level_name,
    month_of,
)


class SummaryCounts:
    """Counts for one jurisdiction from the summaries (its stale divisions summarised first)."""

    def __init__(self, store: SummarySQL, prefix: str):
        self.store = store
        self.prefix = prefix
        grains = [g for g in ROLLUPS if len(prefix) <= g]  # the roll-up of the jurisdiction's own grain, if any
        self.table = "summary_rollup" if grains else "summary"
        self.grain = f" AND length(division_code) = {min(grains)}" if grains else ""
        store.refresh_summaries(prefix)

    def _select(self, figure: str, where: str, params: Sequence[Any], sums: str) -> list[Any]:
        division, more = within_division(self.prefix)
        return self.store._rows(
            f"SELECT k1, k2, {sums} FROM {self.store.t(self.table)} "
            f"WHERE figure = %s AND {where} AND {division}{self.grain} "
            "GROUP BY k1, k2",
            (figure, *params, *more),
        )

    def count_on(self, on: date, prefix: str, statuses: Sequence[str], by: Sequence[str] = ()) -> list[Count]:
        """On roll (``active``/``gradual_exit`` with something due) or suspended on a month's last day."""
        self._check(prefix)
        figure = {tuple(PAYABLE): "on_roll", ("suspended",): "suspended"}.get(tuple(sorted(statuses)))
        if figure is None or tuple(by) not in LEVELS_ON or on != last_day(on):
            raise ValueError(f"the summaries do not keep {statuses} by {by} on {on}")
        month = self.store.d(month_of(on))
        rows = self._select(
            figure,
            "level = %s AND month <= %s AND (until IS NULL OR until > %s)",
            (level_name(by), month, month),
            "SUM(households) AS households, SUM(enrolments) AS enrolments, SUM(persons) AS persons, SUM(fen) AS fen",
        )
        counts = [
            Count(
                (r["k1"], r["k2"])[: len(by)],
                int(r["households"]),
                int(r["enrolments"]),
                int(r["persons"]),
                from_fen(r["fen"]),
            )
            for r in rows
        ]
        return counts if by or counts else [Count((), 0, 0, 0, from_fen(0))]

    def count_started(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]:
        return self._within("new", start, end, prefix, by)

    def count_ended(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]:
        return self._within("exits", start, end, prefix, by)

    def count_payments(
        self, start: date, end: date, prefix: str, by: Sequence[str] = (), *, households: bool = True
    ) -> list[Count]:
        return self._within("paid", start, end, prefix, by, households)

    def count_grants(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]:
        return self._within("grants", start, end, prefix, by)

    def parts_paid(self, start: date, end: date, prefix: str) -> tuple[Decimal, Decimal]:
        """tekun's basic living and care subsidy over the payments for months in [start, end]."""
        first, last = self._months(start, end, prefix)
        rows = self._select(
            "paid",
            "month >= %s AND month <= %s AND k1 = 'tekun'",
            (first, last),
            "SUM(basic_fen) AS basic, SUM(care_fen) AS care",
        )
        return from_fen(sum(int(r["basic"] or 0) for r in rows)), from_fen(sum(int(r["care"] or 0) for r in rows))

    def _within(
        self, figure: str, start: date, end: date, prefix: str, by: Sequence[str], households: bool = True
    ) -> list[Count]:
        """A figure within whole months: additive sums regrouped, distinct households by ``since``."""
        first, last = self._months(start, end, prefix)
        if tuple(by) not in LEVELS_HOUSEHOLDS[figure]:
            raise ValueError(f"the summaries do not keep {figure} by {by}")
        finest = FINEST[figure]
        sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for r in self._select(
            figure,
            "month >= %s AND month <= %s",
            (first, last),
            "SUM(enrolments) AS enrolments, SUM(persons) AS persons, SUM(fen) AS fen",
        ):
            values = dict(zip(finest, (r["k1"], r["k2"]), strict=False))
            s = sums[tuple(values[b] for b in by)]
            s[1:] = [s[1] + int(r["enrolments"]), s[2] + int(r["persons"]), s[3] + int(r["fen"])]
        if households:
            for r in self._select(
                f"{figure}_households",
                "level = %s AND month >= %s AND month <= %s AND (since IS NULL OR since < %s)",
                (level_name(by), first, last, first),
                "SUM(households) AS households",
            ):
                sums[(r["k1"], r["k2"])[: len(by)]][0] += int(r["households"])
        counts = [Count(key, h, e, p, from_fen(f)) for key, (h, e, p, f) in sums.items()]
        return counts if by or counts else [Count((), 0, 0, 0, from_fen(0))]

    def _months(self, start: date, end: date, prefix: str) -> tuple[Any, Any]:
        self._check(prefix)
        if start != month_of(start) or end != last_day(end):
            raise ValueError(f"the summaries keep whole months, not {start} to {end}")
        return self.store.d(start), self.store.d(month_of(end))

    def _check(self, prefix: str) -> None:
        if prefix != self.prefix:
            raise ValueError(f"these counts are for {self.prefix}, not {prefix}")
