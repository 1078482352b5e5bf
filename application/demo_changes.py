"""The synthetic district's bookkeeping and what happens to households once they are on the roll:
suspensions and resumptions, terminations, births, deaths and temporary grants (see ``application.demo``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.casework import Casework
from application.commands import (
    AddMember,
    GrantTemporary,
    HouseholdCommand,
    Meta,
    RemoveMember,
    Resume,
    Suspend,
    Terminate,
)
from application.demo_disability import DisabilityDemo
from application.demo_people import DISTRICT, Family, People
from domain.enrolment import Status
from domain.errors import DomainError
from domain.household import Household
from domain.members import AdditionCause, Relation, RemovalCause
from domain.rules.temporary import ApprovalLevel, GrantKind
from domain.values import Actor, Role, first_of_next_month

APPROVER = Actor("approver-district", Role.APPROVER, DISTRICT)


@dataclass
class DemoReport:
    households: int = 0
    commands: int = 0
    refused: int = 0
    decided: dict[str, int] = field(default_factory=dict)  # program → applications decided
    approved: int = 0
    rejected: int = 0
    reviews: dict[str, int] = field(default_factory=dict)  # status after the review → count
    suspended: int = 0
    resumed: int = 0
    terminated: int = 0
    births: int = 0
    deaths: int = 0
    grants: int = 0
    adjusted: int = 0  # amounts re-computed for the mid-year standard raise
    closed: int = 0  # children aged out and gradual exits run out (the quarterly calendar job)
    payroll: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # month → (payments, yuan)
    seconds: float = 0.0


@dataclass
class Case:
    """An approved enrolment the simulation follows until it ends."""

    household_id: UUID
    enrolment_id: UUID
    caseworker: Actor
    due: date | None  # the next review


class DistrictBase:
    """What ``District`` keeps track of, its command helper, and the monthly changes."""

    app: Casework
    rng: random.Random
    people: People
    report: DemoReport
    families: dict[UUID, Family]  # registration order
    cases: dict[UUID, Case]  # enrolment id → case, in approval order
    suspended: list[tuple[Case, date]]  # resumed on that day
    disability: DisabilityDemo

    def _follow_subsidies(self, hid: UUID, dibao: UUID, on: date, cw: Actor, h: Household) -> None:
        """A dibao household just approved: perhaps a certified member and their subsidies, followed like any case."""
        for eid, due, program in self.disability.after_dibao(h, dibao, on, cw):
            self.cases[eid] = Case(hid, eid, cw, due)
            self.report.approved += 1
            self.report.decided[program] = self.report.decided.get(program, 0) + 1

    def _do(self, cmd: HouseholdCommand[Any]) -> Any:
        """Run one command; a refusal by the rules is counted, not fatal (the district is random)."""
        self.report.commands += 1
        try:
            return self.app.handle(cmd)
        except DomainError:
            self.report.refused += 1
            return None

    def _day(self, month: date, low: int, high: int) -> date:
        return month + timedelta(days=self.rng.randint(low, high))

    def _changes(self, month: date) -> None:
        """Resume suspensions that are over; then about one household in a hundred changes."""
        month_end = first_of_next_month(month) - timedelta(days=1)
        still = []
        for case, on in self.suspended:
            if on > month_end:
                still.append((case, on))
            elif self._do(
                Resume(
                    household_id=case.household_id,
                    enrolment_id=case.enrolment_id,
                    meta=Meta(actor=APPROVER, effective_on=on),
                )
            ):
                self.report.resumed += 1
        self.suspended = still
        ids = list(self.families)
        for hid in self.rng.sample(ids, min(len(ids), max(1, len(ids) // 100))):
            self._change(hid, self._day(month, 4, 25))

    def _change(self, hid: UUID, day: date) -> None:
        fam, h = self.families[hid], self.app.get_household(hid)
        followed = [self.cases[e.enrolment_id] for e in h.enrolments.values() if e.enrolment_id in self.cases]
        roll = self.rng.random()
        if roll < 0.25 and followed:
            case = followed[0]
            if h.enrolment(case.enrolment_id).status_on(day) is Status.ACTIVE and self._stop_paying(
                Suspend, hid, case, day, "NOT_REACHABLE", "入户核查未见本人，暂停发放"
            ):
                self.report.suspended += 1
                self.suspended.append((case, self._day(first_of_next_month(day, self.rng.randint(1, 3)), 0, 10)))
        elif roll < 0.45 and followed:
            case = followed[0]
            if self._stop_paying(Terminate, hid, case, day, "MOVED_AWAY", "户籍迁出本区"):
                self.report.terminated += 1
                del self.cases[case.enrolment_id]
        elif roll < 0.6:
            self._life_event(hid, fam, h, followed, day)
        else:
            self._grant(hid, fam, day)

    def _stop_paying(
        self, command: type[Suspend | Terminate], hid: UUID, case: Case, day: date, reason_code: str, reason: str
    ) -> bool:
        """The approver suspends or terminates a followed case, stating the reason code and text."""
        meta = Meta(actor=APPROVER, effective_on=day, reason=reason)
        return bool(
            self._do(command(household_id=hid, enrolment_id=case.enrolment_id, reason_code=reason_code, meta=meta))
        )

    def _life_event(self, hid: UUID, fam: Family, h: Household, followed: list[Case], day: date) -> None:
        """A birth in a young family, or the death of an elderly parent (a review falls due)."""
        cw = fam.place.caseworker
        elder = next((m for m in h.members.values() if m.relation is Relation.PARENT), None)
        if elder is not None:
            if self._do(
                RemoveMember(
                    household_id=hid,
                    person_id=elder.person_id,
                    cause=RemovalCause.DEATH,
                    meta=Meta(actor=cw, effective_on=day),
                )
            ):
                self.report.deaths += 1
                for case in followed:  # a death requires a review within 3 months
                    case.due = min(case.due or date.max, first_of_next_month(day, 2))
        elif fam.kind == "dibao" and any(m.relation is Relation.SPOUSE for m in h.members.values()):
            baby = self.people.newborn(fam.members[0].name[0], day - timedelta(days=self.rng.randint(5, 40)))
            if self._do(
                AddMember(
                    household_id=hid, member=baby, cause=AdditionCause.BIRTH, meta=Meta(actor=cw, effective_on=day)
                )
            ):
                self.report.births += 1

    def _grant(self, hid: UUID, fam: Family, day: date) -> None:
        """Temporary assistance: small emergency grants by the township, larger ones by the district."""
        district = self.rng.random() < 0.2
        self.report.grants += bool(
            self._do(
                GrantTemporary(
                    household_id=hid,
                    kind=GrantKind.EXPENDITURE if district else GrantKind.EMERGENCY,
                    level=ApprovalLevel.DISTRICT if district else ApprovalLevel.TOWNSHIP,
                    amount=Decimal(
                        self.rng.randrange(2000, 8000, 100) if district else self.rng.randrange(200, 1000, 50)
                    ),
                    meta=Meta(
                        actor=APPROVER if district else fam.place.caseworker,
                        effective_on=day,
                        reason="大病医疗支出" if district else "突发困难",
                    ),
                )
            )
        )
