"""A cross-province finding (跨省重复享受): a person here is on dibao or tekun in another province too.

The national service finds the overlap; the province records what it was told as an event of its
own, with both clocks — when the nation found it (``found_at``, carried in the event) and when this
province recorded it (the ledger's ``recorded_at``) — and a caseworker resolves it with another.
The aggregate's id derives from the national finding id, so a finding delivered twice cannot be
recorded twice: the second save conflicts with the first.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, TransitionForbidden
from domain.values import Actor


class Resolution(StrEnum):
    """How a caseworker resolved a finding."""

    TERMINATED_HERE = "terminated_here"  # this province ended its enrolment
    TERMINATED_THERE = "terminated_there"  # the other province ended its enrolment (confirmed with it)
    NOT_THE_SAME_PERSON = "not_the_same_person"  # the hashes met, the people are not the same


#: Namespace of the findings' aggregate ids (uuid5 of the national finding id).
FINDINGS_NAMESPACE = UUID("6f0b6a52-8a51-4f57-9a43-3c3c1d0e9b18")


def finding_aggregate_id(finding_id: str) -> UUID:
    return uuid5(FINDINGS_NAMESPACE, finding_id)


class CrossProvinceFinding(Aggregate):
    """One person, one enrolment here, one enrolment in another province, on roll over the same time."""

    class Received(Aggregate.Created):
        """The nation reported the overlap; the province recorded it for its worklist."""

        finding_id: str
        household_id: UUID
        enrolment_id: UUID
        program: str
        person_hash: str
        other_province: str
        other_program: str
        other_since: date
        found_at: datetime
        actor: Actor

    class Resolved(Aggregate.Event):
        """A caseworker resolved it (e.g. ``terminated_here``, ``terminated_there``, ``not_the_same_person``)."""

        outcome: str
        note: str
        effective_on: date
        actor: Actor

        def apply(self, aggregate: CrossProvinceFinding) -> None:
            aggregate.resolved = (self.outcome, self.effective_on)

    def __init__(
        self,
        finding_id: str,
        household_id: UUID,
        enrolment_id: UUID,
        program: str,
        person_hash: str,
        other_province: str,
        other_program: str,
        other_since: date,
        found_at: datetime,
        actor: Actor,
    ) -> None:
        self.finding_id, self.household_id, self.enrolment_id = finding_id, household_id, enrolment_id
        self.program, self.person_hash = program, person_hash
        self.other_province, self.other_program, self.other_since = other_province, other_program, other_since
        self.found_at, self.received_by = found_at, actor
        self.resolved: tuple[str, date] | None = None

    @classmethod
    def receive(cls, **kwargs: Any) -> CrossProvinceFinding:
        finding_id = str(kwargs["finding_id"])
        return cls._create(cls.Received, id=finding_aggregate_id(finding_id), **kwargs)

    def resolve(self, outcome: str, note: str, *, effective_on: date, actor: Actor) -> None:
        """Record how it was resolved (once), with the caseworker's note as the reason."""
        if self.resolved is not None:
            raise TransitionForbidden(
                f"finding {self.finding_id} was resolved on {self.resolved[1]}", field="finding_id", rule="finding-open"
            )
        if outcome not in set(Resolution):
            known = ", ".join(Resolution)
            raise InvalidValue(f"outcome is one of {known}", field="outcome", rule="resolution-known")
        if not note.strip():
            raise InvalidValue("say why: the note is the resolution's reason", field="note", rule="reason-required")
        self.trigger_event(
            self.Resolved, outcome=Resolution(outcome).value, note=note, effective_on=effective_on, actor=actor
        )
