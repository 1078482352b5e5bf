"""Model-based test of the money rules (docs/money.md).

A seeded generator drives households through the ``Casework`` application over three years
(2024-01 .. 2026-12) — registrations, members born, dying, moving, going to school or to prison,
declarations of means recorded on time, late and ahead, care assessments, parents' situations,
applications for dibao (whole household and 单人保), tekun, orphan and unsupported child, township
reviews, approvals after the notice, reviews, suspensions, resumptions, terminations, gradual exits,
policy values recorded before, on and after their effective dates — with the application's clock at
a plausible "today" for every command, and runs the payroll of every month twice (once ahead, once
late in the month).

The oracle (``tests.application.money_oracle``) keeps its own log of all of it and re-derives, month
by month and enrolment by enrolment, what is due; it never reads the application's state. The test
compares: each payroll run's payments with what was due as known when the run happened; every
(enrolment, month) in the period — payment plus late corrections — with what is due as known at the
end; and the statistics' funds, household-months and person-months with the oracle's sums.

``JIUZHU_MONEY_HOUSEHOLDS`` (default 12, to keep ``make test`` within its time; 50 and more for a longer
run) and ``JIUZHU_MONEY_SEED`` change the size and the world.
Run with ``-s`` for the summary line.
"""

from __future__ import annotations

import itertools
import os
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.composition import SEED_ACTOR
from application import commands
from application.casework import Casework
from application.payroll import Payroll
from application.settlement import settle_late_changes
from application.views.projection import Views
from application.views.reports import Reports
from domain.circumstances import Assets, Circumstances, CostItem, CostKind, IncomeItem, IncomeKind
from domain.enrolment import TownshipOpinion
from domain.members import (
    Absence,
    AdditionCause,
    Disability,
    DisabilityKind,
    LabourCapacity,
    Member,
    Relation,
    RemovalCause,
    SchoolStatus,
)
from domain.payroll import payroll_id
from domain.rules.children import ParentSituation, ParentStatus
from domain.values import Actor, AreaType, IdNumber, Program, Role, id_check_character
from infrastructure.policy_seed import load_seed
from tests.application.money_oracle import (
    ACTIVITIES,
    ALWAYS,
    DIBAO,
    ORPHAN,
    TEKUN,
    UNSUPPORTED,
    ZERO,
    Decision,
    Due,
    EnrolmentLog,
    Fact,
    HouseholdLog,
    Oracle,
    age_on,
    counted,
    members_on,
    month_first,
    months,
    next_month,
)
from tests.application.steps import decide
from tests.support import by, pay, payee_account

D = Decimal
SEED = int(os.environ.get("JIUZHU_MONEY_SEED", "20240101"))
HOUSEHOLDS = int(os.environ.get("JIUZHU_MONEY_HOUSEHOLDS", "12"))
START, END = date(2024, 1, 1), date(2026, 12, 31)
SETTLING = date(2027, 1, 1)  # the month whose payroll settles what changed after the last one
FIRST_PAYROLL = date(2024, 2, 1)
COUNTY = "430112"
TOWNSHIP_2 = "430112002"
COMMUNITIES = ("430112001001", "430112002001")
STANDARD_BASE = {"urban": D("750.00"), "rural": D("600.00")}  # the lowest standards of the period

CW1 = Actor("cw-1", Role.CASEWORKER, COUNTY)  # files applications and records facts
CW2 = Actor("cw-2", Role.CASEWORKER, COUNTY)  # records the township opinions
AP = Actor("ap-1", Role.APPROVER, COUNTY)  # decides (four eyes), runs the payroll
ADMIN = Actor("admin-1", Role.ADMIN, COUNTY)

#: Policy values recorded during the run: (name, jurisdiction, effective from, value, recorded on).
#: Before, on and after their effective dates; a township override (longest prefix wins); amounts
#: whose tekun product has a third decimal below 5 (ceil and half-up differ).
POLICY: list[tuple[str, str, date, str, date]] = [
    ("dibao.standard.urban", COUNTY, date(2025, 1, 1), "803.11", date(2024, 12, 18)),  # before
    ("dibao.standard.rural", COUNTY, date(2025, 1, 1), "640.00", date(2025, 1, 1)),  # on
    ("tekun.care.dispersed.partial", COUNTY, date(2025, 4, 1), "320.00", date(2025, 3, 25)),  # before
    ("dibao.standard.rural", TOWNSHIP_2, date(2025, 10, 1), "670.00", date(2025, 9, 22)),  # township, before
    ("orphan.rate.community", COUNTY, date(2026, 1, 1), "1500.00", date(2025, 12, 10)),  # before
    ("unsupported_child.rate", COUNTY, date(2026, 1, 1), "1500.00", date(2025, 12, 10)),  # before
    ("dibao.standard.urban", COUNTY, date(2026, 1, 1), "830.00", date(2026, 2, 9)),  # after (retroactive)
    ("dibao.standard.urban", COUNTY, date(2026, 7, 1), "861.00", date(2026, 7, 1)),  # on
    ("dibao.standard.rural", COUNTY, date(2026, 7, 1), "701.07", date(2026, 8, 12)),  # after; not for TOWNSHIP_2
]

OPEN = frozenset({"applied", "reviewed", "approved", "suspended", "gradual_exit"})
LIVE = frozenset({"approved", "active", "suspended"})  # decided, not ended

_issued: Counter[date] = Counter()


def id_number(birth: date) -> IdNumber:
    """A valid ID number for a birth date, never repeated in a test session (area 430124: only this test)."""
    n = _issued[birth]
    _issued[birth] += 1
    first17 = f"430124{birth:%Y%m%d}{n:03d}"
    return IdNumber(first17 + id_check_character(first17))


class Clock:
    """The application's clock: the test sets the day; every command moves it on by a second."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def day(self, d: date) -> None:
        self.now = datetime(d.year, d.month, d.day, 8, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- the generator's world


@dataclass
class Enr:
    """The generator's own bookkeeping of one enrolment (never read from the application)."""

    log: EnrolmentLog
    status: str = "applied"  # applied reviewed approved suspended gradual_exit closed
    review_on: date | None = None
    decide_on: date | None = None
    opinion: str = "approve"
    benefits_from: date | None = None
    exit_until: date | None = None
    since: date = START  # date of the last decision
    last_review: date = START
    terminate_on: date | None = None  # a termination the caseworker will record (after a death, ageing out …)
    terminate_code: str = ""

    def state(self, today: date) -> str:
        if self.status == "approved" and self.benefits_from is not None and today >= self.benefits_from:
            return "active"
        if self.status == "gradual_exit" and self.exit_until is not None and today >= self.exit_until:
            return "closed"
        return self.status


