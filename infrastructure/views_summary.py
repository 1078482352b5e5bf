"""The monthly summaries: kept stale-marked by the projection, summarised per division when read.

The projection marks each division its page touched as *stale* (with the page's position) in the
same transaction as the view rows and the tracking record, so a page is summarised exactly when its
rows are there: never twice, never lost. Before the statistics read the summaries of a jurisdiction,
the stale divisions within it are summarised again from their own view rows (``views_summary_rows``):
a transaction replaces each division's summary rows, marks its county's roll-up stale and clears the
division's mark only if no page marked it again meanwhile. For a county or larger the stale roll-ups
follow, finest first (``summary_rollup``: counties from their divisions' rows, cities from their
counties', the province from its cities'), each marking the one above it. Reading a district costs
that district's rows at most, and a year of a province a few rows per month and grouping, however
large the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from infrastructure.view_schema import ViewSQL
from infrastructure.views_summary_rows import Event, Row, county_rows, on_day_rows, within_rows

BATCH = 100  # divisions summarised per transaction
#: The roll-ups' grains, finest first: county, city, province (digits of the code). A jurisdiction reads
#: the roll-up of its own grain, or (township, village) its divisions' rows.
ROLLUPS = (6, 4, 2)
COUNTY = ROLLUPS[0]
ROLLUP_MARK = "C"  # a roll-up is stale: "C430112" (never within a range of digit codes)
#: A roll-up is stale: a counter, so that a roll-up running meanwhile keeps the mark.
COUNTY_MARK = (
    "INSERT INTO {stale} (division_code, position) VALUES (%s, 1) "
    "ON CONFLICT (division_code) DO UPDATE SET position = {stale}.position + 1"
)


def within_division(prefix: str, column: str = "division_code") -> tuple[str, list[str]]:
    """``column`` within a jurisdiction, as a range of division codes (digits) an index serves on both
    backends (SQLite does not use an index for a case-insensitive ``LIKE``)."""
    if not prefix:
        return "1 = 1", []
    stem = prefix.rstrip("9")
    if not stem:
        return f"{column} >= %s", [prefix]
    upper = stem[:-1] + chr(ord(stem[-1]) + 1)
    return f"{column} >= %s AND {column} < %s", [prefix, upper]


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class SummarySQL(ViewSQL):
    """Marking, summarising and reading the summary rows (``SummaryCounts`` asks the questions)."""

    FOR_UPDATE = ""  # PostgreSQL locks the stale mark while summarising (SQLite's writes are serial anyway)

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self.read() as c:
            c.execute(self.q(sql), tuple(params))
            return list(c.fetchall())

    def mark_all_stale(self) -> None:
        """Every division with view rows is to be summarised again (after an upgrade, or rows written
        by other means than the projection, such as the bench's cloned counties)."""
        with self.write() as c:
            c.execute(
                f"INSERT INTO {self.t('stale')} (division_code, position) SELECT division_code, 0 FROM "
                f"(SELECT division_code FROM {self.t('households')} UNION "
                f"SELECT division_code FROM {self.t('payments')}) d WHERE 1 = 1 ON CONFLICT (division_code) DO NOTHING"
            )

    def backfill_summaries(self) -> None:
        """A store that has view rows but neither summaries nor stale marks was made before the summaries
        (schema version 4): mark every division, so that the first read summarises them."""

        def present(table: str) -> bool:
            return bool(self._rows(f"SELECT 1 AS x FROM {self.t(table)} LIMIT 1", ()))

        if not present("summary") and not present("stale") and present("households"):
            self.mark_all_stale()

    def refresh_summaries(self, prefix: str) -> int:
        """Summarise the stale divisions within a jurisdiction, then roll up the stale counties, cities and
        province within it, as far as its own grain (each one summarised marks its parent); returns how
        many divisions there were."""
        divisions = self._stale(prefix)
        for start in range(0, len(divisions), BATCH):  # a commit per division was most of a rebuild's summarising
            with self.write() as c:
                for division in divisions[start : start + BATCH]:
                    self._replace(c, division, division, "summary", self._division_rows)
        for grain in ROLLUPS:
            if len(prefix) > grain:
                break
            for mark in self._stale(prefix, ROLLUP_MARK):
                if len(mark) == len(ROLLUP_MARK) + grain:
                    with self.write() as c:
                        self._replace(c, mark, mark[len(ROLLUP_MARK) :], "summary_rollup", self._rollup_rows)
        return len(divisions)

    def _stale(self, prefix: str, mark: str = "") -> list[str]:
        """Stale divisions within a jurisdiction (or roll-ups' marks: ``C`` and the code)."""
        where, params = within_division(prefix)
        rows = self._rows(f"SELECT division_code FROM {self.t('stale')} WHERE {where}", [mark + p for p in params])
        found = (r["division_code"] for r in rows)
        return sorted(code for code in found if code.startswith(mark) and code[len(mark) :].isdigit())

    def _replace(self, c: Any, mark: str, code: str, table: str, compute: Callable[[Any, str], list[Row]]) -> None:
        """In the caller's transaction: lock the stale mark, replace the code's summary rows, mark the
        roll-up above it stale, clear the mark unless a page (or, for a roll-up, a summary below it)
        marked it again meanwhile."""
        t = self.t
        c.execute(self.q(f"SELECT position FROM {t('stale')} WHERE division_code = %s{self.FOR_UPDATE}"), (mark,))
        found = c.fetchall()
        if not found:
            return  # summarised meanwhile by another reader
        rows = compute(c, code)
        c.execute(self.q(f"DELETE FROM {t(table)} WHERE division_code = %s"), (code,))
        if rows:
            self.insert_rows(c, table, [(code, *self._dated(r)) for r in rows])
        parent = _parent(code) if table == "summary_rollup" else code[:COUNTY]
        if parent is not None:
            c.execute(self.q(COUNTY_MARK.format(stale=t("stale"))), (ROLLUP_MARK + parent,))
        c.execute(
            self.q(f"DELETE FROM {t('stale')} WHERE division_code = %s AND position = %s"),
            (mark, found[0]["position"]),
        )

    def _rollup_rows(self, c: Any, code: str) -> list[Row]:
        """A county's roll-up from its divisions' summary rows; a city's from its counties', a province's
        from its cities'."""
        where, params = within_division(code)
        if len(code) == COUNTY:
            source = self.t("summary")
        else:
            child = ROLLUPS[ROLLUPS.index(len(code)) - 1]
            source, where = self.t("summary_rollup"), f"{where} AND length(division_code) = {child}"
        columns = ("households", "enrolments", "persons", "fen", "basic_fen", "care_fen")
        c.execute(
            self.q(
                f"SELECT figure, level, k1, k2, month, until, since, {', '.join(columns)} FROM {source} WHERE {where}"
            ),
            tuple(params),
        )
        rows: list[Row] = [
            (r["figure"], r["level"], r["k1"], r["k2"], _month(r["month"]), _day(r["until"]), _day(r["since"]))
            + tuple(int(r[k]) for k in columns)  # type: ignore[misc]
            for r in c.fetchall()
        ]
        return county_rows(rows)

    def _dated(self, r: Row) -> tuple[Any, ...]:
        d = self.d
        return (*r[:4], d(r[4]), d(r[5]), d(r[6]), *r[7:])

    def _fetch(self, c: Any, sql: str, division: str) -> list[Any]:
        c.execute(self.q(sql + " WHERE division_code = %s"), (division,))
        return list(c.fetchall())

    def _division_rows(self, c: Any, division: str) -> list[Row]:
        """Every summary row of one division, from its view rows."""
        t = self.t
        periods = [
            {**dict(p), "from_date": _day(p["from_date"]), "to_date": _day(p["to_date"])}
            for p in self._fetch(
                c,
                "SELECT household_id, program, area_type, arrangement, care_level, placement, status, from_date, "
                f"to_date, monthly_fen, beneficiaries_count FROM {t('periods')}",
                division,
            )
            if p["status"] in ("active", "gradual_exit", "suspended")
        ]
        enrolments = self._fetch(
            c,
            "SELECT household_id, program, area_type, started_on, started_persons, ended_on, exit_reason, "
            f"monthly_fen, beneficiaries_count FROM {t('enrolments')}",
            division,
        )
        payments = self._fetch(
            c,
            "SELECT household_id, program, area_type, paid_month, amount_fen, beneficiaries_count, basic_fen, "
            f"care_fen FROM {t('payments')}",
            division,
        )
        grants = self._fetch(c, f"SELECT household_id, level, amount_fen, granted_on FROM {t('grants')}", division)
        return [
            *on_day_rows(periods),
            *within_rows("paid", [_paid(p) for p in payments]),
            *within_rows("new", [_started(e) for e in enrolments if e["started_on"] is not None]),
            *within_rows("exits", [_ended(e) for e in enrolments if e["ended_on"] is not None]),
            *within_rows("grants", [_granted(g) for g in grants]),
        ]


def _parent(code: str) -> str | None:
    """The roll-up above a roll-up's code (a county's city, a city's province), None for a province."""
    coarser = [g for g in ROLLUPS if g < len(code)]
    return code[: coarser[0]] if coarser else None


def _month(value: Any) -> date:
    day = _day(value)
    assert day is not None
    return day.replace(day=1)


def _paid(p: Any) -> Event:
    values = {"program": p["program"], "area_type": p["area_type"]}
    basic, care = int(p["basic_fen"] or 0), int(p["care_fen"] or 0)
    if p["program"] != "tekun":
        basic = care = 0  # the statistics sum tekun's parts only
    return Event(
        p["household_id"],
        _month(p["paid_month"]),
        values,
        int(p["beneficiaries_count"]),
        int(p["amount_fen"]),
        basic,
        care,
    )


def _started(e: Any) -> Event:
    values = {"program": e["program"], "area_type": e["area_type"]}
    return Event(
        e["household_id"], _month(e["started_on"]), values, int(e["started_persons"] or 0), int(e["monthly_fen"])
    )


def _ended(e: Any) -> Event:
    values = {"program": e["program"], "exit_reason": e["exit_reason"]}
    return Event(e["household_id"], _month(e["ended_on"]), values, int(e["beneficiaries_count"]), int(e["monthly_fen"]))


def _granted(g: Any) -> Event:
    return Event(g["household_id"], _month(g["granted_on"]), {"level": g["level"]}, 1, int(g["amount_fen"]))
