"""The national read model on its own PostgreSQL (database and schema of its own).

Each province's household messages replace that household's enrolment periods (a message older
than the one applied — by notification id — changes nothing). Every message applied is recorded by
(store, notification id) in ``applied`` in the same transaction as its effect, together with the
store's position: a message delivered again (a crash before the ack) finds its row and is skipped,
so nothing is applied twice. Cross-province findings are written in the same transaction too, and
published afterwards from the table (an outbox): a crash between commit and publish re-publishes
with the same message ids, which JetStream absorbs.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier

from infrastructure.fen import from_fen, to_fen
from infrastructure.national.message_rows import may_overlap, period_rows
from infrastructure.national.national_sql import FIND_OVERLAPS, INSERT_FINDING, TABLES

PAYABLE = ("active", "gradual_exit")


@dataclass(frozen=True)
class Applied:
    """What one batch did: messages applied, re-deliveries skipped, findings recorded."""

    applied: int
    skipped: int
    findings: int


@dataclass(frozen=True)
class OnRoll:
    province: str
    program: str
    households: int
    persons: int
    amount: Decimal


@dataclass(frozen=True)
class Paid:
    province: str
    program: str
    household_months: int
    person_months: int
    funds: Decimal
    households: int  # distinct households paid (what small-cell suppression counts)


@dataclass(frozen=True)
class Enrolled:
    """One answer to "is this person enrolled anywhere": a period in force on the date asked."""

    province: str
    county: str
    program: str
    status: str
    since: date


class NationalModel:
    def __init__(self, dsn: str, schema: str, *, create: bool = True):
        self.dsn, self.schema = dsn, schema
        self._conn: psycopg.Connection[dict[str, Any]] | None = None
        self._lock = threading.Lock()
        if create:
            self.create_tables()

    def sql(self, text: str) -> SQL:
        return SQL(text.replace("{s}", Identifier(self.schema).as_string()))

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Cursor[dict[str, Any]]]:
        """One transaction at a time on the model's connection (the HTTP surface reads from several threads)."""
        with self._lock:
            if self._conn is None or self._conn.closed or self._conn.broken:
                self._conn = psycopg.connect(self.dsn, row_factory=dict_row, connect_timeout=5)
            with self._conn.transaction(), self._conn.cursor() as c:
                yield c

    def create_tables(self) -> None:
        with self.transaction() as c:
            c.execute(self.sql("CREATE SCHEMA IF NOT EXISTS {s}"))
            for statement in TABLES:
                c.execute(self.sql(statement))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # ------------------------------------------------------------------ apply

    def apply(self, messages: Sequence[tuple[int, dict[str, Any]]]) -> Applied:
        """Apply (stream sequence, message) pairs in one transaction, each at most once."""
        applied = skipped = found = 0
        reached: dict[str, tuple[str, int, int, int]] = {}  # store → province, notification id, stream seq, count
        with self.transaction() as c:
            # one batch at a time across national service processes: a duplicate whose two sides arrive in two
            # concurrent transactions would otherwise be missed by both (neither sees the other's rows)
            c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"jiuzhu-national:{self.schema}",))
            for seq, m in messages:
                c.execute(
                    self.sql(
                        "INSERT INTO {s}.applied (store_id, notification_id, province, stream_seq) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
                    ),
                    (m["store"], m["notification_id"], m["province"], seq),
                )
                if c.rowcount == 0:
                    skipped += 1
                    continue
                applied += 1
                _, nid, top, count = reached.get(m["store"], ("", 0, 0, 0))
                reached[m["store"]] = (m["province"], max(nid, m["notification_id"]), max(top, seq), count + 1)
                if m.get("kind") == "payments":
                    self._add_payments(c, m)
                elif self._replace(c, m) and may_overlap(m):
                    found += self._find(c, m["province"], m["household"])
            for store, position in reached.items():
                self._position(c, store, *position)
        return Applied(applied, skipped, found)

    def _position(self, c: Any, store: str, province: str, nid: int, seq: int, count: int) -> None:
        """The store's position (highest notification and stream sequence applied) and its count of messages."""
        c.execute(
            self.sql(
                "INSERT INTO {s}.positions AS p (store_id, province, notification_id, stream_seq, applied) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (store_id) DO UPDATE SET "
                "notification_id = GREATEST(p.notification_id, EXCLUDED.notification_id), "
                "stream_seq = GREATEST(p.stream_seq, EXCLUDED.stream_seq), applied = p.applied + EXCLUDED.applied"
            ),
            (store, province, nid, seq, count),
        )

    def _replace(self, c: Any, m: dict[str, Any]) -> bool:
        """Replace the household's periods unless a later message was applied already."""
        province, household, nid = m["province"], m["household"], m["notification_id"]
        c.execute(
            self.sql(
                "INSERT INTO {s}.households AS h (province, household_id, notification_id, county) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (province, household_id) DO UPDATE SET "
                "notification_id = EXCLUDED.notification_id, county = EXCLUDED.county "
                "WHERE h.notification_id < EXCLUDED.notification_id"
            ),
            (province, household, nid, m["county"]),
        )
        if c.rowcount == 0:
            return False
        key = (province, household)
        c.execute(self.sql("DELETE FROM {s}.beneficiaries WHERE province = %s AND household_id = %s"), key)
        c.execute(self.sql("DELETE FROM {s}.periods WHERE province = %s AND household_id = %s"), key)
        periods, persons = period_rows(m)
        if periods:
            c.executemany(
                self.sql("INSERT INTO {s}.periods VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"), periods
            )
        if persons:
            c.executemany(self.sql("INSERT INTO {s}.beneficiaries VALUES (%s, %s, %s, %s, %s)"), persons)
        return True

    def _add_payments(self, c: Any, m: dict[str, Any]) -> None:
        """Monthly payments are only ever added (a payroll run pays an enrolment's month once)."""
        rows = [
            (m["province"], p["enrolment"], date.fromisoformat(p["month"]), p["household"], p["county"],
             p["program"], to_fen(Decimal(p["amount"])), p["persons"])
            for p in m["payments"]
        ]  # fmt: skip
        if rows:
            c.executemany(self.sql("INSERT INTO {s}.payments VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"), rows)

    def _find(self, c: Any, province: str, household: str) -> int:
        """Record each overlap of this household's persons with another province once, as an ordered pair."""
        c.execute(self.sql(FIND_OVERLAPS), (province, household))
        new = 0
        for r in list(c.fetchall()):
            mine = (r["p1"], r["h1"], r["e1"], r["g1"], r["s1"])
            other = (r["p2"], r["h2"], r["e2"], r["g2"], r["s2"])
            a, b = sorted((mine, other), key=lambda side: (side[0], str(side[2])))
            key = f"{r['person_hash']}:{a[0]}:{a[2]}:{b[0]}:{b[2]}"
            finding_id = hashlib.sha256(key.encode()).hexdigest()[:32]
            c.execute(self.sql(INSERT_FINDING), (finding_id, r["person_hash"], *a, *b))
            new += c.rowcount
        return new

    # -------------------------------------------------------------- findings

    def unpublished_findings(self, limit: int = 500) -> list[dict[str, Any]]:
        with self.transaction() as c:
            c.execute(
                self.sql(
                    "SELECT * FROM {s}.findings WHERE published_at IS NULL ORDER BY found_at, finding_id LIMIT %s"
                ),
                (limit,),
            )
            return list(c.fetchall())

    def mark_published(self, finding_ids: Sequence[str]) -> None:
        with self.transaction() as c:
            c.execute(
                self.sql("UPDATE {s}.findings SET published_at = now() WHERE finding_id = ANY(%s)"),
                (list(finding_ids),),
            )

    def findings(self) -> list[dict[str, Any]]:
        with self.transaction() as c:
            c.execute(self.sql("SELECT * FROM {s}.findings ORDER BY found_at, finding_id"))
            return list(c.fetchall())

    # ----------------------------------------------------------------- reads

    def on_roll(self, on: date) -> list[OnRoll]:
        """Enrolments on roll on a date (active or in gradual exit, something due) by province and program:
        distinct households, persons (beneficiaries in force), monthly amounts — the provinces' §7 definition."""
        with self.transaction() as c:
            c.execute(
                self.sql(
                    "SELECT province, program, COUNT(DISTINCT household_id) AS households, "
                    "SUM(persons) AS persons, SUM(monthly_fen) AS fen FROM {s}.periods "
                    "WHERE status IN ('active', 'gradual_exit') AND monthly_fen > 0 AND from_date <= %s "
                    "AND (to_date IS NULL OR to_date > %s) GROUP BY province, program ORDER BY province, program"
                ),
                (on, on),
            )
            rows = list(c.fetchall())
        return [
            OnRoll(r["province"], r["program"], int(r["households"]), int(r["persons"] or 0), from_fen(r["fen"]))
            for r in rows
        ]

    def paid(self, first: date, last: date) -> list[Paid]:
        """Payments for the months within [first, last] by province and program: household-months (户次),
        person-months (人次) and funds — the provinces' §7 ``payments_by_program``."""
        with self.transaction() as c:
            c.execute(
                self.sql(
                    "SELECT province, program, COUNT(*) AS n, SUM(persons) AS persons, SUM(amount_fen) AS fen, "
                    "COUNT(DISTINCT household_id) AS households "
                    "FROM {s}.payments WHERE paid_month >= %s AND paid_month <= %s "
                    "GROUP BY province, program ORDER BY province, program"
                ),
                (first, last),
            )
            rows = list(c.fetchall())
        return [
            Paid(r["province"], r["program"], int(r["n"]), int(r["persons"]), from_fen(r["fen"]), int(r["households"]))
            for r in rows
        ]

    def enrolled(self, person: str, on: date) -> list[Enrolled]:
        """Where the person (national hash) is a beneficiary of a period in force on ``on``, not ended."""
        with self.transaction() as c:
            c.execute(
                self.sql(
                    "SELECT p.province, p.county, p.program, p.status, "
                    "(SELECT MIN(q.from_date) FROM {s}.periods q WHERE q.province = p.province "
                    " AND q.enrolment_id = p.enrolment_id AND q.status IN ('active', 'gradual_exit')) AS since "
                    "FROM {s}.beneficiaries b JOIN {s}.periods p ON p.province = b.province "
                    "AND p.enrolment_id = b.enrolment_id AND p.seq = b.seq WHERE b.person_hash = %s "
                    "AND p.status IN ('applied', 'reviewed', 'approved', 'active', 'suspended', 'gradual_exit') "
                    "AND p.from_date <= %s AND (p.to_date IS NULL OR p.to_date > %s) ORDER BY p.province, p.program"
                ),
                (person, on, on),
            )
            rows = list(c.fetchall())
        return [Enrolled(r["province"], r["county"], r["program"], r["status"], r["since"] or on) for r in rows]

    def counts(self) -> dict[str, int]:
        """Messages applied (all stores), and per store, for the fault tests and the operator."""
        with self.transaction() as c:
            c.execute(self.sql("SELECT store_id, applied FROM {s}.positions"))
            per_store = {r["store_id"]: int(r["applied"]) for r in c.fetchall()}
            c.execute(self.sql("SELECT COUNT(*) AS n FROM {s}.applied"))
            row = c.fetchone()
        return {"applied": int(row["n"]) if row else 0, **per_store}