@dataclass
class Home:
    kind: str  # family elder disabled children tekun_minor
    log: HouseholdLog
    members: dict[UUID, Member]  # as now (the generator records no member fact ahead of time)
    added_on: dict[UUID, date]
    floor: dict[tuple[UUID, str], date] = field(default_factory=dict)  # last effective date per (person, field)
    income: dict[UUID, list[tuple[IncomeKind, Decimal]]] = field(default_factory=dict)
    costs: dict[UUID, Decimal] = field(default_factory=dict)
    financial: Decimal = D("2000.00")
    cap: Decimal = ZERO  # the most counted income that keeps a dibao household safely eligible
    head: UUID | None = None
    spouse: UUID | None = None
    volatile: bool = False  # the spouse may go to prison (so is not part of the safe core)
    wants_dibao: bool = True
    dibao_closed_until: date = START
    frozen: bool = False  # in gradual exit: the generator records nothing more here
    planned_done: bool = False
    max_head_wage: Decimal = ZERO
    enrolments: list[Enr] = field(default_factory=list)
    parents: dict[UUID, tuple[tuple[ParentStatus, ...], tuple[ParentStatus, ...]]] = field(default_factory=dict)
    personal: dict[UUID, str] = field(default_factory=dict)  # person → the personal program they may apply for


@dataclass
class Run:
    month: date
    seq: int
    day: date
    run_id: UUID


@dataclass
class Mismatch:
    kind: str
    enrolment: EnrolmentLog | None
    month: date | None
    expected: Any
    got: Any
    why: str

    def render(self, oracle: Oracle) -> str:
        head = f"[{self.kind}] {self.enrolment.label if self.enrolment else ''} {self.month or ''}".strip()
        lines = [head, f"    expected: {self.expected}", f"    got:      {self.got}", f"    oracle:   {self.why}"]
        if self.enrolment is not None and self.month is not None:
            e = self.enrolment
            decisions = "; ".join(f"{d.kind} {d.on} (rec {d.recorded_on})" for d in e.decisions)
            lines.append(f"    decisions: {decisions}")
            near = [f for f in e.household.facts if f.on <= self.month and f.on >= self.month - timedelta(days=120)]
            for f in near[-6:]:
                lines.append(f"    fact: {f.kind} eff {f.on} rec {f.recorded_on}: {f.note}")
            late = [
                r
                for r in oracle.params.rows
                if r.seq > 0 and r.effective_from <= self.month and r.recorded_on > r.effective_from
            ]
            if late:
                lines.append(
                    "    late parameters: "
                    + "; ".join(
                        f"{r.name}@{r.jurisdiction}={r.value} eff {r.effective_from} rec {r.recorded_on}" for r in late
                    )
                )
        return "\n".join(lines)


