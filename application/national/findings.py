"""A province's inbox of cross-province findings, and the worklist lines a caseworker sees.

The relay process also consumes ``<root>.findings.<province>`` through a durable consumer of its
own. Each finding is recorded as a ``CrossProvinceFinding`` aggregate in the province's event store
(its id derives from the finding's, so a finding delivered again after a crash conflicts and is not
recorded twice) and as a row of ``jiuzhu_national_findings`` (the worklist's read model, inserted
once by its id), then acknowledged. A caseworker resolves it with ``resolve_finding``: a ``Resolved``
event, and the row leaves the worklist. The lines are not yet in the desk's worklist page.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.casework import Casework
from application.errors import HouseholdNotFound
from application.national.service import Bus
from domain.errors import NotFound
from domain.national_finding import CrossProvinceFinding, finding_aggregate_id
from domain.values import Actor, Role
from infrastructure.national.bus import Delivery
from infrastructure.national.province_store import ProvinceNationalStore, ReceivedFinding

log = logging.getLogger("jiuzhu.national")


@dataclass(frozen=True)
class FindingsSubjects:
    stream: str
    subject: str  # <root>.findings.<province>
    durable: str


class FindingsInbox:
    def __init__(
        self,
        casework: Casework,
        store: ProvinceNationalStore,
        bus: Bus,
        subjects: FindingsSubjects,
        *,
        province: str,
        batch: int = 100,
    ):
        self.casework, self.store, self.bus, self.subjects, self.batch = casework, store, bus, subjects, batch
        self.actor = Actor("system:national", Role.SYSTEM, province)
        self.received = 0  # findings recorded as events by this inbox

    def step(self, wait: float = 0.2) -> int:
        """Record and acknowledge one batch of findings; returns the deliveries handled."""
        s = self.subjects
        deliveries = self.bus.fetch(s.stream, s.subject, s.durable, self.batch, wait)
        if deliveries:
            findings = [f for f in map(_readable, deliveries) if f is not None]
            for f in findings:
                self.received += self._record(f)
            self.store.receive(findings)
            self.bus.ack(deliveries)
        return len(deliveries)

    def _record(self, f: ReceivedFinding) -> int:
        """Save the finding's ``Received`` event unless recorded before (1 when new)."""
        finding = CrossProvinceFinding.receive(**{**f.__dict__, "actor": self.actor})
        try:
            self.casework.save(finding)
        except IntegrityError:
            return 0  # delivered again: recorded the first time
        return 1


def resolve_finding(
    casework: Casework,
    store: ProvinceNationalStore,
    finding_id: str,
    outcome: str,
    note: str,
    *,
    on: date,
    actor: Actor,
) -> None:
    """A caseworker's resolution: a ``Resolved`` event of the finding, and it leaves the worklist. A finding
    unknown here, or about a household outside the caseworker's jurisdiction, is answered as not found."""
    unknown = NotFound(
        f"no finding {finding_id} in the caller's jurisdiction", field="finding_id", rule="finding-known"
    )
    finding: object
    try:
        finding = casework.repository.get(finding_aggregate_id(finding_id))
    except AggregateNotFoundError:
        finding = None
    if not isinstance(finding, CrossProvinceFinding):
        raise unknown
    try:
        casework.read_household(finding.household_id, actor)
    except HouseholdNotFound:
        raise unknown from None
    finding.resolve(outcome, note, effective_on=on, actor=actor)
    casework.save(finding)
    store.resolved(finding_id, outcome, on)


def _readable(d: Delivery) -> ReceivedFinding | None:
    """The finding, or None (logged, then acknowledged with the batch) for one this version cannot read."""
    try:
        return _finding(json.loads(d.data))
    except (ValueError, KeyError, TypeError) as e:
        log.error("unreadable finding %s: %s", d.msg_id, e, extra={"event": "finding-unreadable", "msg_id": d.msg_id})
        return None


def _finding(m: dict[str, str]) -> ReceivedFinding:
    return ReceivedFinding(
        finding_id=m["finding"],
        household_id=UUID(m["household"]),
        enrolment_id=UUID(m["enrolment"]),
        program=m["program"],
        person_hash=m["person"],
        other_province=m["other_province"],
        other_program=m["other_program"],
        other_since=date.fromisoformat(m["other_since"]),
        found_at=datetime.fromisoformat(m["found_at"]),
    )


@dataclass(frozen=True)
class FindingItem:
    """A worklist line: this household's enrolment overlaps an enrolment of the same person elsewhere."""

    kind: str  # always "cross_province_duplicate"
    household_id: UUID
    enrolment_id: UUID
    program: str
    detail: str
    finding_id: str


def finding_items(store: ProvinceNationalStore) -> list[FindingItem]:
    """The open findings as worklist lines, e.g. "enrolled in dibao in province 34 since 2023-05-01"."""
    return [
        FindingItem(
            "cross_province_duplicate",
            f.household_id,
            f.enrolment_id,
            f.program,
            f"enrolled in {f.other_program} in province {f.other_province} since {f.other_since.isoformat()}",
            f.finding_id,
        )
        for f in store.findings(open_only=True)
    ]


def open_findings(casework: Casework, store: ProvinceNationalStore, actor: Actor) -> list[tuple[FindingItem, str]]:
    """The open findings about households in the caller's jurisdiction, each with the household's division."""
    found = []
    for item in finding_items(store):
        try:
            household = casework.read_household(item.household_id, actor)
        except HouseholdNotFound:
            continue  # outside the caller's jurisdiction
        found.append((item, household.division_code))
    return found
