"""A synthetic district, simulated month by month through the application (never raw SQL).

Seeded and deterministic: the same seed gives the same households, facts and decisions. Names are
common Chinese names, ID numbers valid GB 11643 numbers with plausible birth dates, divisions of
the example district 430112's streets and communities.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from application.casework import Casework
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.enrolment import Status, TownshipOpinion
from domain.errors import DomainError
from domain.members import Disability, DisabilityKind, LabourCapacity, Member, Relation, SchoolStatus
from domain.rules.children import ParentSituation, ParentStatus
from domain.rules.temporary import ApprovalLevel, GrantKind
from domain.values import Actor, AreaType, IdNumber, Program, Role, first_of_next_month, id_check_character

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红梅玉兰志春梅海燕金凤德福贵荣淑珍凤兰秀兰桂芝"
    "小明小红子涵浩然雨萱梓涵一诺欣怡宇轩"
)
DISTRICT = "430112"
STREETS = [f"{DISTRICT}{s:03d}" for s in range(1, 9)]
CASEWORKERS = [Actor(f"cw-{s[-3:]}", Role.CASEWORKER, s) for s in STREETS]
APPROVER = Actor("approver-district", Role.APPROVER, DISTRICT)
Progress = Callable[[str, int], None]


@dataclass
class DemoReport:
    households: int = 0
    commands: int = 0
    refused: int = 0
    enrolments: dict[str, int] = field(default_factory=dict)


class District:
    """Generates and simulates one district for a year."""

    def __init__(self, app: Casework, *, seed: int = 20240101, households: int = 2000, year: int = 2024):
        self.app, self.rng, self.n, self.year = app, random.Random(seed), households, year
        self.report = DemoReport()
        self._seq = 0

    # ------------------------------------------------------------- people

    def _id(self, birth: date) -> IdNumber:
        self._seq = (self._seq + 1) % 1000
        first17 = f"{DISTRICT}{birth:%Y%m%d}{self._seq:03d}"
        return IdNumber(first17 + id_check_character(first17))

    def _name(self, surname: str | None = None) -> str:
        return (surname or self.rng.choice(SURNAMES)) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )

    def _birth(self, age_low: int, age_high: int) -> date:
        age = self.rng.randint(age_low, age_high)
        return date(self.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def _person(self, relation: Relation, age: tuple[int, int], surname: str, **kw: object) -> Member:
        birth = self._birth(*age)
        return Member(
            person_id=UUID(int=self.rng.getrandbits(128), version=4),
            name=self._name(surname),
            id_number=self._id(birth),
            relation=relation,
            **kw,  # type: ignore[arg-type]
        )

    def _family(self) -> tuple[str, list[Member]]:
        surname, kind = self.rng.choice(SURNAMES), self.rng.random()
        if kind < 0.15:  # an elder living alone: tekun candidate
            return "tekun", [self._person(Relation.HEAD, (62, 88), surname)]
        if kind < 0.20:  # grandparent raising a grandchild whose parents are gone or away
            return "child", [
                self._person(Relation.HEAD, (55, 75), surname),
                self._person(Relation.GRANDCHILD, (3, 16), surname, support_duty=True),
            ]
        members = [self._person(Relation.HEAD, (30, 58), surname)]
        if self.rng.random() < 0.75:
            members.append(self._person(Relation.SPOUSE, (28, 58), self.rng.choice(SURNAMES)))
        for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
            school = SchoolStatus.FULL_TIME if self.rng.random() < 0.9 else SchoolStatus.NOT_IN_SCHOOL
            members.append(self._person(Relation.CHILD, (1, 17), surname, school_status=school))
        if self.rng.random() < 0.2:
            grade = self.rng.choice((1, 2, 3, 4))
            kind_ = self.rng.choice(list(DisabilityKind))
            members[-1] = replace(
                members[-1],
                disability=Disability(kind_, grade),
                labour_capacity=LabourCapacity.NONE if grade <= 2 else LabourCapacity.PARTIAL,
            )
        return "dibao", members

    # ---------------------------------------------------------- simulation

    def run(self, progress: Progress | None = None) -> DemoReport:
        months = [date(self.year, m, 1) for m in range(1, 13)]
        arrivals = sorted(self.rng.choices(months, weights=[40] + [5] * 11, k=self.n))
        pending: list[tuple[UUID, UUID, date]] = []
        for i, month in enumerate(months):
            for _ in range(arrivals.count(month)):
                pending.extend(self._new_household(month))
            pending = self._decide(pending, month)
            self._changes(month)
            if progress:
                progress(f"{month:%Y-%m}", i + 1)
        return self.report

    def _do(self, fn: Callable[..., object], *args: object, **kwargs: object) -> object | None:
        """Run one command; a refusal by the rules is counted, not fatal (the district is random)."""
        self.report.commands += 1
        try:
            return fn(*args, **kwargs)
        except DomainError:
            self.report.refused += 1
            return None

    def _new_household(self, month: date) -> list[tuple[UUID, UUID, date]]:
        kind, members = self._family()
        street = self.rng.choice(STREETS)
        division = f"{street}{self.rng.randint(1, 12):03d}"
        cw = CASEWORKERS[STREETS.index(street)]
        day = month + timedelta(days=self.rng.randint(0, 20))
        area = AreaType.RURAL if self.rng.random() < 0.45 else AreaType.URBAN
        h = self.app.register_household(
            area_type=area,
            division_code=division,
            address=f"{division[-6:]}号",
            members=tuple(members),
            registered_on=day,
            actor=cw,
        )
        self.report.households += 1
        self.report.commands += 1
        head = members[0]
        earners = [m for m in members if 18 <= m.age_on(day) < 60 and m.disability is None]
        incomes = tuple(
            IncomeItem(
                m.person_id,
                self.rng.choice((IncomeKind.WAGES, IncomeKind.AGRICULTURE)),
                Decimal(self.rng.randrange(0, 2400, 50)),
            )
            for m in earners[:2]
        )
        if kind == "tekun":
            incomes = (IncomeItem(head.person_id, IncomeKind.RESIDENTS_BASIC_PENSION, Decimal("163.00")),)
        assets = Assets(financial=Decimal(self.rng.randrange(0, 30000, 500)), dwellings=self.rng.choice((0, 1, 1, 1)))
        self._do(
            lambda: self.app.record_circumstances(
                h.id, Circumstances(incomes=incomes, assets=assets), effective_on=day, actor=cw
            )
        )
        applied = day + timedelta(days=2)
        if kind == "tekun":
            unable = tuple(
                self.rng.sample(
                    ["eating", "dressing", "bed_transfer", "toileting", "walking_indoors", "bathing"],
                    self.rng.randint(0, 6),
                )
            )
            self._do(lambda: self.app.assess_care(h.id, head.person_id, unable, effective_on=day, actor=cw))
            terms = {
                "arrangement": self.rng.choice(("dispersed", "dispersed", "concentrated")),
                "has_capable_supporter": False,
            }
            got = self._do(
                lambda: self.app.apply(
                    h.id, Program.TEKUN, (head.person_id,), terms=terms, effective_on=applied, actor=cw
                )
            )
        elif kind == "child":
            child = members[1]
            gone = (ParentStatus(ParentSituation.DEAD, self._birth(1, 3)),)
            away = (
                ParentStatus(
                    self.rng.choice((ParentSituation.SERVING_SENTENCE, ParentSituation.OUT_OF_CONTACT)),
                    date(self.year - 2, 1, 1),
                ),
            )
            orphan = self.rng.random() < 0.4
            self._do(
                lambda: self.app.record_parents(
                    h.id, child.person_id, gone, gone if orphan else away, effective_on=day, actor=cw
                )
            )
            program = Program.ORPHAN if orphan else Program.UNSUPPORTED_CHILD
            got = self._do(
                lambda: self.app.apply(
                    h.id, program, (child.person_id,), terms={"placement": "community"}, effective_on=applied, actor=cw
                )
            )
        else:
            got = self._do(
                lambda: self.app.apply(
                    h.id, Program.DIBAO, tuple(m.person_id for m in members), effective_on=applied, actor=cw
                )
            )
        if not got:
            return []
        eid = got[0]  # type: ignore[index]
        review_on = applied + timedelta(days=self.rng.randint(3, 12))
        self._do(
            lambda: self.app.record_township_review(
                h.id,
                eid,
                investigated_on=review_on,
                findings="入户调查",
                opinion=TownshipOpinion.APPROVE,
                effective_on=review_on,
                actor=cw,
            )
        )
        return [(h.id, eid, review_on + timedelta(days=self.rng.randint(8, 20)))]

    def _decide(self, pending: list[tuple[UUID, UUID, date]], month: date) -> list[tuple[UUID, UUID, date]]:
        """The county decides every application whose notice ended this month."""
        later = []
        month_end = first_of_next_month(month) - timedelta(days=1)
        for hid, eid, when in pending:
            if when > month_end:
                later.append((hid, eid, when))
                continue
            e = self.app.get_household(hid).enrolment(eid)
            if e.last_assessment is not None and e.last_assessment.eligible:
                self._do(self.app.approve, hid, eid, effective_on=when, actor=APPROVER)
            else:
                self._do(
                    self.app.reject,
                    hid,
                    eid,
                    reason_code="NOT_ELIGIBLE",
                    reason="经审核不符合条件",
                    effective_on=when,
                    actor=APPROVER,
                )
            key = str(e.program)
            self.report.enrolments[key] = self.report.enrolments.get(key, 0) + 1
        return later

    def _changes(self, month: date) -> None:
        """About one household in a hundred changes each month: suspensions, resumptions, exits, grants."""
        ids = list(self.app.household_ids())
        for hid in self.rng.sample(ids, min(len(ids), max(1, len(ids) // 100))):
            h = self.app.get_household(hid)
            day = month + timedelta(days=self.rng.randint(5, 25))
            for e in list(h.enrolments.values()):
                status = e.status_on(day)
                if status is Status.ACTIVE and self.rng.random() < 0.5:
                    self._do(
                        self.app.suspend,
                        hid,
                        e.enrolment_id,
                        reason_code="NOT_REACHABLE",
                        reason="入户核查未见本人",
                        effective_on=day,
                        actor=APPROVER,
                    )
                elif status is Status.ACTIVE:
                    self._do(
                        self.app.terminate,
                        hid,
                        e.enrolment_id,
                        reason_code="MOVED_AWAY",
                        reason="迁出本区",
                        effective_on=day,
                        actor=APPROVER,
                    )
                elif status is Status.SUSPENDED:
                    self._do(self.app.resume, hid, e.enrolment_id, effective_on=day, actor=APPROVER)
            if self.rng.random() < 0.3:
                cw = CASEWORKERS[STREETS.index(h.division_code[:9])]
                self._do(
                    self.app.grant_temporary,
                    hid,
                    kind=GrantKind.EMERGENCY,
                    level=ApprovalLevel.TOWNSHIP,
                    amount=Decimal(self.rng.randrange(200, 1000, 50)),
                    effective_on=day,
                    actor=cw,
                    reason="突发困难",
                )