class World:
    def __init__(self, app: Casework, payroll: Payroll, views: Views, clock: Clock, rng: random.Random):
        self.app, self.payroll, self.views, self.clock, self.rng = app, payroll, views, clock, rng
        self.o = Oracle()
        self.today = START
        self.homes: list[Home] = []
        self.runs: list[Run] = []
        self.labels = itertools.count(1)
        self.pending_policy = list(POLICY)

    # ------------------------------------------------------------------ helpers

    def money(self, lo: float, hi: float) -> Decimal:
        return D(f"{self.rng.uniform(lo, hi):.2f}")

    def pid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def person(self, home_label: str, relation: Relation, birth: date, **kw: Any) -> Member:
        return Member(
            person_id=self.pid(), name=f"{home_label}-{relation}", id_number=id_number(birth), relation=relation, **kw
        )

    def birth(self, first_year: int, last_year: int) -> date:
        return date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def when(self, floor: date, *, late: float = 0.3, ahead: float = 0.0, ahead_days: int = 40) -> date:
        """An effective date: today, in the past (a fact learned late, not before ``floor``) or ahead."""
        r = self.rng.random()
        if r < ahead:
            return min(END, self.today + timedelta(days=self.rng.randint(1, ahead_days)))
        if r < ahead + late:
            return max(floor, self.today - timedelta(days=self.rng.randint(3, 150)))
        return max(floor, self.today)

    def std(self, h: HouseholdLog, on: date | None = None) -> Decimal:
        return D(self.o.params.get(f"dibao.standard.{h.area}", h.division, on or self.today))

    def seq(self) -> int:
        return self.o.next_seq()

    # ------------------------------------------------------------------ facts

    def fact(self, home: Home, kind: str, on: date, person: UUID | None, data: Any, note: str) -> None:
        home.log.facts.append(Fact(self.seq(), on, self.today, kind, person, data, note))

    def register(self, kind: str) -> Home:
        rng, label = self.rng, f"H{next(self.labels):03d}"
        division = rng.choice(COMMUNITIES)
        area = "urban" if (division == COMMUNITIES[0]) == (rng.random() < 0.8) else "rural"
        members: list[Member] = []
        home = Home(
            kind=kind, log=HouseholdLog(UUID(int=0), label, area, division, self.today), members={}, added_on={}
        )
        if kind == "family":
            head = self.person(label, Relation.HEAD, self.birth(1972, 1990))
            members.append(head)
            home.head = head.person_id
            if rng.random() < 0.85:
                spouse = self.person(label, Relation.SPOUSE, self.birth(1974, 1992))
                members.append(spouse)
                home.spouse = spouse.person_id
                home.volatile = rng.random() < 0.3
            for _ in range(rng.randint(1, 3)):
                school = SchoolStatus.FULL_TIME if rng.random() < 0.5 else SchoolStatus.NOT_IN_SCHOOL
                members.append(self.person(label, Relation.CHILD, self.birth(2005, 2022), school_status=school))
            if rng.random() < 0.35:
                members.append(
                    self.person(label, Relation.PARENT, self.birth(1938, 1956), support_duty=rng.random() < 0.5)
                )
        elif kind == "elder":
            head = self.person(label, Relation.HEAD, self.birth(1936, 1965))
            members.append(head)
            home.head = head.person_id
            home.personal[head.person_id] = TEKUN
            if rng.random() < 0.35:
                spouse = self.person(label, Relation.SPOUSE, self.birth(1936, 1962))
                members.append(spouse)
                home.spouse = spouse.person_id
                home.personal[spouse.person_id] = TEKUN
            home.wants_dibao = False
        elif kind == "disabled":
            head = self.person(label, Relation.HEAD, self.birth(1960, 1975))
            spouse = self.person(label, Relation.SPOUSE, self.birth(1962, 1977))
            disability = rng.choice(
                [Disability(DisabilityKind.INTELLECTUAL, 3), Disability(DisabilityKind.PHYSICAL, 1)]
            )
            child = self.person(
                label,
                Relation.CHILD,
                self.birth(1995, 2004),
                disability=disability,
                labour_capacity=LabourCapacity.NONE,
            )
            members += [head, spouse, child]
            home.head, home.spouse = head.person_id, spouse.person_id
            home.personal[child.person_id] = "individual"
        elif kind == "children":
            head = self.person(label, Relation.HEAD, self.birth(1948, 1962))
            members.append(head)
            home.head = head.person_id
            kids = [
                self.person(label, Relation.GRANDCHILD, self.birth(2007, 2019), support_duty=True)
                for _ in range(rng.randint(1, 2))
            ]
            members += kids
            home.wants_dibao = rng.random() < 0.7
            shape = rng.choice(["orphan", "unsupported", "unsupported_recent"])
            lost_since = self.today - timedelta(days=rng.randint(400, 3000))
            father: tuple[ParentStatus, ...]
            mother: tuple[ParentStatus, ...]
            if shape == "orphan":
                father = (ParentStatus(ParentSituation.DEAD, lost_since),)
                mother = (
                    ParentStatus(rng.choice([ParentSituation.DEAD, ParentSituation.DECLARED_MISSING]), lost_since),
                )
            elif shape == "unsupported":
                father = (ParentStatus(ParentSituation.SERVING_SENTENCE, lost_since),)
                mother = (ParentStatus(ParentSituation.DEAD, lost_since - timedelta(days=100)),)
            else:  # out of contact for less than six months: eligible only later
                father = (ParentStatus(ParentSituation.SERVING_SENTENCE, lost_since),)
                mother = (
                    ParentStatus(ParentSituation.OUT_OF_CONTACT, self.today - timedelta(days=rng.randint(20, 150))),
                )
            for k in kids:
                home.parents[k.person_id] = (father, mother)
                home.personal[k.person_id] = ORPHAN if shape == "orphan" else UNSUPPORTED
        else:  # tekun_minor
            head = self.person(label, Relation.HEAD, self.birth(1950, 1958))
            school = SchoolStatus.FULL_TIME if rng.random() < 0.5 else SchoolStatus.NOT_IN_SCHOOL
            kid = self.person(label, Relation.GRANDCHILD, self.birth(2006, 2010), school_status=school)
            members += [head, kid]
            home.head = head.person_id
            home.personal[kid.person_id] = TEKUN
            home.wants_dibao = rng.random() < 0.5
        h = self.app.handle(
            commands.RegisterHousehold(
                area_type=AreaType(area),
                division_code=division,
                address=f"望城区模型路{label}号",
                members=tuple(members),
                meta=by(CW1, self.today),
            )
        )
        home.log.id = h.id
        self.app.handle(payee_account(h.id, members[0].person_id, self.today, CW1))  # the payroll pays to it
        seq = self.seq()
        for m in members:
            home.members[m.person_id] = m
            home.added_on[m.person_id] = self.today
            home.log.names[m.person_id] = f"{m.relation}{len(home.log.names) + 1}"
            home.log.facts.append(
                Fact(seq, self.today, self.today, "add", m.person_id, m, f"registered {m.relation} born {m.birth_date}")
            )
        core = 1 + (home.spouse is not None and not home.volatile)
        home.cap = (STANDARD_BASE[area] * D("0.85") * core).quantize(D("0.01"))
        self.initial_means(home)
        for child_id, (father, mother) in list(home.parents.items()):
            self.parents(home, child_id, father, mother, self.today)
        self.o.households.append(home.log)
        self.homes.append(home)
        return home

    def initial_means(self, home: Home) -> None:
        rng = self.rng
        assert home.head is not None
        if home.kind == "family":
            self.family_wages(home)
            if rng.random() < 0.25:
                wage = home.income[home.head][0][1]
                home.costs[home.head] = (wage * D(str(rng.uniform(0.05, 0.3)))).quantize(D("0.01"))
            for pid, m in home.members.items():
                if m.relation == Relation.PARENT and rng.random() < 0.7:
                    home.income[pid] = [(IncomeKind.RESIDENTS_BASIC_PENSION, self.money(100, 250))]
        elif home.kind == "disabled":
            self.disabled_wages(home)
        elif home.kind in ("elder", "children", "tekun_minor"):
            home.income[home.head] = [(IncomeKind.RESIDENTS_BASIC_PENSION, self.money(100, 260))]
            if rng.random() < 0.6:
                home.income[home.head].append((IncomeKind.AGRICULTURE, self.money(50, 300)))
            if home.kind == "elder" and home.spouse is not None:
                home.income[home.spouse] = [(IncomeKind.RESIDENTS_BASIC_PENSION, self.money(100, 200))]
        home.financial = self.money(0, 5000)
        self.declare(home, self.today)

    def family_wages(self, home: Home) -> None:
        assert home.head is not None
        total = home.cap * D(str(self.rng.uniform(0.2, 0.98)))
        head_share = D(str(self.rng.uniform(0.5, 1.0))) if home.spouse and not home.volatile else D(1)
        head = (total * head_share).quantize(D("0.01"))
        home.income[home.head] = [(IncomeKind.WAGES, head)]
        home.max_head_wage = max(home.max_head_wage, head)
        if home.spouse is not None:
            home.income[home.spouse] = (
                [(IncomeKind.WAGES, (total - head).quantize(D("0.01")))] if not home.volatile else []
            )
        if home.head in home.costs:
            home.costs[home.head] = min(home.costs[home.head], (head * D("0.3")).quantize(D("0.01")))

    def disabled_wages(self, home: Home) -> None:
        """A margin household: per-capita income around the standard, safely below 1.5 x the lowest standard."""
        assert home.head is not None
        assert home.spouse is not None
        total = STANDARD_BASE[home.log.area] * 3 * D(str(self.rng.uniform(0.95, 1.4)))
        head = (total * D(str(self.rng.uniform(0.55, 0.9)))).quantize(D("0.01"))
        home.income[home.head] = [(IncomeKind.WAGES, head)]
        home.income[home.spouse] = [(IncomeKind.BUSINESS, (total - head).quantize(D("0.01")))]
        for pid in home.personal:
            home.income[pid] = [(IncomeKind.OTHER, self.money(20, 150))] if self.rng.random() < 0.5 else []

    def declare(self, home: Home, on: date, note: str = "") -> None:
        incomes = tuple(
            IncomeItem(pid, kind, amount)
            for pid, items in home.income.items()
            if pid in home.members
            for kind, amount in items
            if amount > 0
        )
        costs = tuple(
            CostItem(pid, CostKind.MEDICAL, c) for pid, c in home.costs.items() if pid in home.members and c > 0
        )
        c = Circumstances(incomes=incomes, assets=Assets(financial=home.financial, dwellings=1), costs=costs)
        text = ", ".join(f"{home.log.name(i.person_id)} {i.kind} {i.monthly_amount}" for i in incomes)
        costs_text = ", ".join(f"{home.log.name(x.person_id)} cost {x.monthly_amount}" for x in costs)
        self.fact(home, "means", on, None, c, f"means {text} {costs_text} assets {home.financial} {note}".strip())
        self.app.handle(commands.RecordCircumstances(household_id=home.log.id, circumstances=c, meta=by(CW1, on)))

    def add(self, home: Home, m: Member, cause: AdditionCause, on: date) -> None:
        self.fact(home, "add", on, m.person_id, m, f"{cause} {m.relation} born {m.birth_date}")
        home.log.names[m.person_id] = f"{m.relation}{len(home.log.names) + 1}"
        self.app.handle(commands.AddMember(household_id=home.log.id, member=m, cause=cause, meta=by(CW1, on)))
        home.members[m.person_id] = m
        home.added_on[m.person_id] = on

    def change(self, home: Home, pid: UUID, changes: dict[str, Any], on: date) -> None:
        self.fact(home, "change", on, pid, changes, f"{home.log.name(pid)} {changes}")
        self.app.handle(
            commands.ChangeMember(household_id=home.log.id, person_id=pid, changes=changes, meta=by(CW1, on))
        )
        home.members[pid] = home.members[pid].with_changes(changes)
        for key in changes:
            home.floor[(pid, key)] = on

    def remove(self, home: Home, pid: UUID, cause: RemovalCause, on: date) -> None:
        self.fact(home, "remove", on, pid, None, f"{home.log.name(pid)} {cause}")
        self.app.handle(commands.RemoveMember(household_id=home.log.id, person_id=pid, cause=cause, meta=by(CW1, on)))
        del home.members[pid]
        home.income.pop(pid, None)
        home.costs.pop(pid, None)

    def parents(
        self, home: Home, kid: UUID, father: tuple[ParentStatus, ...], mother: tuple[ParentStatus, ...], on: date
    ) -> None:
        father_text = [f"{s.situation} since {s.since}" for s in father]
        mother_text = [f"{s.situation} since {s.since}" for s in mother]
        text = f"father {father_text} mother {mother_text}"
        self.fact(home, "parents", on, kid, (father, mother), f"{home.log.name(kid)} parents {text}")
        self.app.handle(
            commands.RecordParents(
                household_id=home.log.id, person_id=kid, father=father, mother=mother, meta=by(CW1, on)
            )
        )
        home.parents[kid] = (father, mother)
        home.floor[(kid, "parents")] = on

    def care(self, home: Home, pid: UUID, unable: tuple[str, ...], on: date) -> None:
        self.fact(home, "care", on, pid, unable, f"{home.log.name(pid)} unable {list(unable)}")
        self.app.handle(
            commands.AssessCare(household_id=home.log.id, person_id=pid, unable_activities=unable, meta=by(CW1, on))
        )
        home.floor[(pid, "care")] = on

    def member_floor(self, home: Home, pid: UUID, key: str | None = None) -> date:
        keys = [k for k in home.floor if k[0] == pid and (key is None or k[1] == key)]
        return max([home.added_on[pid], home.log.registered_on, *(home.floor[k] for k in keys)])

    # ------------------------------------------------------------------ decisions

    def decision(self, e: Enr, kind: str, **data: Any) -> Decision:
        d = Decision(self.seq(), self.today, self.today, kind, data)
        e.log.decisions.append(d)
        e.since = self.today
        return d

    def apply(self, home: Home, program: str, beneficiaries: tuple[UUID, ...], individual: bool = False) -> None:
        terms: dict[str, Any] = {}
        if program == TEKUN:
            terms = {
                "arrangement": "dispersed" if self.rng.random() < 0.7 else "concentrated",
                "has_capable_supporter": False,
            }
        elif program in (ORPHAN, UNSUPPORTED):
            terms = {"placement": "community" if program == UNSUPPORTED or self.rng.random() < 0.8 else "institutional"}
        seq = self.seq()
        eid, _ = self.app.handle(
            commands.FileApplication(
                household_id=home.log.id,
                program=Program(program),
                beneficiaries=beneficiaries,
                terms=terms or None,
                meta=by(CW1, self.today),
            )
        )
        who = "household" if program == DIBAO and not individual else ",".join(home.log.name(b) for b in beneficiaries)
        log = EnrolmentLog(
            eid,
            home.log,
            program,
            beneficiaries,
            terms,
            individual,
            f"{home.log.label}/{program}({who})#{len(home.log.enrolments) + 1}",
            seq,
        )
        log.decisions.append(Decision(seq, self.today, self.today, "applied"))
        home.log.enrolments.append(log)
        self.o.enrolments[eid] = log
        home.enrolments.append(
            Enr(log, review_on=self.today + timedelta(days=self.rng.randint(2, 8)), since=self.today)
        )

    def township_review(self, home: Home, e: Enr) -> None:
        if not self.assessable(home, e):
            self.decision(e, "withdrawn")
            self.app.handle(
                commands.Withdraw(
                    household_id=home.log.id,
                    enrolment_id=e.log.id,
                    meta=by(CW1, self.today, reason="情况变化，申请人撤回"),
                )
            )
            e.status = "closed"
            return
        e.opinion = "reject" if self.rng.random() < 0.06 else "approve"
        self.decision(e, "reviewed", opinion=e.opinion)
        self.app.handle(
            commands.RecordTownshipReview(
                household_id=home.log.id,
                enrolment_id=e.log.id,
                investigated_on=self.today,
                findings="入户调查",
                opinion=TownshipOpinion(e.opinion),
                meta=by(CW2, self.today),
            )
        )
        e.status = "reviewed"
        noticed = e.log.program in (DIBAO, TEKUN) and e.opinion == "approve"
        e.decide_on = self.today + timedelta(days=self.rng.randint(7, 21) if noticed else self.rng.randint(1, 15))

    def decide(self, home: Home, e: Enr) -> None:
        if e.opinion == "reject":
            self.decision(e, "rejected")
            decide(self.app, commands.Reject, home.log.id, e.log.id, self.today, "NOT_ELIGIBLE", "经审核不符合条件", AP)
            e.status = "closed"
            return
        starts = next_month(self.today, self.o.params.get("dibao.benefit_start_months", home.log.division, self.today))
        self.decision(e, "approved", benefits_from=starts)
        self.app.handle(commands.Approve(household_id=home.log.id, enrolment_id=e.log.id, meta=by(AP, self.today)))
        e.status, e.benefits_from, e.last_review = "approved", starts, self.today

    def suspend(self, home: Home, e: Enr) -> None:
        self.decision(e, "suspended")
        decide(self.app, commands.Suspend, home.log.id, e.log.id, self.today, "NOT_REACHABLE", "多次联系不上", CW1)
        e.status = "suspended"

    def resume(self, home: Home, e: Enr) -> None:
        self.decision(e, "resumed")
        self.app.handle(commands.Resume(household_id=home.log.id, enrolment_id=e.log.id, meta=by(CW1, self.today)))
        e.status = "approved"

    def terminate(self, home: Home, e: Enr, code: str) -> None:
        self.decision(e, "terminated", code=code)
        decide(self.app, commands.Terminate, home.log.id, e.log.id, self.today, code, f"终止: {code}", AP)
        e.status = "closed"
        if e.log.program == DIBAO:
            home.dibao_closed_until = self.today + timedelta(days=75)

    def review(self, home: Home, e: Enr, outcome: str, **data: Any) -> None:
        """A review whose outcome the generator knows from its own rules: continued, terminated or gradual exit."""
        if outcome == "terminated":
            self.decision(e, "terminated", code="REVIEW")
        elif outcome == "gradual_exit":
            self.decision(e, "gradual_exit", **data)
        else:
            self.decision(e, "review")
        self.app.handle(commands.Review(household_id=home.log.id, enrolment_id=e.log.id, meta=by(CW1, self.today)))
        e.last_review = self.today
        if outcome == "terminated":
            e.status = "closed"
            if e.log.program == DIBAO:
                home.dibao_closed_until = END
        elif outcome == "gradual_exit":
            e.status, e.exit_until = "gradual_exit", data["exit_until"]

    # ------------------------------------------------------------------ what the generator's rules say today

    def rules_today(self, e: EnrolmentLog, on: date | None = None) -> Due:
        return self.o.rules(e, on or self.today, ALWAYS)

    def safely_eligible(self, e: EnrolmentLog, on: date | None = None) -> bool:
        """Eligible on the date with a margin no rounding question can cross."""
        r = self.rules_today(e, on)
        if r.amount <= D("5.00"):
            return False
        if e.program == DIBAO and not e.individual:
            return bool(r.detail["per_capita"] <= r.detail["standard"] - 3)
        if e.program == DIBAO:
            return bool(r.detail["per_capita"] <= r.detail["margin"] - 10)
        return True

    def assessable(self, home: Home, e: Enr) -> bool:
        """What the township assessment will find today: eligible, and (whole household) naming exactly the counted."""
        if not self.safely_eligible(e.log):
            return False
        if e.log.program == DIBAO and not e.log.individual:
            members = members_on(home.log, self.today)
            return set(e.log.beneficiaries) == {p for p, m in members.items() if counted(m, self.today)}
        return all(b in home.members for b in e.log.beneficiaries)

    def open_for(self, home: Home, program: str, person: UUID | None) -> bool:
        for e in home.enrolments:
            live = e.log.program == program and e.state(self.today) in OPEN | {"active"}
            if live and (person is None or person in e.log.beneficiaries or program == DIBAO):
                return True
        return False

    # ------------------------------------------------------------------ one day of one household

    def live(self, home: Home) -> None:
        rng = self.rng
        for e in list(home.enrolments):
            if e.status == "applied" and e.review_on is not None and self.today >= e.review_on:
                self.township_review(home, e)
            elif e.status == "reviewed" and e.decide_on is not None and self.today >= e.decide_on:
                self.decide(home, e)
            elif e.terminate_on is not None and self.today >= e.terminate_on and e.state(self.today) in LIVE:
                e.terminate_on = None
                self.terminate(home, e, e.terminate_code)
        if home.frozen:
            return
        if self.today < date(2026, 11, 10) and rng.random() < 0.08:
            self.maybe_apply(home)
        if rng.random() < 0.04:
            self.life_event(home)
        if rng.random() < 0.015:
            self.decision_event(home)
        if not home.planned_done and rng.random() < 0.0012:
            self.planned_exit(home)

    def maybe_apply(self, home: Home) -> None:
        if home.wants_dibao and self.today >= home.dibao_closed_until and not self.open_for(home, DIBAO, None):
            members = members_on(home.log, self.today)
            if home.kind == "disabled":
                ben = tuple(p for p, what in home.personal.items() if what == "individual" and p in home.members)
                individual = True
            else:
                ben = tuple(p for p, m in members.items() if counted(m, self.today))
                individual = False
            if ben and not any(self.open_for(home, TEKUN, b) for b in ben):
                probe = EnrolmentLog(UUID(int=1), home.log, DIBAO, ben, {}, individual, "probe", 0)
                if self.safely_eligible(probe):
                    self.apply(home, DIBAO, ben, individual)
                    return
        for pid, program in home.personal.items():
            if program not in (TEKUN, ORPHAN, UNSUPPORTED) or pid not in home.members:
                continue
            if self.open_for(home, program, pid) or any(
                e.log.program == program and pid in e.log.beneficiaries and e.status == "closed"
                for e in home.enrolments
            ):
                continue  # one enrolment per person and program in this model
            terms = {"arrangement": "dispersed", "has_capable_supporter": False, "placement": "community"}
            probe = EnrolmentLog(UUID(int=1), home.log, program, (pid,), terms, False, "probe", 0)
            if self.safely_eligible(probe) and self.safely_eligible(probe, self.today + timedelta(days=40)):
                self.apply(home, program, (pid,))
                return

    def life_event(self, home: Home) -> None:
        rng = self.rng
        assert home.head is not None
        pending_personal = {
            b
            for e in home.enrolments
            if e.status in ("applied", "reviewed") and e.log.program != DIBAO
            for b in e.log.beneficiaries
        }
        choice = rng.random()
        if choice < 0.4:  # a new declaration of means: on time, late or ahead
            if home.kind == "family":
                self.family_wages(home)
            elif home.kind == "disabled":
                self.disabled_wages(home)
            else:
                items: list[tuple[IncomeKind, Decimal]] = [
                    (k, a) for k, a in home.income.get(home.head, []) if k is not IncomeKind.AGRICULTURE
                ]
                if rng.random() < 0.6:
                    items.append((IncomeKind.AGRICULTURE, self.money(0, 300)))
                home.income[home.head] = items
            home.financial = (
                max(ZERO, home.financial + self.money(-800, 800)) if home.financial < 100000 else home.financial
            )
            self.declare(home, self.when(home.log.registered_on, late=0.3, ahead=0.08))
            return
        if home.kind == "family":
            spouse = home.members.get(home.spouse) if home.spouse else None
            kids = [p for p, m in home.members.items() if m.relation == Relation.CHILD]
            if (
                choice < 0.5
                and spouse
                and spouse.absence is None
                and age_on(spouse.birth_date, self.today) < 45
                and len(kids) < 5
            ):
                on = self.when(home.log.registered_on, late=0.4)
                self.add(home, self.person(home.log.label, Relation.CHILD, on), AdditionCause.BIRTH, on)
            elif choice < 0.62:
                older = [p for p in kids if 15 <= age_on(home.members[p].birth_date, self.today) <= 20]
                if older:
                    p = rng.choice(older)
                    now = home.members[p].school_status
                    new = SchoolStatus.NOT_IN_SCHOOL if now == SchoolStatus.FULL_TIME else SchoolStatus.FULL_TIME
                    self.change(home, p, {"school_status": new}, self.when(self.member_floor(home, p)))
            elif choice < 0.72:
                elders = [p for p, m in home.members.items() if m.relation == Relation.PARENT]
                adults = [p for p in kids if age_on(home.members[p].birth_date, self.today) >= 18]
                if elders and rng.random() < 0.6:
                    p = rng.choice(elders)
                    self.remove(
                        home,
                        p,
                        rng.choice([RemovalCause.DEATH, RemovalCause.MOVED_OUT]),
                        self.when(self.member_floor(home, p)),
                    )
                elif adults:
                    p = rng.choice(adults)
                    self.remove(home, p, RemovalCause.MOVED_OUT, self.when(self.member_floor(home, p)))
            elif choice < 0.8:
                m = self.person(
                    home.log.label,
                    rng.choice([Relation.OTHER, Relation.SIBLING]),
                    self.birth(1960, 2000),
                    support_duty=rng.random() < 0.5,
                )
                on = self.when(home.log.registered_on, late=0.3)
                self.add(home, m, AdditionCause.MOVED_IN, on)
            elif home.volatile and spouse is not None:
                on = self.when(self.member_floor(home, spouse.person_id))
                if spouse.absence is None:
                    self.change(home, spouse.person_id, {"absence": Absence.PRISON}, on)
                else:
                    self.change(home, spouse.person_id, {"absence": None}, on)
            return
        if home.kind in ("elder", "tekun_minor"):
            tekun = [p for p, what in home.personal.items() if what == TEKUN and p in home.members]
            if choice < 0.75 and tekun:
                p = rng.choice(tekun)
                unable = tuple(sorted(rng.sample(ACTIVITIES, rng.choice([0, 0, 1, 2, 3, 4, 5, 6]))))
                self.care(home, p, unable, self.when(self.member_floor(home, p, "care")))
            elif home.kind == "elder" and home.spouse in home.members and home.spouse not in pending_personal:
                spouse_id = home.spouse
                assert spouse_id is not None
                on = self.when(self.member_floor(home, spouse_id))
                self.remove(home, spouse_id, RemovalCause.DEATH, on)
                for e in home.enrolments:
                    if spouse_id in e.log.beneficiaries and e.state(self.today) in LIVE:
                        e.terminate_on, e.terminate_code = self.today + timedelta(days=rng.randint(5, 90)), "DEATH"
            elif home.kind == "tekun_minor":
                kid = next(p for p, what in home.personal.items() if what == TEKUN)
                if kid in home.members and 15 <= age_on(home.members[kid].birth_date, self.today) <= 21:
                    now = home.members[kid].school_status
                    new = SchoolStatus.NOT_IN_SCHOOL if now == SchoolStatus.FULL_TIME else SchoolStatus.FULL_TIME
                    self.change(home, kid, {"school_status": new}, self.when(self.member_floor(home, kid)))
            return
        if home.kind == "children":
            kids = [p for p in home.parents if p in home.members and p not in pending_personal]
            if not kids:
                return
            p = rng.choice(kids)
            father, mother = home.parents[p]
            if choice < 0.6 and any(str(s.situation) == "serving_sentence" for s in father) and rng.random() < 0.3:
                father = ()  # released
            elif choice < 0.6 and any(str(s.situation) == "out_of_contact" for s in mother) and rng.random() < 0.3:
                mother = ()  # found again
            elif choice < 0.8:
                age = age_on(home.members[p].birth_date, self.today)
                if 15 <= age <= 18:
                    now = home.members[p].school_status
                    new = SchoolStatus.NOT_IN_SCHOOL if now == SchoolStatus.FULL_TIME else SchoolStatus.FULL_TIME
                    self.change(home, p, {"school_status": new}, self.when(self.member_floor(home, p)))
                return
            else:
                return
            floor = max([self.member_floor(home, p, "parents"), *(s.since for s in (*father, *mother))])
            on = self.when(floor)
            for kid in [k for k in home.parents if home.parents[k] == home.parents[p] and k in home.members]:
                self.parents(home, kid, father, mother, on)
                for e in home.enrolments:
                    if kid in e.log.beneficiaries and e.log.program == UNSUPPORTED and e.state(self.today) in LIVE:
                        e.terminate_on, e.terminate_code = (
                            self.today + timedelta(days=rng.randint(0, 120)),
                            "PARENT_RETURNED",
                        )
            return
        # disabled: nothing but declarations

    def decision_event(self, home: Home) -> None:
        rng = self.rng
        live = [
            e
            for e in home.enrolments
            if e.state(self.today) in ("active", "suspended", "approved") and e.terminate_on is None
        ]
        if not live:
            return
        e = rng.choice(live)
        state = e.state(self.today)
        r = rng.random()
        if state == "active" and r < 0.3:
            self.suspend(home, e)
        elif state == "suspended" and self.today - e.since >= timedelta(days=15):
            if r < 0.85:
                self.resume(home, e)
            else:
                self.terminate(home, e, "NOT_REACHABLE")
        elif state == "active" and r < 0.85 and self.today - e.last_review >= timedelta(days=150):
            if self.safely_eligible(e.log):
                self.review(home, e, "continued")
            elif (
                e.log.program != DIBAO and self.rules_today(e.log).amount == 0 and not self.rules_today(e.log).eligible
            ):
                self.review(home, e, "terminated")  # no longer eligible (aged out, parent back …): ended
        elif state in ("active", "approved") and r >= 0.95:
            self.terminate(home, e, "MOVED_AWAY")
        elif state == "active" and e.log.program != DIBAO and not self.rules_today(e.log).eligible and r >= 0.85:
            self.terminate(home, e, "NO_LONGER_ELIGIBLE")

    def planned_exit(self, home: Home) -> None:
        """Leave a program on purpose: a wage rise into gradual exit, a windfall, a pension above the standard."""
        rng = self.rng
        assert home.head is not None
        dibao = next((e for e in home.enrolments if e.log.program == DIBAO and e.state(self.today) == "active"), None)
        if home.kind == "family" and dibao is not None and not dibao.log.individual and rng.random() < 0.6:
            self.gradual_exit(home, dibao)
        elif dibao is not None and home.kind in ("family", "children", "disabled"):
            home.planned_done = True
            home.financial = D("500000.00")
            self.declare(home, self.today, "(windfall)")
            self.review(home, dibao, "terminated")
        elif home.kind == "elder":
            tekun = next(
                (
                    e
                    for e in home.enrolments
                    if e.log.program == TEKUN and e.state(self.today) == "active" and home.head in e.log.beneficiaries
                ),
                None,
            )
            if tekun is None:
                return
            home.planned_done = True
            std = self.std(home.log)
            home.income[home.head] = [(IncomeKind.EMPLOYEE_PENSION, std + self.money(50, 200))]
            self.declare(home, self.today, "(employee pension)")
            self.review(home, tekun, "terminated")

    def gradual_exit(self, home: Home, e: Enr) -> None:
        """Wages rise above the standard (effective today, mid-month); a review the same day decides a gradual exit."""
        today, h = self.today, home.log
        if (
            not 2 <= today.day <= 27
            or e.since >= month_first(today)
            or e.benefits_from is None
            or e.benefits_from >= month_first(today)
        ):
            return
        if any(f.on > month_first(today) for f in h.facts):  # nothing changed within this month so far (nor ahead)
            return
        if any(r.recorded_on > today and r.effective_from <= next_month(today) for r in self.o.params.rows):
            return  # a value learned later would re-open the amount the decision freezes
        n_months = self.o.params.get("dibao.gradual_exit_months", h.division, today)
        exit_until = next_month(today, n_months + 1)
        members = members_on(h, today)
        counts = {
            frozenset(p for p, m in members.items() if counted(m, m_first))
            for m_first in months(month_first(today), exit_until)
        }
        if len(counts) != 1 or not self.safely_eligible(e.log, month_first(today)):
            return  # someone crosses an age that matters within the exit: not this time
        frozen = self.o.due(e.log, month_first(today), ALWAYS)
        if frozen.amount <= 0:
            return
        means = self.o.household_means(h, today, ALWAYS)
        n = means["n"]
        assert home.head is not None
        others = (
            means["income"]
            - means["costs"]
            - next((a for k, a in home.income[home.head] if k is IncomeKind.WAGES), ZERO)
        )
        wage = ((self.std(h) + self.money(150, 400)) * n - others).quantize(D("0.01"))
        if wage <= home.max_head_wage:
            return
        home.planned_done = home.frozen = True
        home.income[home.head] = [(IncomeKind.WAGES, wage)]
        home.max_head_wage = wage
        self.declare(home, today, "(wage rise above the standard)")
        self.review(
            home,
            e,
            "gradual_exit",
            exit_until=exit_until,
            amount=frozen.amount,
            beneficiaries=frozen.beneficiaries,
            parts=frozen.parts,
        )

    # ------------------------------------------------------------------ policy and payroll

    def set_parameter(self, name: str, jurisdiction: str, effective_from: date, value: str) -> None:
        """The admin's use case as the API runs it (api/routers/policy.py): set the value, then re-compute."""
        seq = self.seq()
        self.o.params.add(name, jurisdiction, effective_from, value, seq, self.today)
        pv = self.app.handle(
            commands.SetParameter(
                name=name,
                jurisdiction=jurisdiction,
                value=value,
                legal_basis="模型测试：调整标准 (示例)",
                meta=by(ADMIN, effective_from, reason="standard raised"),
            )
        )
        if len(jurisdiction) > len(COUNTY):  # a new series: confirm it like the seed's
            self.app.handle(
                commands.ConfirmParameter(
                    name=name,
                    jurisdiction=jurisdiction,
                    confirmed_until=END,
                    meta=by(ADMIN, self.today, reason="confirmed for the period"),
                )
            )
        recalculate: Callable[..., Any] | None = getattr(self.app, "recalculate", None)
        if recalculate is not None:
            recalculate(pv, ADMIN)

    def run_payroll(self, month: date) -> None:
        seq = self.seq()
        report = self.payroll.handle(pay(month, AP))
        self.runs.append(Run(month, seq, self.today, report.run_id))

    # ------------------------------------------------------------------ the three years

    def simulate(self, households: int) -> None:
        rng = self.rng
        kinds = ["family"] * 4 + ["elder"] * 2 + ["children"] * 2 + ["disabled", "tekun_minor"]
        early = (households * 6) // 10
        registrations: dict[date, list[str]] = defaultdict(list)
        for i in range(households):
            if i < early:
                day = START + timedelta(days=rng.randint(0, 45))
            else:
                day = START + timedelta(days=rng.randint(46, 640))
            registrations[day].append(rng.choice(kinds))
        payroll_days: dict[date, list[date]] = defaultdict(list)
        for m in months(FIRST_PAYROLL, END):
            ahead = (
                next_month(m, -1) + timedelta(days=rng.randint(17, 27))
                if rng.random() < 0.7
                else m + timedelta(days=rng.randint(0, 5))
            )
            payroll_days[ahead].append(m)
            payroll_days[m + timedelta(days=25)].append(m)  # the month's second run picks up what became due since
        for value in load_seed():
            self.o.params.add(value["name"], value["jurisdiction"], value["effective_from"], value["value"], 0, START)
        day = START
        while day <= END:
            self.today = day
            self.clock.day(day)
            for name, jurisdiction, effective_from, raw, _recorded_on in [
                p for p in self.pending_policy if p[4] == day
            ]:
                self.set_parameter(name, jurisdiction, effective_from, raw)
            for kind in registrations.get(day, []):
                self.register(kind)
            for home in self.homes:
                self.live(home)
            for m in sorted(payroll_days.get(day, [])):
                self.run_payroll(m)
            day += timedelta(days=1)


