"""The synthetic district's people: who lives where, who they are, what they earn and own.

Everything comes from one ``random.Random``, so a seed gives the same people every time. Divisions
have the shape of real statistical codes: the county 430112, townships ``001``–``099`` for
sub-districts (街道) and ``1xx`` for towns (镇), and under each, ``0xx`` for urban communities (社区居委会)
and ``2xx`` for villages (村委会); a household's area type follows its community. ID numbers are valid
GB 11643 numbers: a Hunan birthplace code, the birth date, a sequence whose last digit is odd for
men and even for women, and the check character. The street and village names are illustrative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.members import Disability, DisabilityKind, LabourCapacity, Member, Relation, SchoolStatus
from domain.values import Actor, AreaType, IdNumber, Role, id_check_character

DISTRICT = "430112"
BIRTHPLACES = ("430112",) * 8 + ("430111", "430124", "430181", "430121", "431021", "430623")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE = "伟强磊军洋勇杰涛明超刚平建国文华志海德福贵荣辉斌鹏飞波宇浩俊峰林云松"
FEMALE = "芳娜敏静丽艳娟秀霞桂英红梅玉兰春燕金凤淑珍兰芝琴萍莉婷雪慧丹"
CHILD_GIVEN = ("子涵", "浩然", "雨萱", "梓涵", "一诺", "欣怡", "宇轩", "梓轩", "诗涵", "俊熙", "可馨", "沐阳")
CARE_ACTIVITIES = ("eating", "dressing", "bed_transfer", "toileting", "walking_indoors", "bathing")

#: (township code, name, urban communities, villages): sub-districts first, then towns.
TOWNSHIPS = (
    ("001", "高塘岭街道", 9, 3),
    ("002", "大泽湖街道", 6, 4),
    ("003", "月亮岛街道", 7, 2),
    ("004", "金山桥街道", 5, 5),
    ("005", "乌山街道", 3, 8),
    ("006", "黄金园街道", 4, 6),
    ("101", "乔口镇", 1, 9),
    ("102", "靖港镇", 1, 11),
    ("103", "茶亭镇", 1, 10),
    ("104", "白箬铺镇", 1, 12),
)
COMMUNITY_NAMES = ("金桥", "滨江", "莲湖", "望月", "郭亮", "斑马湖", "新城", "旺旺", "黄花塘", "马桥河", "泉水", "桑梓")
VILLAGE_NAMES = ("光明", "杨桥", "新华", "团山", "太平", "荷叶", "联合", "长岭", "石门", "双河", "桃花", "马头", "柏树")
CASEWORKERS = {code: Actor(f"cw-{code}", Role.CASEWORKER, f"{DISTRICT}{code}") for code, *_ in TOWNSHIPS}


@dataclass(frozen=True)
class Place:
    division_code: str  # 12 digits: county, township, community or village
    area_type: AreaType
    address: str
    caseworker: Actor


@dataclass(frozen=True)
class Family:
    kind: str  # "tekun" (an elder alone), "child" (a grandparent raising a child) or "dibao"
    members: tuple[Member, ...]
    place: Place
    circumstances: Circumstances


class People:
    """Draws places, people and their means from one random generator."""

    def __init__(self, rng: random.Random, year: int):
        self.rng, self.year = rng, year
        self.issued: set[str] = set()
        self._seq: dict[tuple[str, date], int] = {}

    # ------------------------------------------------------------- persons

    def id_number(self, birth: date, male: bool) -> IdNumber:
        """A valid, never repeated number: birthplace, birth date, a sequence of the right parity."""
        place = self.rng.choice(BIRTHPLACES)
        seq = self._seq.get((place, birth), self.rng.randrange(10, 400))
        while True:
            seq += 1
            code = seq * 2 + (1 if male else 0)  # the 17th digit: odd for men, even for women
            first17 = f"{place}{birth:%Y%m%d}{code % 1000:03d}"
            if first17 not in self.issued:
                break
        self._seq[(place, birth)] = seq
        self.issued.add(first17)
        return IdNumber(first17 + id_check_character(first17))

    def birth(self, low: int, high: int) -> date:
        age = self.rng.randint(low, high)
        return date(self.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def name(self, surname: str, male: bool, child: bool = False) -> str:
        if child and self.rng.random() < 0.5:
            return surname + self.rng.choice(CHILD_GIVEN)
        pool = MALE if male else FEMALE
        return surname + "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))

    def person(self, relation: Relation, ages: tuple[int, int], surname: str, male: bool, **kw: object) -> Member:
        born = self.birth(*ages)
        return Member(
            person_id=UUID(int=self.rng.getrandbits(128), version=4),
            name=self.name(surname, male, child=ages[1] < 18),
            id_number=self.id_number(born, male),
            relation=relation,
            **kw,  # type: ignore[arg-type]
        )

    def newborn(self, surname: str, born: date) -> Member:
        male = self.rng.random() < 0.52
        return Member(
            person_id=UUID(int=self.rng.getrandbits(128), version=4),
            name=self.name(surname, male, child=True),
            id_number=self.id_number(born, male),
            relation=Relation.CHILD,
        )

    # -------------------------------------------------------------- places

    def place(self) -> Place:
        code, township, communities, villages = self.rng.choice(TOWNSHIPS)
        rural = self.rng.random() < villages / (communities + villages)
        if rural:
            n = self.rng.randint(1, villages)
            division = f"{DISTRICT}{code}{200 + n:03d}"
            address = f"{township}{VILLAGE_NAMES[n % len(VILLAGE_NAMES)]}村{self.rng.randint(1, 15)}组"
        else:
            n = self.rng.randint(1, communities)
            division = f"{DISTRICT}{code}{n:03d}"
            address = f"{township}{COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)]}社区{self.rng.randint(1, 40)}栋"
        area = AreaType.RURAL if rural else AreaType.URBAN
        return Place(division, area, f"{address}{self.rng.randint(1, 60)}号", CASEWORKERS[code])

    # ------------------------------------------------------------ families

    def family(self) -> Family:
        place, kind, surname = self.place(), self.rng.random(), self.rng.choice(SURNAMES)
        if kind < 0.15:  # an elder living alone: tekun candidate
            head = self.person(Relation.HEAD, (62, 90), surname, self.rng.random() < 0.45)
            pension = IncomeItem(head.person_id, IncomeKind.RESIDENTS_BASIC_PENSION, Decimal("163.00"))
            return Family("tekun", (head,), place, Circumstances(incomes=(pension,), assets=self.assets(1)))
        if kind < 0.21:  # a grandparent raising a grandchild whose parents are dead or away
            members: tuple[Member, ...] = (
                self.person(Relation.HEAD, (55, 78), surname, self.rng.random() < 0.4),
                self.person(Relation.GRANDCHILD, (2, 17), surname, self.rng.random() < 0.5, support_duty=True),
            )
            return Family("child", members, place, self.means(members, place))
        male_head = self.rng.random() < 0.7
        people = [self.person(Relation.HEAD, (28, 60), surname, male_head)]
        if self.rng.random() < 0.7:
            people.append(self.person(Relation.SPOUSE, (26, 60), self.rng.choice(SURNAMES), not male_head))
        for _ in range(self.rng.choice((0, 1, 1, 1, 2, 2, 3))):
            school = SchoolStatus.FULL_TIME if self.rng.random() < 0.92 else SchoolStatus.NOT_IN_SCHOOL
            people.append(self.person(Relation.CHILD, (1, 17), surname, self.rng.random() < 0.52, school_status=school))
        if self.rng.random() < 0.12:
            people.append(self.person(Relation.PARENT, (65, 88), surname, self.rng.random() < 0.45))
        if self.rng.random() < 0.22:  # a certified disability: grade 1 most severe … 4
            k = self.rng.randrange(len(people))
            grade = self.rng.choices((1, 2, 3, 4), weights=(2, 3, 3, 2))[0]
            people[k] = replace(
                people[k],
                disability=Disability(self.rng.choice(list(DisabilityKind)), grade),
                labour_capacity=LabourCapacity.NONE if grade <= 2 else LabourCapacity.PARTIAL,
            )
        members = tuple(people)
        return Family("dibao", members, place, self.means(members, place))

    def means(self, members: tuple[Member, ...], place: Place, on: date | None = None) -> Circumstances:
        """Monthly incomes of the working-age members (mostly low, some above the standard), pensions
        of the elderly, assets mostly within the limits."""
        day = on or date(self.year, 1, 1)
        rural = place.area_type is AreaType.RURAL
        incomes = []
        for m in members:
            age = m.age_on(day)
            if 18 <= age < 60 and m.labour_capacity is not LabourCapacity.NONE:
                if self.rng.random() < 0.2:
                    continue  # out of work
                kind = IncomeKind.AGRICULTURE if rural and self.rng.random() < 0.6 else IncomeKind.WAGES
                amount = min(4000.0, self.rng.lognormvariate(6.3 if rural else 6.6, 0.6))
                incomes.append(IncomeItem(m.person_id, kind, Decimal(int(amount) // 10 * 10)))
            elif age >= 60:
                incomes.append(IncomeItem(m.person_id, IncomeKind.RESIDENTS_BASIC_PENSION, Decimal("163.00")))
        return Circumstances(incomes=tuple(incomes), assets=self.assets(len(members)))

    def assets(self, persons: int) -> Assets:
        rich = self.rng.random() < 0.08  # savings or a second home above the limits: refused
        financial = self.rng.randrange(30000, 120000, 1000) if rich else self.rng.randrange(0, 8000 * persons, 100)
        return Assets(
            financial=Decimal(financial),
            vehicle_value=Decimal(self.rng.choice((0,) * 9 + (18000,))),
            dwellings=self.rng.choice((0, 1, 1, 1, 1, 2 if rich else 1)),
        )

    def care_needs(self) -> tuple[str, ...]:
        """The daily activities an elder cannot do (none for most; some partly or fully dependent)."""
        n = self.rng.choices((0, 1, 2, 3, 4, 5, 6), weights=(50, 12, 10, 8, 8, 6, 6))[0]
        return tuple(self.rng.sample(CARE_ACTIVITIES, n))
