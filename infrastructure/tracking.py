"""Where followers (``application.followers``) keep their positions: the library's tracking recorder
on the tracking table the views' projection uses, each follower under its own name.

SQLite: the ``tracking`` table in the events' file; PostgreSQL: the views' tracking table in the
events' schema (created by ``jiuzhu migrate`` with the views); in memory (POPO): one tracking
recorder in memory per event recorder, which lives and dies with the events it tracks.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from eventsourcing.persistence import ApplicationRecorder, TrackingRecorder
from eventsourcing.popo import POPOTrackingRecorder
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteTrackingRecorder
from eventsourcing.utils import strtobool

from infrastructure.views_postgres import TRACKING_TABLE

_IN_MEMORY: WeakKeyDictionary[ApplicationRecorder, POPOTrackingRecorder] = WeakKeyDictionary()


def open_tracking(recorder: ApplicationRecorder, env: dict[str, str] | None = None) -> TrackingRecorder:
    """The tracking recorder beside an application's events; its table is created unless told not to."""
    tracking: SQLiteTrackingRecorder | PostgresTrackingRecorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        tracking = SQLiteTrackingRecorder(recorder.datastore)
    elif isinstance(recorder, PostgresApplicationRecorder):
        tracking = PostgresTrackingRecorder(recorder.datastore, tracking_table_name=TRACKING_TABLE)
    else:
        return _IN_MEMORY.setdefault(recorder, POPOTrackingRecorder())
    if strtobool((env or {}).get("CREATE_TABLE") or "y"):
        tracking.create_table()
    return tracking
