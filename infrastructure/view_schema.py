"""Read-model storage, the write side: the views' tables, and how a batch of rows and its tracking
record are written in one transaction.

The tables live in the same database as the events (the SQLite file, the PostgreSQL schema) next
to the library's tracking table; a batch of view rows and its tracking record are written in one
transaction, so a crash loses the whole batch or nothing and the views never count an event twice.
On the in-memory (POPO) backend the views are an in-memory SQLite database.

The dialects differ only in placeholders, qualified names and two column types; subclasses in
``views_sqlite`` and ``views_postgres`` supply those and the transactions.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Cipher, Tracking, TrackingRecorder

from application.views.rows import EnrolmentRow, HouseholdViews, PeriodRow
from domain.payroll import Payment
from infrastructure.fen import to_fen

PREFIX = "jiuzhu_view_"
TABLES = ("households", "members", "enrolments", "periods", "grants", "payments")
REWRITTEN = TABLES[:-1]  # a household's own rows, rewritten whole; payments are only ever added
UNSEALED_KEPT = 200_000
SUMMARY_TABLES = ("summary", "summary_rollup", "stale")  # derived from the rows above (infrastructure.views_summary)
DELETE_CHUNK = 500  # household ids per DELETE … IN (…): well within SQLite's limit on parameters


class ViewSQL(TrackingRecorder):
    """The views' schema and writes; ``SQLViewStore`` adds the queries, a dialect subclass the hooks below.

    Names and masked ID numbers are personal data: with the application's cipher set, they are
    stored encrypted like the events (base64 of the ciphertext) and decrypted only when read.
    """

    DATE = "TEXT"
    BIGINT = "INTEGER"
    cipher: Cipher | None = None

    def seal(self, text: str) -> str:
        return b64encode(self.cipher.encrypt(text.encode())).decode() if self.cipher else text

    def unseal(self, text: str | None) -> str:
        if not text or not self.cipher:
            return text or ""
        plain = self._opened.get(text)
        if plain is None:  # decrypting costs ~0.2 ms; a roll reads the same people again and again
            if len(self._opened) > UNSEALED_KEPT:
                self._opened.clear()
            plain = self._opened[text] = self.cipher.decrypt(b64decode(text)).decode()
        return plain

    @property
    def _opened(self) -> dict[str, str]:
        opened: dict[str, str] | None = self.__dict__.get("_unsealed")
        if opened is None:
            opened = self.__dict__["_unsealed"] = {}
        return opened

    # ----------------------------------------------------------------- hooks

    def t(self, name: str) -> str:
        """The (qualified) name of one of the views' tables."""
        raise NotImplementedError

    def tracking_table(self) -> str:
        raise NotImplementedError

    def q(self, sql: str) -> str:
        """The statement with the dialect's placeholders (statements are written with ``%s``)."""
        return sql

    def d(self, value: date | None) -> Any:
        """A date as the driver takes it."""
        return value

    def write(self) -> AbstractContextManager[Any]:
        """A cursor in a transaction committed on success."""
        raise NotImplementedError

    def read(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    if TYPE_CHECKING:  # supplied by the library's tracking recorder the dialect class also derives from

        def _insert_tracking(self, c: Any, tracking: Tracking) -> None: ...

    def close(self) -> None:
        """Release what the views own (a shared datastore is closed with its application)."""

    # ---------------------------------------------------------------- schema

    def view_statements(self) -> list[str]:
        t, dt, big = self.t, self.DATE, self.BIGINT
        return [
            f"CREATE TABLE IF NOT EXISTS {t('households')} (household_id TEXT PRIMARY KEY, "
            f"division_code TEXT NOT NULL, area_type TEXT NOT NULL, head_name TEXT NOT NULL, "
            f"head_id_masked TEXT NOT NULL, registered_on {dt} NOT NULL, version INTEGER NOT NULL, account_since {dt})",
            f"CREATE TABLE IF NOT EXISTS {t('members')} (household_id TEXT NOT NULL, person_id TEXT NOT NULL, "
            f"name TEXT NOT NULL, id_masked TEXT NOT NULL, relation TEXT NOT NULL, is_current INTEGER NOT NULL, "
            f"PRIMARY KEY (household_id, person_id))",
            f"CREATE TABLE IF NOT EXISTS {t('enrolments')} (enrolment_id TEXT PRIMARY KEY, "
            f"household_id TEXT NOT NULL, program TEXT NOT NULL, division_code TEXT NOT NULL, "
            f"area_type TEXT NOT NULL, status TEXT NOT NULL, applied_on {dt} NOT NULL, reviewed_on {dt}, "
            f"notice_ends {dt}, decided_on {dt}, benefits_from {dt}, exit_until {dt}, next_review_due {dt}, "
            f"started_on {dt}, started_persons INTEGER, ended_on {dt}, exit_reason TEXT, "
            f"monthly_fen {big} NOT NULL, beneficiaries_count INTEGER NOT NULL, deadline_days INTEGER)",
            f"CREATE TABLE IF NOT EXISTS {t('periods')} (enrolment_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            f"household_id TEXT NOT NULL, program TEXT NOT NULL, division_code TEXT NOT NULL, "
            f"area_type TEXT NOT NULL, from_date {dt} NOT NULL, to_date {dt}, status TEXT NOT NULL, "
            f"monthly_fen {big} NOT NULL, beneficiaries_count INTEGER NOT NULL, beneficiaries TEXT NOT NULL, "
            f"reason_code TEXT, arrangement TEXT, care_level TEXT, placement TEXT, parts TEXT, "
            f"PRIMARY KEY (enrolment_id, seq))",
            f"CREATE TABLE IF NOT EXISTS {t('payments')} (enrolment_id TEXT NOT NULL, paid_month {dt} NOT NULL, "
            f"household_id TEXT NOT NULL, program TEXT NOT NULL, division_code TEXT NOT NULL, "
            f"area_type TEXT NOT NULL, amount_fen {big} NOT NULL, beneficiaries_count INTEGER NOT NULL, "
            f"basic_fen {big}, care_fen {big}, PRIMARY KEY (enrolment_id, paid_month))",
            f"CREATE TABLE IF NOT EXISTS {t('grants')} (grant_id TEXT PRIMARY KEY, household_id TEXT NOT NULL, "
            f"division_code TEXT NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL, amount_fen {big} NOT NULL, "
            f"granted_on {dt} NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}grants_on ON {t('grants')} (granted_on, division_code)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}members_household ON {t('members')} (household_id)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}enrolments_household ON {t('enrolments')} (household_id)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}enrolments_division ON {t('enrolments')} (division_code)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}periods_household ON {t('periods')} (household_id)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}periods_on ON {t('periods')} (status, from_date, division_code)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}payments_month ON {t('payments')} (paid_month, division_code)",
            *self.jurisdiction_statements(),
        ]

    def jurisdiction_statements(self) -> list[str]:
        """The monthly summaries, the divisions whose summaries are stale, and the indexes that bound every
        per-jurisdiction read by that jurisdiction's rows (``infrastructure.views_summary``)."""
        t, dt, big = self.t, self.DATE, self.BIGINT
        return [
            f"CREATE TABLE IF NOT EXISTS {t('summary')} (division_code TEXT NOT NULL, figure TEXT NOT NULL, "
            f"level TEXT NOT NULL, k1 TEXT, k2 TEXT, month {dt} NOT NULL, until {dt}, since {dt}, "
            f"households {big} NOT NULL, enrolments {big} NOT NULL, persons {big} NOT NULL, fen {big} NOT NULL, "
            f"basic_fen {big} NOT NULL, care_fen {big} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {t('summary_rollup')} (division_code TEXT NOT NULL, figure TEXT NOT NULL, "
            f"level TEXT NOT NULL, k1 TEXT, k2 TEXT, month {dt} NOT NULL, until {dt}, since {dt}, "
            f"households {big} NOT NULL, enrolments {big} NOT NULL, persons {big} NOT NULL, fen {big} NOT NULL, "
            f"basic_fen {big} NOT NULL, care_fen {big} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {t('stale')} (division_code TEXT PRIMARY KEY, position {big} NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}summary_read ON {t('summary')} (figure, level, division_code, month)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}summary_division ON {t('summary')} (division_code)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}summary_rollup_read ON {t('summary_rollup')} "
            "(figure, level, division_code, month)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}summary_rollup_code ON {t('summary_rollup')} (division_code)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}periods_division ON {t('periods')} (division_code, program, status)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}payments_division ON {t('payments')} (division_code, paid_month)",
            f"CREATE INDEX IF NOT EXISTS {PREFIX}grants_division ON {t('grants')} (division_code)",
        ]

    # ---------------------------------------------------------------- writes

    def record(self, households: Sequence[HouseholdViews], payments: Sequence[Payment], tracking: Tracking) -> None:
        """Rewrite the households' rows, add the payments and record the position, in one transaction."""
        with self.write() as c:
            self._insert_tracking(c, tracking)  # first: a concurrent writer at this position fails here
            self._rewrite(c, households)
            touched = {hv.household.division_code for hv in households} | {p.division_code for p in payments}
            if touched:  # the summaries of these divisions are stale from this position on
                stale = (
                    f"INSERT INTO {self.t('stale')} (division_code, position) VALUES (%s, %s) "
                    "ON CONFLICT (division_code) DO UPDATE SET position = excluded.position"
                )
                c.executemany(self.q(stale), [(d, tracking.notification_id) for d in sorted(touched)])
            if payments:
                self.insert_rows(
                    c,
                    "payments",
                    [
                        (
                            str(p.enrolment_id),
                            self.d(p.month),
                            str(p.household_id),
                            str(p.program),
                            p.division_code,
                            str(p.area_type),
                            to_fen(p.amount),
                            len(p.beneficiaries),
                            *_part_fens(p.parts),
                        )
                        for p in payments
                    ],
                )

    def _rewrite(self, c: Any, households: Sequence[HouseholdViews]) -> None:
        """Replace these households' rows: delete them all, then insert each table's rows in one statement
        (a page of the log touches hundreds of households; a statement per household and table was most
        of a rebuild's time)."""
        ids = [str(hv.household.household_id) for hv in households]
        for table in REWRITTEN:
            for start in range(0, len(ids), DELETE_CHUNK):
                chunk = ids[start : start + DELETE_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                c.execute(self.q(f"DELETE FROM {self.t(table)} WHERE household_id IN ({marks})"), chunk)
        rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in REWRITTEN}
        for hv, hid in zip(households, ids, strict=True):
            h = hv.household
            rows["households"].append(
                (hid, h.division_code, h.area_type, self.seal(h.head_name), self.seal(h.head_id_masked))
                + (self.d(h.registered_on), h.version, self.d(h.account_since))
            )
            rows["members"] += [
                (hid, str(m.person_id), self.seal(m.name), self.seal(m.id_masked), m.relation, int(m.current))
                for m in hv.members
            ]
            rows["enrolments"] += [self._enrolment_params(hid, e) for e in hv.enrolments]
            rows["periods"] += [self._period_params(hid, p) for p in hv.periods]
            rows["grants"] += [
                (str(g.grant_id), hid, g.division_code, g.kind, g.level, to_fen(g.amount), self.d(g.granted_on))
                for g in hv.grants
            ]
        for table, values in rows.items():
            if values:
                self.insert_rows(c, table, values)

    def insert_rows(self, c: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert whole rows (every column, in order) into one of the views' tables."""
        marks = ", ".join(["%s"] * len(rows[0]))
        c.executemany(self.q(f"INSERT INTO {self.t(table)} VALUES ({marks})"), rows)

    def _enrolment_params(self, hid: str, e: EnrolmentRow) -> tuple[Any, ...]:
        d = self.d
        return (
            *(str(e.enrolment_id), hid, e.program, e.division_code, e.area_type, e.status),
            *(d(e.applied_on), d(e.reviewed_on), d(e.notice_ends), d(e.decided_on), d(e.benefits_from)),
            *(d(e.exit_until), d(e.next_review_due), d(e.started_on), e.started_persons, d(e.ended_on)),
            *(e.exit_reason, to_fen(e.monthly_amount), e.beneficiaries_count, e.deadline_working_days),
        )

    def _period_params(self, hid: str, p: PeriodRow) -> tuple[Any, ...]:
        return (
            *(str(p.enrolment_id), p.seq, hid, p.program, p.division_code, p.area_type),
            *(self.d(p.from_date), self.d(p.to_date), p.status, to_fen(p.monthly_amount), len(p.beneficiaries)),
            *(" ".join(str(b) for b in p.beneficiaries), p.reason_code, p.arrangement, p.care_level, p.placement),
            " ".join(f"{k}={v}" for k, v in p.parts) or None,
        )

    def column_present(self, table: str, column: str) -> bool | None:
        """Whether one of the views' tables has a column; None when the table is not there yet."""
        raise NotImplementedError

    def reproject_upgrade(self, application_name: str) -> None:
        """Add to an older store the columns only a projection of the log can fill (``REPROJECTED_COLUMNS``):
        in the same transaction, empty the views and forget their position, so that the next catch-up
        rebuilds them from the events (schema version 5). A crash leaves the column out, and the next start
        upgrades again; a store being created gets the columns with its tables."""
        missing = [(t, col) for t, col in REPROJECTED_COLUMNS if self.column_present(t, col) is False]
        if not missing:
            return
        with self.write() as c:
            for table, column in missing:
                c.execute(f"ALTER TABLE {self.t(table)} ADD COLUMN {column} {self.DATE}")
            self._empty(c, application_name)

    def reset(self, application_name: str) -> None:
        """Empty every view and forget the position: the next catch-up rebuilds from the log."""
        with self.write() as c:
            self._empty(c, application_name)

    def _empty(self, c: Any, application_name: str) -> None:
        for table in TABLES + SUMMARY_TABLES:
            c.execute(f"DELETE FROM {self.t(table)}")
        c.execute(self.q(f"DELETE FROM {self.tracking_table()} WHERE application_name = %s"), (application_name,))

    # --------------------------------------------------------------- queries


#: Columns added to the views after their first release: (table, column, type). ``create_table`` adds
#: the missing ones to an older store; ``jiuzhu projections rebuild`` then fills them.
ADDED_COLUMNS = (
    ("periods", "parts", "TEXT"),
    ("payments", "basic_fen", "BIGINT"),
    ("payments", "care_fen", "BIGINT"),
    ("enrolments", "deadline_days", "INTEGER"),
)
#: Date columns added since whose values only the events hold (``ViewSQL.reproject_upgrade``): (table, column).
REPROJECTED_COLUMNS = (("households", "account_since"),)


def _part_fens(parts: dict[str, Decimal]) -> tuple[int | None, int | None]:
    """tekun's basic living and care subsidy in fen for the payments view (None for other programs)."""
    if "basic_living" not in parts:
        return None, None
    return to_fen(parts.get("basic_living", Decimal("0.00"))), to_fen(parts.get("care_subsidy", Decimal("0.00")))


def parse_parts(text: str | None) -> tuple[tuple[str, Decimal], ...]:
    """The parts of a period row as stored ("basic_living=1014.00 care_subsidy=600.00")."""
    if not text:
        return ()
    return tuple((k, Decimal(v)) for k, v in (item.split("=", 1) for item in text.split()))
