"""The view store as the application needs it: what the projection writes and the queries it asks.

A port in the sense of ports and adapters: the application says what it needs of the store that
keeps its read models; infrastructure provides one for each backend (``infrastructure.views``:
SQLite, PostgreSQL, an in-memory SQLite for POPO and for the views as of an instant) and never
needs to import this module, since a ``Protocol`` is satisfied by shape. The rows it takes and gives
are the application's own (``application.views.rows``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from eventsourcing.persistence import Cipher, Tracking

from application.views.rows import Count, EnrolmentRow, HouseholdQuery, HouseholdViews, PayableRow, RollRow, SheetRow
from domain.payroll import Payment


class Counts(Protocol):
    """The counts the statistics ask for. The view store itself answers them by recounting its rows (exact
    for any dates, the oracle); ``ViewStore.summaries`` answers them from monthly summaries, for whole months."""

    def count_on(self, on: date, prefix: str, statuses: Sequence[str], by: Sequence[str] = ()) -> list[Count]: ...

    def count_started(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]: ...

    def count_ended(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]: ...

    def count_payments(
        self, start: date, end: date, prefix: str, by: Sequence[str] = (), *, households: bool = True
    ) -> list[Count]: ...

    def count_grants(self, start: date, end: date, prefix: str, by: Sequence[str] = ()) -> list[Count]: ...

    def parts_paid(self, start: date, end: date, prefix: str) -> tuple[Decimal, Decimal]: ...


class ViewStore(Counts, Protocol):
    """Read models kept beside the events, with the tracking position of the projection that keeps them
    (and the counts by recount, as ``Counts`` declares them)."""

    cipher: Cipher | None  # names and masked ID numbers are sealed as the events are

    # ------------------------------------------------------------ projection
    def record(self, households: Sequence[HouseholdViews], payments: Sequence[Payment], tracking: Tracking) -> None:
        """Rewrite the households' rows, add the payments and record the position, in one transaction."""

    def reset(self, application_name: str) -> None:
        """Empty the views and forget the position (a rebuild follows)."""

    def max_tracking_id(self, application_name: str) -> int | None: ...

    def wait(self, application_name: str, notification_id: int | None, timeout: float = 1.0) -> None:
        """Block until the views have processed ``notification_id``; TimeoutError otherwise."""

    def close(self) -> None: ...

    # ------------------------------------------------------------ queries
    def search(self, q: HouseholdQuery) -> list[dict[str, Any]]: ...

    def payable_on(self, on: date, prefix: str) -> list[PayableRow]: ...

    def roll(self, program: str, on: date, prefix: str) -> list[RollRow]: ...

    def summaries(self, prefix: str) -> Counts:
        """The counts for a jurisdiction from its monthly summaries (stale divisions summarised first)."""

    def open_enrolments(self, prefix: str, today: date) -> list[tuple[EnrolmentRow, str]]: ...

    def paid_months(self, before: date, prefix: str) -> list[date]: ...

    def sheet(self, month: date, prefix: str) -> list[SheetRow]: ...
