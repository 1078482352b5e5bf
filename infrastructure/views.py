"""Read-model storage, the read side: every query the payroll and the reports ask of the views, in
SQL both backends accept (``infrastructure.view_stores`` chooses the store for a backend)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.views.rows import Count, EnrolmentRow, HouseholdQuery, PayableRow, RollRow, SheetRow
from infrastructure.fen import from_fen, parse_parts
from infrastructure.views_summary import SummarySQL, within_division
from infrastructure.views_summary_counts import SummaryCounts

PAYABLE = ("active", "gradual_exit")
OPEN = ("approved", "active", "suspended", "gradual_exit")
GROUPS = frozenset({"program", "area_type", "status", "arrangement", "care_level", "placement", "exit_reason", "level"})
COVERS = "from_date <= %s AND (to_date IS NULL OR to_date > %s)"


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _keyed(r: Any) -> dict[str, Any]:
    """The columns every row of an enrolment starts with: its id, its household's, its program, its division."""
    keys = ("enrolment_id", "household_id")
    return {k: _uuid(r[k]) for k in keys} | {"program": r["program"], "division_code": r["division_code"]}


def _ids(text: str) -> tuple[UUID, ...]:
    return tuple(UUID(p) for p in text.split())


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"  # fixed vocabularies only, never input


