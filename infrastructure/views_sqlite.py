"""The views on SQLite: in the events' database file, or in memory for the POPO backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import uuid4

from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from infrastructure.view_schema import ADDED_COLUMNS, PREFIX
from infrastructure.views import SQLViewStore


class SQLiteViews(SQLViewStore, SQLiteTrackingRecorder):
    """Views and the library's ``tracking`` table in one SQLite database."""

    owned = False

    @classmethod
    def over(
        cls, datastore: SQLiteDatastore, *, create: bool = True, owned: bool = False, application_name: str = "jiuzhu"
    ) -> SQLiteViews:
        views = cls(datastore)
        views.owned = owned
        if create:
            views.create_table()
            views.reproject_upgrade(application_name)
            views.backfill_summaries()
        return views

    @classmethod
    def in_memory(cls) -> SQLiteViews:
        """A private in-memory database (shared between the pool's connections), closed with the views."""
        datastore = SQLiteDatastore(f"file:jiuzhu-views-{uuid4().hex}?mode=memory&cache=shared")
        return cls.over(datastore, owned=True)

    def create_table(self) -> None:
        """Create the tables, and add to an older store's the columns added since (SQLite has no
        ``ADD COLUMN IF NOT EXISTS``)."""
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            for table, column, kind in ADDED_COLUMNS:
                c.execute(f"PRAGMA table_info({self.t(table)})")
                if column not in {r[1] for r in c.fetchall()}:
                    c.execute(f"ALTER TABLE {self.t(table)} ADD COLUMN {column} {kind}")

    def column_present(self, table: str, column: str) -> bool | None:
        with self.read() as c:
            c.execute(f"PRAGMA table_info({self.t(table)})")
            columns = {r[1] for r in c.fetchall()}
        return (column in columns) if columns else None

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.view_statements()]

    def t(self, name: str) -> str:
        return PREFIX + name

    def tracking_table(self) -> str:
        return "tracking"

    def q(self, sql: str) -> str:
        return sql.replace("%s", "?")

    def d(self, value: date | None) -> Any:
        return value.isoformat() if value is not None else None

    @contextmanager
    def write(self) -> Iterator[SQLiteCursor]:
        with self.datastore.transaction(commit=True) as c:
            yield c

    @contextmanager
    def read(self) -> Iterator[SQLiteCursor]:
        with self.datastore.transaction(commit=False) as c:
            yield c

    def close(self) -> None:
        if self.owned:
            self.datastore.close()