# --------------------------------------------------------------------------- reading what the application did


def issued_payments(app: Casework) -> dict[UUID, list[Any]]:
    """Every payment issued, by payroll run id (the PaymentsIssued events of the county's PayrollMonth aggregates)."""
    by_run: dict[UUID, list[Any]] = defaultdict(list)
    for m in months(START, END):
        for event in app.repository.event_store.get(payroll_id(m, COUNTY)):
            if type(event).__name__ == "PaymentsIssued":
                by_run[event.run_id].extend(event.payments)  # type: ignore[attr-defined]
    return by_run


def corrections(app: Casework, homes: list[Home]) -> dict[tuple[UUID, date], Decimal]:
    """Arrears (+) and recoveries (−) recorded by late corrections, per (enrolment, month corrected)."""
    out: dict[tuple[UUID, date], Decimal] = defaultdict(lambda: ZERO)
    for home in homes:
        for event in app.repository.event_store.get(home.log.id):
            if type(event).__name__ in ("PaymentsCorrected", "PaymentsSettled"):
                for c in event.months:  # type: ignore[attr-defined]
                    difference = getattr(c, "difference", None)
                    out[(event.enrolment_id, c.month)] += c.due - c.paid if difference is None else difference  # type: ignore[attr-defined]
    return out


def parts_of(payment: Any) -> dict[str, Decimal] | None:
    parts = getattr(payment, "parts", None)
    return None if parts is None else {str(k): D(v) for k, v in dict(parts).items()}