class SQLViewStore(SummarySQL):
    """The views with their queries: the application's ``ViewStore`` port (``application.views.ports``)
    in SQL both backends accept; ``SQLiteViews`` and ``PostgresViews`` are the concrete stores."""

    def summaries(self, prefix: str) -> SummaryCounts:
        """The statistics' counts for a jurisdiction from the monthly summaries (whole months only); the
        ``count_*`` methods below are the exact recount they equal (tests/application/test_summaries.py)."""
        return SummaryCounts(self, prefix)

    def search(self, q: HouseholdQuery) -> list[dict[str, Any]]:
        """Households in the division, optionally with an enrolment of a program and/or in a status on a
        date, optionally among given ids; each with its enrolments' programs and statuses on that date."""
        if q.household_ids is not None and not q.household_ids:
            return []
        where, params = self._search_where(q)
        rows = self._rows(
            f"SELECT h.household_id, h.division_code, h.area_type, h.head_name, h.head_id_masked "
            f"FROM {self.t('households')} h WHERE {' AND '.join(where)} "
            "ORDER BY h.division_code, h.household_id LIMIT %s OFFSET %s",
            (*params, q.limit, q.offset),
        )
        found = {r["household_id"]: r for r in rows}
        enrolments = self._enrolments_on(q.on, list(found))
        return [
            {
                "household_id": hid,
                "division_code": r["division_code"],
                "area_type": r["area_type"],
                "head_name": self.unseal(r["head_name"]),
                "head_id_masked": self.unseal(r["head_id_masked"]),
                "enrolments": enrolments[hid],
            }
            for hid, r in found.items()
        ]

    def _search_where(self, q: HouseholdQuery) -> tuple[list[str], list[Any]]:
        where, params = ["h.division_code LIKE %s"], [q.prefix + "%"]
        if q.program is not None or q.status is not None:
            cond = ["p.from_date <= %s AND (p.to_date IS NULL OR p.to_date > %s) AND p.division_code LIKE %s"]
            params += [self.d(q.on), self.d(q.on), q.prefix + "%"]
            if q.program is not None:
                cond.append("p.program = %s")
                params.append(q.program)
            if q.status is not None:
                cond.append("p.status = %s")
                params.append(q.status)
            # one uncorrelated subquery: a correlated EXISTS let SQLite scan every period for each household
            where.append(
                f"h.household_id IN (SELECT p.household_id FROM {self.t('periods')} p WHERE {' AND '.join(cond)})"
            )
        if q.household_ids is not None:
            where.append("h.household_id IN (" + ", ".join(["%s"] * len(q.household_ids)) + ")")
            params += list(q.household_ids)
        return where, params

    def _enrolments_on(self, on: date, household_ids: list[str]) -> dict[str, list[dict[str, str]]]:
        """Each household's enrolments (id, program, status) on a date."""
        enrolments: dict[str, list[dict[str, str]]] = {hid: [] for hid in household_ids}
        if household_ids:
            for e in self._rows(
                f"SELECT household_id, enrolment_id, program, status FROM {self.t('periods')} WHERE {COVERS} "
                "AND household_id IN (" + ", ".join(["%s"] * len(household_ids)) + ")",
                (self.d(on), self.d(on), *household_ids),
            ):
                enrolments[e["household_id"]].append(
                    {"enrolment_id": e["enrolment_id"], "program": e["program"], "status": e["status"]}
                )
        return enrolments

    def payable_on(self, on: date, prefix: str) -> list[PayableRow]:
        """Enrolments ``active`` or ``gradual_exit`` on a date, in the division, each with the day from which
        its household has an account (the payroll credits only those with one on the month's first day)."""
        since = f"(SELECT h.account_since FROM {self.t('households')} h WHERE h.household_id = p.household_id)"
        rows = self._rows(
            f"SELECT p.*, {since} AS account_since FROM {self.t('periods')} p WHERE status IN {_in(PAYABLE)} "
            f"AND monthly_fen > 0 AND {COVERS} AND division_code LIKE %s "
            "ORDER BY division_code, household_id, enrolment_id",
            (self.d(on), self.d(on), prefix + "%"),
        )
        return [
            PayableRow(
                **_keyed(r),
                area_type=r["area_type"],
                amount=from_fen(r["monthly_fen"]),
                beneficiaries=_ids(r["beneficiaries"]),
                parts=parse_parts(r["parts"]),
                account_since=_date(r["account_since"]),
            )
            for r in rows
        ]

    def roll(self, program: str, on: date, prefix: str) -> list[RollRow]:
        """One row per beneficiary of the program's enrolments on roll on a date, in the division (a range of
        division codes, which the periods' division index serves: the roll reads that division's rows only)."""
        division, within = within_division(prefix, "p.division_code")
        rows = self._rows(
            f"SELECT p.household_id, p.division_code, p.area_type, p.status, p.monthly_fen, p.beneficiaries, "
            f"m.person_id, m.name, m.id_masked FROM {self.t('periods')} p JOIN {self.t('members')} m "
            f"ON m.household_id = p.household_id WHERE p.program = %s AND p.status IN {_in(PAYABLE)} "
            "AND p.monthly_fen > 0 AND p.from_date <= %s AND (p.to_date IS NULL OR p.to_date > %s) "
            f"AND {division} ORDER BY p.division_code, p.household_id",
            (program, self.d(on), self.d(on), *within),
        )
        out: list[tuple[int, RollRow]] = []
        for r in rows:
            covered = r["beneficiaries"].split()
            if r["person_id"] not in covered:
                continue
            row = RollRow(
                household_id=_uuid(r["household_id"]),
                division_code=r["division_code"],
                area_type=r["area_type"],
                person_id=_uuid(r["person_id"]),
                name=self.unseal(r["name"]),
                id_masked=self.unseal(r["id_masked"]),
                household_amount=from_fen(r["monthly_fen"]),
                beneficiaries_count=len(covered),
                status=r["status"],
            )
            out.append((covered.index(r["person_id"]), row))
        out.sort(key=lambda x: (x[1].division_code, str(x[1].household_id), x[0]))
        return [row for _, row in out]

    def _counts(
        self, table: str, where: str, params: Sequence[Any], by: Sequence[str], persons: str, households: bool = True
    ) -> list[Count]:
        if not set(by) <= GROUPS:
            raise ValueError(f"cannot group by {by}")
        amount = "amount_fen" if table in ("payments", "grants") else "monthly_fen"
        cols = "".join(f"{b}, " for b in by)
        group = f" GROUP BY {', '.join(by)}" if by else ""
        distinct = "COUNT(DISTINCT household_id)" if households else "0"  # the distinct count is most of the cost
        rows = self._rows(
            f"SELECT {cols}{distinct} AS households, COUNT(*) AS enrolments, "
            f"SUM({persons}) AS persons, SUM({amount}) AS fen FROM {self.t(table)} WHERE {where}{group}",
            params,
        )
        return [
            Count(
                key=tuple(r[b] for b in by),
                households=int(r["households"]),
                enrolments=int(r["enrolments"]),
                persons=int(r["persons"] or 0),
                amount=from_fen(r["fen"]),
            )
            for r in rows
        ]

    def count_on(self, on: date, prefix: str, statuses: Sequence[str], by: Sequence[str] = ()) -> list[Count]:
        """Enrolments in one of ``statuses`` on a date, grouped."""
        payable = " AND monthly_fen > 0" if set(statuses) <= set(PAYABLE) else ""  # nothing due: not on the roll
        where = f"status IN {_in(statuses)}{payable} AND {COVERS} AND division_code LIKE %s"
        return self._counts("periods", where, (self.d(on), self.d(on), prefix + "%"), by, "beneficiaries_count")

    def count_started(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]:
        """Enrolments first in effect within [start, end]."""
        where = "started_on >= %s AND started_on <= %s AND division_code LIKE %s"
        return self._counts("enrolments", where, (self.d(start), self.d(end), prefix + "%"), by, "started_persons")

    def count_ended(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]:
        """Enrolments terminated with effect within [start, end]."""
        where = "ended_on >= %s AND ended_on <= %s AND division_code LIKE %s"
        return self._counts("enrolments", where, (self.d(start), self.d(end), prefix + "%"), by, "beneficiaries_count")

    def count_payments(
        self, start: date, end: date, prefix: str, by: Sequence[str] = (), *, households: bool = True
    ) -> list[Count]:
        """Monthly payments for months within [start, end]; ``households=False``: not counted (0), much faster."""
        where = "paid_month >= %s AND paid_month <= %s AND division_code LIKE %s"
        params = (self.d(start), self.d(end), prefix + "%")
        return self._counts("payments", where, params, by, "beneficiaries_count", households)

    def count_grants(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]:
        """Temporary assistance grants made within [start, end]; persons counts grants (人次)."""
        where = "granted_on >= %s AND granted_on <= %s AND division_code LIKE %s"
        return self._counts("grants", where, (self.d(start), self.d(end), prefix + "%"), by, "1")

    def open_enrolments(self, prefix: str, today: date) -> list[tuple[EnrolmentRow, str]]:
        """Enrolments awaiting a decision or due for review some day, in the division, with today's status
        (the enrolments' division index serves the range: the worklist reads that division's rows only)."""
        division, within = within_division(prefix, "e.division_code")
        rows = self._rows(
            f"SELECT e.*, p.status AS status_today FROM {self.t('enrolments')} e LEFT JOIN {self.t('periods')} p "
            "ON p.enrolment_id = e.enrolment_id AND p.from_date <= %s AND (p.to_date IS NULL OR p.to_date > %s) "
            f"WHERE {division} AND (e.status IN ('applied', 'reviewed') OR "
            f"(e.next_review_due IS NOT NULL AND e.status IN {_in(OPEN)})) "
            "ORDER BY e.division_code, e.applied_on, e.enrolment_id",
            (self.d(today), self.d(today), *within),
        )
        return [(_enrolment(r), r["status_today"] or r["status"]) for r in rows]

    def parts_paid(self, start: date, end: date, prefix: str) -> tuple[Decimal, Decimal]:
        """tekun's basic living and care subsidy summed over the payments for months in [start, end]."""
        rows = self._rows(
            f"SELECT SUM(basic_fen) AS basic, SUM(care_fen) AS care FROM {self.t('payments')} "
            "WHERE paid_month >= %s AND paid_month <= %s AND division_code LIKE %s AND program = 'tekun'",
            (self.d(start), self.d(end), prefix + "%"),
        )
        row = rows[0] if rows else {"basic": None, "care": None}
        return from_fen(row["basic"] or 0), from_fen(row["care"] or 0)

    def paid_months(self, before: date, prefix: str) -> list[date]:
        """The months before ``before`` for which payments were issued in the division."""
        rows = self._rows(
            f"SELECT DISTINCT paid_month FROM {self.t('payments')} WHERE paid_month < %s AND division_code LIKE %s "
            "ORDER BY paid_month",
            (self.d(before), prefix + "%"),
        )
        return [d for r in rows if (d := _date(r["paid_month"])) is not None]

    def sheet(self, month: date, prefix: str) -> list[SheetRow]:
        """The month's payments in the division with the household head's name and masked ID number."""
        rows = self._rows(
            f"SELECT p.*, h.head_name, h.head_id_masked FROM {self.t('payments')} p LEFT JOIN "
            f"{self.t('households')} h ON h.household_id = p.household_id WHERE p.paid_month = %s "
            "AND p.division_code LIKE %s ORDER BY p.division_code, p.household_id, p.program",
            (self.d(month), prefix + "%"),
        )
        return [
            SheetRow(
                **_keyed(r),
                head_name=self.unseal(r["head_name"]),
                head_id_masked=self.unseal(r["head_id_masked"]),
                amount=from_fen(r["amount_fen"]),
                beneficiaries_count=int(r["beneficiaries_count"]),
                basic_living=from_fen(r["basic_fen"]) if r["basic_fen"] is not None else None,
                care_subsidy=from_fen(r["care_fen"]) if r["care_fen"] is not None else None,
            )
            for r in rows
        ]


def _enrolment(r: Any) -> EnrolmentRow:
    dates = ("applied_on", "reviewed_on", "notice_ends", "decided_on", "benefits_from", "exit_until")
    more = ("next_review_due", "started_on", "ended_on")
    return EnrolmentRow(
        **_keyed(r),
        area_type=r["area_type"],
        status=r["status"],
        **{k: _date(r[k]) for k in dates + more},  # type: ignore[arg-type]
        started_persons=r["started_persons"],
        exit_reason=r["exit_reason"],
        monthly_amount=from_fen(r["monthly_fen"]),
        beneficiaries_count=int(r["beneficiaries_count"]),
        deadline_working_days=r["deadline_days"],
    )
