"""The "may qualify" follower: a fact recorded about a household runs every program's rules on it.

``MayQualify`` follows the household facts that can make a household newly eligible (``FACT_TOPICS``:
a member's death or departure, a change of a member's disability, illness or work, a care assessment,
a child's parents' situation, a new declaration of means) and the applications filed. For a fact, it
runs ``domain.rules.may_qualify.candidates`` on the household as it now stands, with the facts in
effect on the fact's date, and raises a ``QualificationNoticeRaised`` for each program the household
appears eligible for and is not enrolled in (or at a lower amount) — unless a notice for that program
and beneficiary is still open. For an application, it closes the open notices of that program for a
person it names (``QualificationNoticeActedOn``, by the caseworker who filed it). Nothing is enrolled.

Exactly once, as ``application.followers.Recalculation``: its position is kept under ``NAME`` in the
tracking table, written after the household is saved. A follower that crashes between the two
handles the fact again on restart and finds the notices it raised (they name the fact as their
trigger), so raises nothing twice; a racing follower loses on the household's version, reloads and
finds them too. It starts at the log's end on a store that never ran it: facts recorded before it
existed are not re-examined. ``GET /api/v1/worklist`` calls ``follow`` before answering; ``jiuzhu
follow`` runs it after the recalculation (``Followers``), under the same lease.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, Tracking, TrackingRecorder
from eventsourcing.utils import get_topic

from application.casework import Casework
from application.errors import ConcurrentUpdate
from application.followers import Progress, Recalculation, TrackedFollower
from application.views.worklist import WorkItem
from domain.errors import DomainError
from domain.facts import facts_on
from domain.household import Household
from domain.household_register import open_notices
from domain.household_register_events import Notice
from domain.rules.may_qualify import candidates
from domain.values import Actor, Context, Role

NAME = "jiuzhu_may_qualify"
log = logging.getLogger("jiuzhu.notices")
SYSTEM = Actor("system:may-qualify", Role.SYSTEM, "")
#: The facts after which the programs are run again (helpers adding a fact event add it here).
FACTS: tuple[type[Household.Event], ...] = (
    Household.MemberRemoved,
    Household.MemberChanged,
    Household.MemberAdded,
    Household.CareAssessed,
    Household.ParentsRecorded,
    Household.CircumstancesRecorded,
    Household.DisabilityCertified,
    Household.ResidenceRecorded,
)
FACT_TOPICS = tuple(get_topic(c) for c in FACTS)
APPLIED_TOPIC = get_topic(Household.ApplicationFiled)
NOTICE_TOPICS = [
    get_topic(c)
    for c in (
        Household.QualificationNoticeRaised,
        Household.QualificationNoticeDismissed,
        Household.QualificationNoticeActedOn,
    )
]


def trigger_of(event: Household.Event) -> str:
    """How a notice names the fact that raised it: the event and its version in the household."""
    return f"{type(event).__name__} v{event.originator_version}"


def describe(n: Notice) -> str:
    """A notice as one line, e.g. "may qualify for dibao from 2025-03-10: 1110.00 a month (…)"."""
    codes = ", ".join(r.code for r in n.assessment.reasons)
    now = "not enrolled" if n.enrolled_amount is None else f"enrolled at {n.enrolled_amount:.2f}"
    return (
        f"may qualify for {n.program} from {n.eligible_from}: {n.monthly_amount:.2f} a month"
        f" ({now}; after {n.trigger}; rules: {codes})"
    )


class MayQualify(TrackedFollower):
    """The follower that raises and closes "may qualify" notices (see the module's docstring)."""

    name = NAME
    topics = (*FACT_TOPICS, APPLIED_TOPIC)

    def __init__(self, casework: Casework, tracking: TrackingRecorder, *, page_size: int = 100) -> None:
        super().__init__(casework, tracking, page_size=page_size)
        self._reads = threading.Lock()
        self._read_to = 0  # the notice events read into ``_known`` so far
        self._known: dict[UUID, tuple[str, tuple[Notice, ...]]] = {}  # household → (division, its notices)

    def catch_up(self, progress: Any = None) -> int:
        return len(self.follow())

    def follow(self) -> list[UUID]:
        """Handle every fact and application recorded since the position; the notices raised."""
        raised: list[UUID] = []
        with self._lock:
            self.start_at_end()
            while page := self._next_page():
                for n in page:
                    raised.extend(self._handle(n))
        return raised

    def _handle(self, n: Notification) -> list[UUID]:
        event = self.casework.mapper.to_domain_event(n)
        assert isinstance(event, Household.Event)
        raised: list[UUID] = []
        try:
            if isinstance(event, Household.ApplicationFiled):
                self.casework._update(event.originator_id, None, SYSTEM, lambda h, _: _close(h, event))
            else:
                raised, _ = self.casework._update(event.originator_id, None, SYSTEM, lambda h, _: self._raise(h, event))
        except ConcurrentUpdate:
            raise  # the household kept changing: handled again on the next round
        except DomainError as e:  # e.g. a household failing verification: logged, not retried for ever
            log.error("may-qualify skipped %s: %s", n.id, e.message, extra={"event": "may-qualify-skipped"})
        try:
            self.tracking.insert_tracking(Tracking(self.name, n.id))
        except IntegrityError:  # a racing follower tracked it: the notices were raised once all the same
            return []
        return raised

    def _raise(self, h: Household, event: Household.Event) -> list[UUID]:
        trigger = trigger_of(event)
        if any(n.trigger == trigger for n in h.notices.values()):
            return []  # handled before a crash: raised already
        on = event.effective_on
        policy = self.casework.policy()
        found = candidates(facts_on(h, on), on, lambda: self.casework.pricing_params(h.division_code, on, policy))
        ctx = Context(on, SYSTEM, f"after {trigger}, the rules find the household may qualify", event.request_id)
        raised = []
        for c in found:
            if any(set(n.beneficiaries) & set(c.beneficiaries) for n in open_notices(h, c.program)):
                continue  # a notice for that program and person is still open
            raised.append(h.raise_notice(c, trigger=trigger, ctx=ctx))
        return raised

    # ----------------------------------------------------------------- reads

    def notices(self, prefix: str) -> list[tuple[UUID, str, Notice]]:
        """Every notice of the households in a division, open or closed: (household, its division, notice).

        Read from the households a notice event names, kept in memory and brought up to date from the log
        on each read (only the households with a notice event since the last read are loaded again)."""
        with self._reads:
            changed: set[UUID] = set()
            while page := self.casework.recorder.select_notifications(
                self._read_to, 500, topics=NOTICE_TOPICS, inclusive_of_start=False
            ):
                changed.update(UUID(str(n.originator_id)) for n in page)
                self._read_to = page[-1].id
            for hid in changed:
                h = self.casework.get_household(hid)
                self._known[hid] = (h.division_code, tuple(h.notices.values()))
            known = list(self._known.items())
        return [(hid, division, n) for hid, (division, ns) in known if division.startswith(prefix) for n in ns]

    def items(self, prefix: str) -> list[WorkItem]:
        """The open notices in a division as worklist lines."""
        return [
            WorkItem(
                "may_qualify",
                n.eligible_from,
                None,
                hid,
                division,
                str(n.program),
                "open",
                describe(n),
                None,
                n.notice_id,
            )
            for hid, division, n in self.notices(prefix)
            if n.status == "open"
        ]

    def counts(self, prefix: str, start: date, end: date) -> dict[str, int]:
        """Notices raised, acted on and dismissed in the period (by the date each took effect), open at its end."""
        notices = [n for _, _, n in self.notices(prefix)]

        def closed_in(status: str) -> int:
            return sum(1 for n in notices if n.status == status and n.closed_on and start <= n.closed_on <= end)

        return {
            "raised": sum(1 for n in notices if start <= n.eligible_from <= end),
            "acted_on": closed_in("acted_on"),
            "dismissed": closed_in("dismissed"),
            "open": sum(1 for n in notices if n.eligible_from <= end and (n.closed_on is None or n.closed_on > end)),
        }


class Followers:
    """The followers ``jiuzhu follow`` runs in turn under one lease: the recalculation, then the notices."""

    def __init__(self, recalculation: Recalculation, notices: MayQualify) -> None:
        self.recalculation, self.notices = recalculation, notices

    def start_at_end(self) -> None:
        self.recalculation.start_at_end()
        self.notices.start_at_end()

    def catch_up(self, progress: Progress | None = None) -> int:
        return self.recalculation.catch_up(progress) + self.notices.catch_up()

    def position(self) -> int:
        """The further of the two positions (the worker only logs it)."""
        return max(self.recalculation.position(), self.notices.position())


def _close(h: Household, event: Household.ApplicationFiled) -> None:
    """The open notices of the application's program for a person it names are acted on by it."""
    ctx = Context(event.effective_on, event.actor, f"application {event.enrolment_id} filed", event.request_id)
    for n in open_notices(h, event.program):
        if set(n.beneficiaries) & set(event.beneficiaries):
            h.act_on_notice(n.notice_id, event.enrolment_id, ctx=ctx)
