"""A province's inbox of cross-province findings, and the worklist lines a caseworker sees.

The relay process also consumes ``<root>.findings.<province>`` through a durable consumer of its
own; each finding is stored once by its id in the province's store (a finding delivered again after
a crash is recognised and not stored twice), then acknowledged. Findings are rows in the province's
store (``jiuzhu_national_findings``), not yet events of the household: see docs/scaling.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from application.national.service import Bus
from infrastructure.national.province_store import ProvinceNationalStore, ReceivedFinding


@dataclass(frozen=True)
class FindingsSubjects:
    stream: str
    subject: str  # <root>.findings.<province>
    durable: str


class FindingsInbox:
    def __init__(self, store: ProvinceNationalStore, bus: Bus, subjects: FindingsSubjects, *, batch: int = 100):
        self.store, self.bus, self.subjects, self.batch = store, bus, subjects, batch
        self.received = 0  # findings new to this province

    def step(self, wait: float = 0.2) -> int:
        """Store and acknowledge one batch of findings; returns the deliveries handled."""
        s = self.subjects
        deliveries = self.bus.fetch(s.stream, s.subject, s.durable, self.batch, wait)
        if deliveries:
            self.received += self.store.receive([_finding(json.loads(d.data)) for d in deliveries])
            self.bus.ack(deliveries)
        return len(deliveries)


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


def finding_items(store: ProvinceNationalStore) -> list[FindingItem]:
    """The province's findings as worklist lines, e.g. "enrolled in dibao in province 34 since 2023-05-01"."""
    return [
        FindingItem(
            "cross_province_duplicate",
            f.household_id,
            f.enrolment_id,
            f.program,
            f"enrolled in {f.other_program} in province {f.other_province} since {f.other_since.isoformat()}",
        )
        for f in store.findings()
    ]