# --------------------------------------------------------------------------- the comparison


def compare(world: World, reports: Reports) -> tuple[list[Mismatch], dict[str, int]]:
    o, app = world.o, world.app
    mismatches: list[Mismatch] = []
    enrolments = list(o.enrolments.values())
    by_run = issued_payments(app)
    checked = 0
    parts_missing = 0
    paid: dict[tuple[UUID, date], Any] = {}
    # A month a late correction settled (arrears carried by a later payroll) is not paid again by a later run
    # of that month; check 2 below still proves the month's money right (payments + corrections = due).
    settled_by_correction = set(corrections(app, world.homes))
    issued: dict[str, list[Any]] = defaultdict(lambda: [ZERO, 0, 0])
    tekun_parts: dict[str, Decimal] = defaultdict(lambda: ZERO)

    # 1. Each run issued exactly what was due as known when it ran, for the enrolments not paid yet.
    for run in world.runs:
        got = {p.enrolment_id: p for p in by_run.get(run.run_id, [])}
        for e in enrolments:
            if e.applied_seq > run.seq:
                continue
            payment = got.get(e.id)
            if (e.id, run.month) in paid:
                if payment is not None:
                    mismatches.append(
                        Mismatch("run: paid twice", e, run.month, "no second payment", payment.amount, "")
                    )
                continue
            expected = o.due(e, run.month, run.seq)
            if expected.amount == 0 and payment is None:
                continue
            if payment is None and (e.id, run.month) in settled_by_correction:
                continue
            if payment is None:
                why = f"run {run.day}: {expected.why}"
                mismatches.append(Mismatch("run: due, not paid", e, run.month, expected.amount, "no payment", why))
                continue
            checked += 1
            paid[(e.id, run.month)] = payment
            for key in ("all", e.program):  # what the oracle says each issued payment is (checked just below)
                issued[key][0] += expected.amount
                issued[key][1] += 1
                issued[key][2] += len(expected.beneficiaries)
            if payment.amount != expected.amount:
                why = f"run {run.day}: {expected.why}"
                mismatches.append(Mismatch("run: amount", e, run.month, expected.amount, payment.amount, why))
            if expected.amount > 0 and frozenset(payment.beneficiaries) != expected.beneficiaries:
                exp_names = sorted(e.household.name(b) for b in expected.beneficiaries)
                got_b = sorted(e.household.name(b) for b in payment.beneficiaries)
                why = f"run {run.day}: {expected.why}"
                mismatches.append(Mismatch("run: beneficiaries", e, run.month, exp_names, got_b, why))
            if e.program == TEKUN and expected.amount > 0:
                for name, value in expected.parts:
                    tekun_parts[name] += value
                parts = parts_of(payment)
                if parts is None:
                    parts_missing += 1
                elif parts != dict(expected.parts):
                    why = expected.why
                    mismatches.append(Mismatch("run: tekun parts", e, run.month, dict(expected.parts), parts, why))
        for eid in set(got) - set(o.enrolments):
            mismatches.append(Mismatch("run: unknown enrolment paid", None, run.month, "nothing", eid, ""))
    if parts_missing:
        mismatches.append(
            Mismatch(
                "payments: tekun parts",
                None,
                None,
                "basic_living and care_subsidy on every tekun payment",
                f"no parts on {parts_missing} tekun payments",
                "docs/money.md: both parts are kept apart everywhere money appears",
            )
        )

    # 2. Every (enrolment, month): payment plus late corrections is what is due as known now.
    corr = corrections(app, world.homes)
    totals: dict[str, list[Any]] = defaultdict(lambda: [ZERO, 0, 0])
    final_checked = 0
    for e in enrolments:
        for m in months(START, END):
            expected = o.due(e, m, ALWAYS)
            p = paid.get((e.id, m))
            settled = (p.amount if p is not None else ZERO) + corr.get((e.id, m), ZERO)
            if expected.amount > 0:
                for key in ("all", e.program):
                    totals[key][0] += expected.amount
                    totals[key][1] += 1
                    totals[key][2] += len(expected.beneficiaries)
            if expected.amount == 0 and p is None and (e.id, m) not in corr:
                continue
            final_checked += 1
            if settled != expected.amount:
                paid_text = "no payment" if p is None else str(p.amount)
                mismatches.append(
                    Mismatch(
                        "settled",
                        e,
                        m,
                        expected.amount,
                        f"{settled} (paid {paid_text}, corrections {corr.get((e.id, m), ZERO)})",
                        expected.why,
                    )
                )

    # 3. The statistics of the whole period count the payments as issued (each checked against the oracle in
    #    1), and with the late corrections (carried by later payrolls, up to the settling run after END) they
    #    add up to what the oracle says was due.
    figures = reports.statistics(f"{START:%Y-%m}", f"{END:%Y-%m}", None, AP)
    want = issued["all"]
    for key, exp, figure in (
        ("funds", str(want[0]), figures["funds"]),
        ("household_months", want[1], figures["household_months"]),
        ("person_months", want[2], figures["person_months"]),
    ):
        if D(str(exp)) != D(str(figure)):
            mismatches.append(Mismatch(f"statistics: {key}", None, None, exp, figure, "whole period 2024-01..2026-12"))
    by_program = figures.get("payments_by_program", {})
    for program in (DIBAO, TEKUN, ORPHAN, UNSUPPORTED):
        exp_p = issued[program]
        got_p = by_program.get(program, {"funds": "0", "household_months": 0, "person_months": 0})
        for i, key in enumerate(("funds", "household_months", "person_months")):
            if D(str(exp_p[i])) != D(str(got_p[key])):
                mismatches.append(
                    Mismatch(f"statistics: {program} {key}", None, None, exp_p[i], got_p[key], "per program")
                )
    for name in ("basic_living", "care_subsidy"):
        if D(figures["tekun_funds"][name]) != tekun_parts[name]:
            mismatches.append(
                Mismatch(f"statistics: tekun {name}", None, None, tekun_parts[name], figures["tekun_funds"][name], "")
            )
    carried = world.payroll.corrections_between(START, SETTLING, COUNTY)
    net = D(str(carried["arrears"])) - D(str(carried["recoveries"]))
    if D(figures["funds"]) + net != totals["all"][0]:
        mismatches.append(
            Mismatch(
                "statistics: funds + corrections",
                None,
                None,
                totals["all"][0],
                f"{figures['funds']} + {net}",
                "payments issued and the arrears/recoveries carried since, against everything due",
            )
        )
    stats = {
        **coverage(world),
        "households": len(world.homes),
        "enrolments": len(enrolments),
        "months": len(months(START, END)),
        "runs": len(world.runs),
        "payments_checked": checked,
        "settled_checked": final_checked,
        "corrections": len(corr),
    }
    return mismatches, stats


