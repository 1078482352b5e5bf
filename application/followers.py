"""Followers: processes that react to recorded events, each exactly once, with their own tracking.

``Recalculation`` follows the policy. Each new dated value (``Policy.ValueSet``) re-prices every
enrolment the value may govern (``Jobs.recalculate``: an ``EntitlementChanged`` with cause
"parameter" for each month whose amount it changes). It pulls the notification log — filtered to
that one topic, in pages — from the position it recorded under its own name (``NAME``) in the
tracking table the views' projection also uses, and records each value's position once the value
is handled.

Why exactly once although the re-pricing and the tracking record are two transactions: the
re-pricing is idempotent. It records only the difference between what the schedule says and what
the rules give, so a follower that crashes after re-pricing and before tracking handles the value
again on restart and records nothing twice; a second follower racing for the same value finds the
same nothing to do and loses on the tracking record (the library refuses a position twice).

Where it runs: ``POST /api/v1/policy/parameters`` calls ``follow`` inline so its answer can say
what changed; ``jiuzhu follow`` runs it continuously (one worker at a time, under the
``followers`` lease) and so finishes a value whose request died between saving it and re-pricing.

The calendar tick (``Jobs.tick``) is not a follower: it reacts to no event but to the date, and it
is idempotent by construction (docs/architecture.md, "Followers").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from eventsourcing.persistence import IntegrityError, Notification, Tracking, TrackingRecorder
from eventsourcing.utils import get_topic

from application.casework import Casework
from application.jobs import JobReport
from application.leased import Lease
from application.views.projection import Views
from application.views.worker import ProjectionWorker
from domain.policy import ParameterValue, Policy

NAME = "jiuzhu_recalculation"
VALUE_SET_TOPIC = get_topic(Policy.ValueSet)
Progress = Callable[[int, int], None]  # (position reached, last position in the log)


@dataclass(frozen=True)
class Recalculated:
    """One parameter value handled by the follower: where it stood in the log, and what changed."""

    position: int
    value: ParameterValue
    request_id: str | None
    report: JobReport


class TrackedFollower:
    """What every tracked follower shares: its name, its position (the tracking recorder's), starting at the
    log's end on a store that never ran it, and reading the log a page at a time filtered to its ``topics``."""

    name: str
    topics: tuple[str, ...]

    def __init__(self, casework: Casework, tracking: TrackingRecorder, *, page_size: int = 100) -> None:
        self.casework = casework
        self.tracking = tracking
        self.page_size = page_size
        self._lock = threading.Lock()

    def position(self) -> int:
        """The last notification this follower handled (0 before any)."""
        return self.tracking.max_tracking_id(self.name) or 0

    def start_at_end(self) -> bool:
        """On a store that never ran this follower, start after what is recorded now: what was recorded
        before it existed was handled inline when it was recorded. Returns True when it started the
        follower, False when it had a position already."""
        if self.tracking.max_tracking_id(self.name) is not None:
            return False
        try:
            self.tracking.insert_tracking(Tracking(self.name, self.casework.recorder.max_notification_id() or 0))
        except IntegrityError:  # another process started it at the same moment
            return False
        return True

    def _next_page(self) -> Sequence[Notification]:
        return self.casework.recorder.select_notifications(
            self.position(), self.page_size, topics=list(self.topics), inclusive_of_start=False
        )


class Recalculation(TrackedFollower):
    """The follower that re-prices enrolments after each new parameter value (see the module's docstring).
    A value set before it existed was re-priced inline in the request, and an enrolment approved after a
    value was priced with it by its approval: so it starts at the log's end."""

    name = NAME
    topics = (VALUE_SET_TOPIC,)

    def catch_up(self, progress: Progress | None = None) -> int:
        """Handle every parameter value recorded since the position; returns how many were handled."""
        return len(self.follow(progress))

    def follow(self, progress: Progress | None = None) -> list[Recalculated]:
        """Handle every parameter value recorded since the position, each then tracked; what each changed."""
        done: list[Recalculated] = []
        with self._lock:
            self.start_at_end()
            while page := self._next_page():
                for n in page:
                    handled = self._handle(n)
                    if handled is not None:
                        done.append(handled)
                    if progress:
                        progress(n.id, page[-1].id)
        return done

    def _handle(self, n: Notification) -> Recalculated | None:
        """Re-price for one value, then track it; None if another follower tracked it first."""
        event = self.casework.mapper.to_domain_event(n)
        assert isinstance(event, Policy.ValueSet)
        report = self.casework.recalculate(event.value, event.actor, request_id=event.request_id)
        try:
            self.tracking.insert_tracking(Tracking(self.name, n.id))
        except IntegrityError:  # a racing follower handled it too: its re-pricing and ours recorded it once
            return None
        return Recalculated(n.id, event.value, event.request_id, report)


class Follower(Protocol):
    """What the workers' loop asks of a follower (the recalculation, or ``application.notices.Followers``)."""

    def catch_up(self, progress: Progress | None = None) -> int: ...
    def position(self) -> int: ...


def follower_worker(follower: Follower, lease: Lease, *, interval: float = 1.0) -> ProjectionWorker:
    """The loop ``jiuzhu follow`` runs: the projection workers' (lease, stand-by, take-over, back-off), which
    asks of what it keeps only ``catch_up(progress)`` and ``position()``; a follower has both, as the views do."""
    return ProjectionWorker(cast(Views, follower), lease, interval=interval)
