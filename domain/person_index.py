"""The person index: which programs a person is enrolled in, across every household.

One aggregate per person, its id derived from a keyed hash of the ID number (so ids cannot be
brute-forced from the 18-digit space). It is saved in the same transaction as the household whose
command claims or releases a program, so two caseworkers racing on two households cannot both win.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.values import Actor, Context, IdNumber, Program

#: Programs a person may not hold together with the key program (docs/rules.md, "Exclusions across programs").
EXCLUSIVE_WITH: dict[Program, frozenset[Program]] = {
    Program.DIBAO: frozenset({Program.DIBAO, Program.TEKUN}),
    Program.TEKUN: frozenset({Program.DIBAO, Program.TEKUN, Program.DISABILITY_LIVING, Program.DISABILITY_CARE}),
    Program.ORPHAN: frozenset({Program.ORPHAN, Program.UNSUPPORTED_CHILD}),
    Program.UNSUPPORTED_CHILD: frozenset({Program.ORPHAN, Program.UNSUPPORTED_CHILD}),
    Program.TEMPORARY: frozenset(),
    Program.ELDERLY_ALLOWANCE: frozenset({Program.ELDERLY_ALLOWANCE}),
    Program.HOME_CARE_SUBSIDY: frozenset({Program.HOME_CARE_SUBSIDY}),
    # 国发〔2015〕52号: tekun's support includes living and care; the subsidies are not paid beside it
    Program.DISABILITY_LIVING: frozenset({Program.DISABILITY_LIVING, Program.TEKUN}),
    Program.DISABILITY_CARE: frozenset({Program.DISABILITY_CARE, Program.TEKUN}),
}


def person_index_id(id_number: IdNumber, key: bytes) -> UUID:
    """The index aggregate's id: HMAC-SHA256 of the ID number under a secret key, as a UUID."""
    digest = hmac.new(key, id_number.value.encode(), hashlib.sha256).digest()
    return UUID(bytes=digest[:16], version=5)


@dataclass(frozen=True, slots=True)
class Claim:
    program: str
    household_id: UUID
    enrolment_id: UUID


class PersonIndex(Aggregate):
    """Enrolments that name this person as a beneficiary and may still be open."""

    class Created(Aggregate.Created):
        """The person was first named in an application."""

    class Claimed(Aggregate.Event):
        """An application named the person as a beneficiary of a program."""

        program: Program
        household_id: UUID
        enrolment_id: UUID
        effective_on: date
        actor: Actor
        request_id: str | None

        def apply(self, aggregate: PersonIndex) -> None:
            aggregate.claims[self.enrolment_id] = Claim(str(self.program), self.household_id, self.enrolment_id)

    class Released(Aggregate.Event):
        """The enrolment ended (rejected, withdrawn, terminated) or was found closed."""

        enrolment_id: UUID
        effective_on: date
        actor: Actor
        request_id: str | None

        def apply(self, aggregate: PersonIndex) -> None:
            aggregate.claims.pop(self.enrolment_id, None)

    def __init__(self) -> None:
        self.claims: dict[UUID, Claim] = {}

    @classmethod
    def create(cls, index_id: UUID) -> PersonIndex:
        return cls._create(cls.Created, id=index_id)

    def conflicting(self, program: Program) -> list[Claim]:
        """Claims that would exclude a new enrolment in ``program``, open or not (the caller checks)."""
        excluded = {str(p) for p in EXCLUSIVE_WITH[Program(program)]}
        return [c for c in self.claims.values() if c.program in excluded]

    def claim(
        self,
        program: Program,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        ctx: Context,
    ) -> None:
        self.trigger_event(
            self.Claimed,
            program=Program(program),
            household_id=household_id,
            enrolment_id=enrolment_id,
            **_fields(ctx),
        )

    def release(self, enrolment_id: UUID, *, ctx: Context) -> None:
        if enrolment_id in self.claims:
            self.trigger_event(self.Released, enrolment_id=enrolment_id, **_fields(ctx))


def _fields(ctx: Context) -> dict[str, Any]:
    """A person index's events carry the context's date, actor and request id (no reason: the
    household's event beside it says why)."""
    return {"effective_on": ctx.effective_on, "actor": ctx.actor, "request_id": ctx.request_id}