def coverage(world: World) -> dict[str, Any]:
    """What the generated world contains, for the summary line (so a seed that misses a case shows)."""
    o = world.o
    raises = [r.effective_from for r in o.params.rows if r.name.startswith("dibao.standard.")]
    decisions = Counter(d.kind for e in o.enrolments.values() for d in e.decisions)
    facts = [f for h in o.households for f in h.facts]
    pending_across = sum(
        1
        for e in o.enrolments.values()
        for a in e.decisions[:1]
        for ok in [next((d for d in e.decisions if d.kind == "approved"), None)]
        if ok is not None and any(a.on < r <= ok.on for r in raises)
    )
    return {
        "programs": dict(Counter(e.program + ("/individual" if e.individual else "") for e in o.enrolments.values())),
        "decisions": {k: decisions[k] for k in ("suspended", "resumed", "terminated", "gradual_exit", "review")},
        "facts late/ahead": f"{sum(f.recorded_on > f.on for f in facts)}/{sum(f.recorded_on < f.on for f in facts)}",
        "pending across a raise": pending_across,
    }


# --------------------------------------------------------------------------- the test


@pytest.fixture
def world(backend_env: dict[str, str]) -> Iterator[World]:
    clock = Clock()
    app = Casework(env=backend_env, clock=clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    try:
        yield World(app, Payroll(app, views), views, clock, random.Random(SEED))
    finally:
        views.close()
        app.close()


@pytest.mark.parametrize("backend_env", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_every_month_pays_what_the_money_rules_give(world: World) -> None:
    """Three seeded years of casework: every payroll payment, settled month and statistic equals the oracle's."""
    world.simulate(HOUSEHOLDS)
    settle_late_changes(world.app, world.views, SETTLING, AP)  # what January 2027's payroll would carry
    world.views.catch_up()
    mismatches, stats = compare(world, Reports(world.views, world.clock))
    kinds = Counter(m.kind for m in mismatches)
    print(
        f"\nmoney model (seed {SEED}): programs {stats['programs']}, decisions {stats['decisions']},"
        f" facts late/ahead {stats['facts late/ahead']}, pending across a raise {stats['pending across a raise']}"
        f"\nmoney model (seed {SEED}): households {stats['households']}, enrolments {stats['enrolments']},"
        f" months {stats['months']}, payroll runs {stats['runs']}, payments checked {stats['payments_checked']},"
        f" settled months checked {stats['settled_checked']}, corrections {stats['corrections']},"
        f" mismatches {len(mismatches)} {dict(kinds)}"
    )
    if mismatches:
        shown = []
        for kind in kinds:  # the first few of every kind
            shown += [m for m in mismatches if m.kind == kind][:3]
        detail = "\n".join(m.render(world.o) for m in shown[:12])
        pytest.fail(f"{len(mismatches)} mismatches {dict(kinds)}; the first of each kind:\n{detail}", pytrace=False)
