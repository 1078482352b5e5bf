"""The choice of view store for an application's backend (the application's ``ViewStore`` port)."""

from __future__ import annotations

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import strtobool

from infrastructure.views import SQLViewStore
from infrastructure.views_postgres import PostgresViews
from infrastructure.views_sqlite import SQLiteViews


def open_view_store(
    recorder: ApplicationRecorder, env: dict[str, str] | None = None, application_name: str = "jiuzhu"
) -> SQLViewStore:
    """The views next to an application's events: same SQLite file or PostgreSQL schema; in memory for POPO.
    ``application_name`` is the one their position is tracked under (an upgrade may have to forget it)."""
    create = strtobool((env or {}).get("CREATE_TABLE") or "y")
    if isinstance(recorder, SQLiteApplicationRecorder):
        return SQLiteViews.over(recorder.datastore, create=create, owned=False, application_name=application_name)
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresViews.over(recorder.datastore, create=create, application_name=application_name)
    return SQLiteViews.in_memory()


def private_view_store() -> SQLViewStore:
    """Views of one's own, in memory, apart from the application's (the views as of an instant)."""
    return SQLiteViews.in_memory()
