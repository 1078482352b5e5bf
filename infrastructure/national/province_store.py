"""The national layer's two tables in a province's PostgreSQL store, beside its events.

- ``jiuzhu_national_relay``: how far the relay has published the notification log (per store id);
  advanced only after JetStream acknowledged every message up to that position.
- ``jiuzhu_national_findings``: cross-province findings received from the nation, one row per
  finding id (a finding delivered twice is recognised by its id and stored once), for the worklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

RELAY_TABLE = "jiuzhu_national_relay"
FINDINGS_TABLE = "jiuzhu_national_findings"


@dataclass(frozen=True)
class ReceivedFinding:
    """A person of this province is also on dibao or tekun in another province over the same time."""

    finding_id: str
    household_id: UUID
    enrolment_id: UUID
    program: str
    person_hash: str
    other_province: str
    other_program: str
    other_since: date
    found_at: datetime


class ProvinceNationalStore:
    def __init__(self, datastore: PostgresDatastore, *, create: bool = True):
        self.datastore = datastore
        if create:
            self.create_tables()

    def t(self, name: str) -> str:
        return f"{Identifier(self.datastore.schema).as_string()}.{Identifier(name).as_string()}"

    def create_tables(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                SQL(
                    f"CREATE TABLE IF NOT EXISTS {self.t(RELAY_TABLE)} (store_id text PRIMARY KEY, "
                    "position bigint NOT NULL, published bigint NOT NULL DEFAULT 0, updated_at timestamptz)"
                )
            )
            c.execute(
                SQL(
                    f"CREATE TABLE IF NOT EXISTS {self.t(FINDINGS_TABLE)} (finding_id text PRIMARY KEY, "
                    "household_id uuid NOT NULL, enrolment_id uuid NOT NULL, program text NOT NULL, "
                    "person_hash text NOT NULL, other_province text NOT NULL, other_program text NOT NULL, "
                    "other_since date NOT NULL, found_at timestamptz NOT NULL, "
                    "received_at timestamptz NOT NULL DEFAULT now(), outcome text, resolved_on date)"
                )
            )

    # ------------------------------------------------------------------ relay

    def position(self, store_id: str) -> int:
        """The last notification id whose national message (if any) JetStream has acknowledged."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL(f"SELECT position FROM {self.t(RELAY_TABLE)} WHERE store_id = %s"), (store_id,))
            row = c.fetchone()
        return int(row["position"]) if row else 0

    def advance(self, store_id: str, position: int, published: int) -> None:
        """Record the new position (never backwards) and add the messages published to reach it."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                SQL(
                    f"INSERT INTO {self.t(RELAY_TABLE)} AS r (store_id, position, published, updated_at) "
                    "VALUES (%s, %s, %s, now()) ON CONFLICT (store_id) DO UPDATE SET "
                    "position = GREATEST(r.position, EXCLUDED.position), published = r.published + EXCLUDED.published, "
                    "updated_at = now()"
                ),
                (store_id, position, published),
            )

    # --------------------------------------------------------------- findings

    def receive(self, findings: list[ReceivedFinding]) -> int:
        """Store findings not seen before, in one transaction; returns how many were new."""
        new = 0
        with self.datastore.transaction(commit=True) as c:
            for f in findings:
                c.execute(
                    SQL(
                        f"INSERT INTO {self.t(FINDINGS_TABLE)} (finding_id, household_id, enrolment_id, program, "
                        "person_hash, other_province, other_program, other_since, found_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (finding_id) DO NOTHING"
                    ),
                    (
                        f.finding_id,
                        f.household_id,
                        f.enrolment_id,
                        f.program,
                        f.person_hash,
                        f.other_province,
                        f.other_program,
                        f.other_since,
                        f.found_at,
                    ),
                )
                new += c.rowcount
        return new

    def resolved(self, finding_id: str, outcome: str, on: date) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                SQL(f"UPDATE {self.t(FINDINGS_TABLE)} SET outcome = %s, resolved_on = %s WHERE finding_id = %s"),
                (outcome, on, finding_id),
            )

    def findings(self, *, open_only: bool = False) -> list[ReceivedFinding]:
        where = " WHERE resolved_on IS NULL" if open_only else ""
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL(f"SELECT * FROM {self.t(FINDINGS_TABLE)}{where} ORDER BY found_at, finding_id"))
            rows: list[dict[str, Any]] = list(c.fetchall())
        return [
            ReceivedFinding(
                r["finding_id"],
                r["household_id"],
                r["enrolment_id"],
                r["program"],
                r["person_hash"],
                r["other_province"],
                r["other_program"],
                r["other_since"],
                r["found_at"],
            )
            for r in rows
        ]


def open_province_store(recorder: Any, *, create: bool = True) -> ProvinceNationalStore:
    """The national tables of a province's store; the national layer needs the store on PostgreSQL."""
    datastore = getattr(recorder, "datastore", None)
    if not isinstance(datastore, PostgresDatastore):
        raise RuntimeError("the national relay needs the province's store on PostgreSQL (JIUZHU_DATABASE=postgres)")
    return ProvinceNationalStore(datastore, create=create)
