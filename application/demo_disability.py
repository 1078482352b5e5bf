"""The synthetic district's disabled members and their two subsidies (see ``application.demo``).

About one dibao household in ten approved has a member with a disability certificate (a share close to a
district's: 困难残疾人 among dibao beneficiaries); the certificate is recorded the day the dibao is
approved, and the member applies for the living subsidy and, if the grade reaches it, the care subsidy —
reviewed and approved the same week. The draws come from their own random stream, so the rest of the
district is the same with or without them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from application.commands import (
    Approve,
    FileApplication,
    HouseholdCommand,
    Meta,
    RecordDisabilityCertificate,
    RecordTownshipReview,
)
from domain.disability import DisabilityCertificate
from domain.enrolment import TownshipOpinion
from domain.household import Household
from domain.members import DisabilityKind
from domain.values import Actor, Program

SHARE = 0.10  # of dibao households approved
GRADES = (1, 2, 3, 4)
GRADE_WEIGHTS = (15, 30, 30, 25)
CATEGORIES = tuple(DisabilityKind)
CATEGORY_WEIGHTS = (45, 10, 10, 4, 12, 14, 5)  # physical … multiple, roughly as districts report them
LESSER = frozenset({DisabilityKind.INTELLECTUAL, DisabilityKind.MENTAL})  # the seed's lesser-grade categories


class DisabilityDemo:
    def __init__(self, do: Callable[[HouseholdCommand[Any]], Any], seed: int, approver: Actor) -> None:
        self.do, self.approver = do, approver
        self.rng = random.Random(seed * 31 + 16)

    def after_dibao(self, h: Household, dibao: UUID, on: date, cw: Actor) -> list[tuple[UUID, date | None, str]]:
        """Perhaps certify a member of a dibao household just approved and enrol them; returns the
        subsidies approved with their next review and program."""
        e = h.enrolment(dibao)
        if e.program is not Program.DIBAO or self.rng.random() >= SHARE:
            return []
        person = h.members[self.rng.choice(e.beneficiaries)]
        grade = self.rng.choices(GRADES, GRADE_WEIGHTS)[0]
        category = self.rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        issued = on - timedelta(days=self.rng.randint(30, 3000))
        until = issued + timedelta(days=365 * self.rng.choice((5, 10)))
        number = f"{person.id_number.value}{CATEGORIES.index(category) + 1}{grade}"
        certificate = DisabilityCertificate(category, grade, number, issued, max(until, on))
        meta = Meta(actor=cw, effective_on=on, reason=None)
        if (
            self.do(
                RecordDisabilityCertificate(
                    household_id=h.id, person_id=person.person_id, certificate=certificate, meta=meta
                )
            )
            is None
        ):
            return []
        programs = [Program.DISABILITY_LIVING]
        if grade <= 2 or category in LESSER:
            programs.append(Program.DISABILITY_CARE)
        return [got for p in programs if (got := self._enrol(h.id, person.person_id, p, on, cw)) is not None]

    def _enrol(
        self, hid: UUID, pid: UUID, program: Program, on: date, cw: Actor
    ) -> tuple[UUID, date | None, str] | None:
        got = self.do(
            FileApplication(
                household_id=hid, program=program, beneficiaries=(pid,), meta=Meta(actor=cw, effective_on=on)
            )
        )
        if got is None:
            return None
        eid = got[0]
        review = RecordTownshipReview(
            household_id=hid,
            enrolment_id=eid,
            investigated_on=on,
            findings="持证属实",
            opinion=TownshipOpinion.APPROVE,
            meta=Meta(actor=cw, effective_on=on),
        )
        if self.do(review) is None:
            return None
        approved = self.do(Approve(household_id=hid, enrolment_id=eid, meta=Meta(actor=self.approver, effective_on=on)))
        return None if approved is None else (eid, approved[1].enrolment(eid).next_review_due, str(program))
