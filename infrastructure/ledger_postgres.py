"""The ledger on PostgreSQL: the events, their ledger rows and the idempotency fence in one transaction
(see ``infrastructure.ledger``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from application.views.rows import AccessRecord
from infrastructure.fencing import fence, note_commit
from infrastructure.group_commit import GroupCommitter, with_retries
from infrastructure.ledger import (
    BATCH,
    LedgerBatch,
    LedgerMixin,
    LedgerRow,
    access_filter,
    chain_hashes,
    chain_rows,
)


class PostgresLedgerRecorder(LedgerMixin, PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        self._ledger = SQL("{}.{}").format(schema, Identifier(f"{events_table_name}_ledger"))
        self._access = SQL("{}.{}").format(schema, Identifier(f"{events_table_name}_access_log"))
        self._claims = SQL("{}.{}").format(schema, Identifier(f"{events_table_name}_idempotency")).as_string()
        self.sql_create_statements.extend(
            [
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                    "recorded_at timestamptz NOT NULL, content_hash text NOT NULL, chain_hash text NOT NULL, "
                    "PRIMARY KEY (originator_id, originator_version))"
                ).format(self._ledger),
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (id bigserial PRIMARY KEY, at timestamptz NOT NULL, "
                    "user_id text NOT NULL, role text NOT NULL, household_id text NOT NULL, purpose text NOT NULL, "
                    "request_id text NOT NULL)"
                ).format(self._access),
                SQL("CREATE INDEX IF NOT EXISTS {} ON {} (household_id)").format(
                    Identifier(f"{events_table_name}_access_household"), self._access
                ),
                SQL("CREATE INDEX IF NOT EXISTS {} ON {} (user_id)").format(
                    Identifier(f"{events_table_name}_access_user"), self._access
                ),
            ]
        )

    committer: GroupCommitter | None = None

    def group_commits(self, max_batch: int = 64) -> GroupCommitter:
        """From now on, saves are committed in groups (``infrastructure.group_commit``)."""
        if self.committer is None:
            self.committer = GroupCommitter(self.datastore.get_connection, self._begin_group, self._save_one)
        self.committer.max_batch = max_batch
        return self.committer

    def close_group_commits(self) -> None:
        if self.committer is not None:
            self.committer.close()

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        committer = self.committer
        if committer is None or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        kwargs.setdefault(BATCH, LedgerBatch.of(stored_events))  # hashed in the caller's thread
        ids: Sequence[int] | None = with_retries(lambda: committer.submit(stored_events, kwargs))
        note_commit()
        return ids

    def _begin_group(self, curs: Cursor[DictRow]) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)

    def _save_one(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Any:
        """One save of a group, in its savepoint, under the group's lock: fence and chain, insert, ledger rows."""
        self._insert_events(curs, stored_events, **kwargs)
        PostgresAggregateRecorder._insert_stored_events(self, curs, stored_events)
        return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """In the insert's transaction, before the library takes the event table's lock: fence the save on the
        request's Idempotency-Key claim and chain the ledger rows, so no round trip and no hashing waits
        under the lock. Reading the previous hashes before the lock is safe: a concurrent save of the same
        aggregate would store the same version, and the events' unique key refuses the second one."""
        super()._insert_events(curs, stored_events, **kwargs)
        batch: LedgerBatch = kwargs.get(BATCH) or LedgerBatch.of(stored_events)
        curs.execute(
            SQL(
                "SELECT DISTINCT ON (originator_id) originator_id, chain_hash FROM {} "
                "WHERE originator_id = ANY(%s::uuid[]) ORDER BY originator_id, originator_version DESC"
            ).format(self._ledger),
            (sorted(set(batch.oids)),),
        )
        with curs.connection.cursor() as fencing:  # sent in the same pipeline: one round trip for both
            fence(fencing, self._claims, "%s")  # an Idempotency-Key claim taken over by a retry: write nothing
        previous = {UUID(str(r["originator_id"])).hex: r["chain_hash"] for r in curs.fetchall()}
        batch.chained = chain_hashes(stored_events, previous, batch)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Runs under the table lock, after the events' insert: only the ledger rows' insert, pipelined with the commit.
        # The recorded instant is read here, under the lock, so instants follow the order of commits and "as known
        # at T" never gains an event that committed after another one recorded later than T.
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        batch: LedgerBatch = kwargs[BATCH]
        assert batch.chained is not None, "chained in _insert_events"
        rows = chain_rows(stored_events, self.clock(), batch, batch.chained)
        curs.executemany(
            SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s)").format(self._ledger),
            [(UUID(r.originator_id), r.originator_version, r.recorded_at, r.content_hash, r.chain_hash) for r in rows],
        )
        return ids

    def select_ledger(self, originator_id: UUID | None = None) -> list[LedgerRow]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            if originator_id is None:
                curs.execute(SQL("SELECT * FROM {} ORDER BY originator_id, originator_version").format(self._ledger))
            else:
                curs.execute(
                    SQL("SELECT * FROM {} WHERE originator_id = %s ORDER BY originator_version").format(self._ledger),
                    (originator_id,),
                )
            return [
                LedgerRow(
                    UUID(str(r["originator_id"])).hex,
                    r["originator_version"],
                    r["recorded_at"],
                    r["content_hash"],
                    r["chain_hash"],
                )
                for r in curs.fetchall()
            ]

    def log_accesses(self, records: Sequence[AccessRecord]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.executemany(
                SQL(
                    "INSERT INTO {} (at, user_id, role, household_id, purpose, request_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s)"
                ).format(self._access),
                [(r.at, r.user_id, r.role, r.household_id, r.purpose, r.request_id) for r in records],
            )

    def select_access(
        self, *, household_id: UUID | None = None, user_id: str | None = None, limit: int = 1000, offset: int = 0
    ) -> list[AccessRecord]:
        where, params = access_filter(household_id, user_id, "%s")
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                SQL("SELECT at, user_id, role, household_id, purpose, request_id FROM {}").format(self._access)
                + SQL(where)
                + SQL(" ORDER BY id DESC LIMIT %s OFFSET %s"),
                (*params, limit, offset),
            )
            return [
                AccessRecord(r["at"], r["user_id"], r["role"], r["household_id"], r["purpose"], r["request_id"])
                for r in curs.fetchall()
            ]
