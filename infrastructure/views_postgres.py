"""The views on PostgreSQL: tables in the events' schema, with their own tracking table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from infrastructure.view_schema import ADDED_COLUMNS, PREFIX
from infrastructure.views import SQLViewStore

TRACKING_TABLE = "jiuzhu_views_tracking"


class PostgresViews(SQLViewStore, PostgresTrackingRecorder):
    """Views and their tracking table in the application's schema."""

    DATE = "date"
    BIGINT = "bigint"
    FOR_UPDATE = " FOR UPDATE"

    @classmethod
    def over(
        cls, datastore: PostgresDatastore, *, create: bool = True, application_name: str = "jiuzhu"
    ) -> PostgresViews:
        views = cls(datastore, tracking_table_name=TRACKING_TABLE)
        views.sql_create_statements.extend(SQL(s).format() for s in views.view_statements())
        views.sql_create_statements.extend(
            SQL(f"ALTER TABLE {views.t(table)} ADD COLUMN IF NOT EXISTS {column} {kind}").format()
            for table, column, kind in ADDED_COLUMNS
        )
        if create:
            views.create_table()
            views.reproject_upgrade(application_name)
            views.backfill_summaries()
        return views

    def t(self, name: str) -> str:
        names: dict[str, str] = self.__dict__.setdefault("_names", {})  # quoting per statement cost a rebuild 5 %
        qualified = names.get(name)
        if qualified is None:
            qualified = names[name] = self._qualified(PREFIX + name)
        return qualified

    def column_present(self, table: str, column: str) -> bool | None:
        rows = self._rows(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
            (self.datastore.schema, PREFIX + table),
        )
        return (column in {r["column_name"] for r in rows}) if rows else None

    def insert_rows(self, c: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """``COPY`` rather than one INSERT per row: a rebuild writes every view row again."""
        with c.copy(f"COPY {self.t(table)} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def tracking_table(self) -> str:
        return self._qualified(self.tracking_table_name)

    def _qualified(self, name: str) -> str:
        return f"{Identifier(self.datastore.schema).as_string()}.{Identifier(name).as_string()}"

    @contextmanager
    def write(self) -> Iterator[Any]:
        try:
            with self.datastore.transaction(commit=True) as c:
                yield c
        except psycopg.errors.IntegrityError as e:  # a concurrent writer got there first
            raise IntegrityError(e) from e

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            yield c
