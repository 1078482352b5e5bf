"""What a caller's jurisdiction lets them see of the audit trail: the read-access log and the
verification's findings, filtered to households whose division lies inside the caller's prefix.

A household's division never changes after registration, so it is looked up once per process
(from the household's own events) and remembered in a bounded LRU map.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock
from uuid import UUID

from application.casework import Casework
from application.views.rows import AccessRecord
from domain.household import Household

#: Access-log rows read per query while filtering for a jurisdiction.
PAGE = 500
CACHE_LIMIT = 200_000
UNREADABLE = ""  # a household whose events cannot be read back (tampered): no division known


class Divisions:
    """The division code of each household, remembered (least recently used evicted first)."""

    def __init__(self, casework: Casework, limit: int = CACHE_LIMIT):
        self.casework = casework
        self.limit = limit
        self._known: OrderedDict[str, str | None] = OrderedDict()
        self._lock = Lock()

    def of(self, aggregate_id: str) -> str | None:
        """The household's division; None for an aggregate that is no household; '' when unreadable."""
        with self._lock:
            if aggregate_id in self._known:
                self._known.move_to_end(aggregate_id)
                return self._known[aggregate_id]
        division = self._look_up(aggregate_id)
        with self._lock:
            self._known[aggregate_id] = division
            if len(self._known) > self.limit:
                self._known.popitem(last=False)
        return division

    def _look_up(self, aggregate_id: str) -> str | None:
        try:
            oid = UUID(aggregate_id)
        except ValueError:
            return None
        try:
            events = self.casework.repository.event_store.get(oid, lte=1)
            first = next(iter(events), None)
        except Exception:  # the stored event no longer decrypts or decodes: tampered
            return UNREADABLE
        if first is None:
            return None
        return first.division_code if isinstance(first, Household.Registered) else None

    def inside(self, aggregate_id: str, prefix: str) -> bool:
        """True when the aggregate is a household of the jurisdiction ``prefix``."""
        division = self.of(aggregate_id)
        return division is not None and division != UNREADABLE and division.startswith(prefix)


def scoped_access_log(
    casework: Casework,
    divisions: Divisions,
    prefix: str,
    *,
    household_id: UUID | None = None,
    user_id: str | None = None,
    limit: int = 1000,
) -> list[AccessRecord]:
    """The newest ``limit`` access-log entries about households of the jurisdiction ``prefix``."""
    out: list[AccessRecord] = []
    offset = 0
    while len(out) < limit:
        page = casework.ledger.select_access(household_id=household_id, user_id=user_id, limit=PAGE, offset=offset)
        out.extend(r for r in page if divisions.inside(r.household_id, prefix))
        if len(page) < PAGE:
            break
        offset += PAGE
    return out[:limit]


def visible(divisions: Divisions, prefix: str, aggregate_ids: Iterable[str]) -> set[str]:
    """Which aggregates' findings a caller of ``prefix`` is shown: their own households, and whatever
    belongs to no jurisdiction (the policy, the person indexes) or can no longer be attributed."""
    shown = set()
    for oid in aggregate_ids:
        division = divisions.of(oid)
        if division is None or division == UNREADABLE or division.startswith(prefix):
            shown.add(oid)
    return shown
