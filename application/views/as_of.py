"""The views as known at an instant: the same projection, fed only the events the ledger says were
recorded by then, into a private in-memory store. Figures asked with an ``as_of`` are therefore the
figures the service would have given at that instant, and stay the same forever.

It replays the whole log, so it costs a rebuild; fine for a district, a job for a province. The
statistics it answers come from monthly summaries like the live views' — summaries of this private
store, made from exactly the rows known at the instant (docs/scaling.md), so they stay exact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification

from application.casework import Casework
from application.views.projection import Views
from infrastructure.view_stores import private_view_store


class ViewsAsOf(Views):
    def __init__(self, casework: Casework, as_of: datetime):
        super().__init__(casework, private_view_store())
        self.as_of = as_of
        self.recorded = {
            (r.originator_id, r.originator_version): r.recorded_at for r in casework.ledger.select_ledger()
        }

    def _decode(self, n: Notification) -> Any:
        oid = n.originator_id.hex if hasattr(n.originator_id, "hex") else str(n.originator_id).replace("-", "")
        recorded_at = self.recorded.get((oid, n.originator_version))
        if recorded_at is None or recorded_at > self.as_of:
            return None  # not yet known at the instant (or never recorded by the service)
        return super()._decode(n)
