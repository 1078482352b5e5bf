"""A bureau's roll as it keeps it, generated: one row per beneficiary under Chinese headings, a title
line above the table, bank columns, and faults planted on known rows (``Planted``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]

from domain.values import id_check_character

HEADINGS = (
    "户编号", "户主姓名", "姓名", "身份证号码", "与户主关系", "家庭人口", "保障人数", "月保障金额",
    "类别", "乡镇(街道)", "村(社区)", "行政区划代码", "开户银行", "银行账号", "批准时间",
)  # fmt: skip
STANDARD = {"城市": Decimal("750.00"), "农村": Decimal("600.00")}  # the seed's 430112 standards on 2024-01-01
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国华明丽芳伟强军平秀英桂兰志红玉梅海燕"
RELATIONS = ("配偶", "儿子", "女儿", "母亲", "孙子")
CLEAN_FIRST = 10  # the first households carry no fault: people are copied from them, others added to them
FAULTS = (
    "id-number-check-character",
    "id-number-birth-date",
    "duplicate-in-file",
    "division-unknown",
    "amount-implausible",
    "head-missing",
    "account-invalid",  # flagged, not refused: imported without an account
)
ACCOUNT = "6230000000000"  # 开户银行 农商银行


@dataclass
class Household:
    number: str
    area: str
    division: str
    amount: Decimal
    approved: date
    people: list[tuple[str, str, str]]  # (name, ID number, relation)


@dataclass
class Planted:
    """The roll written: per fault, the sheet rows that carry it; which households no fault refuses."""

    faults: set[tuple[int, str]] = field(default_factory=set)
    households: int = 0
    valid: set[str] = field(default_factory=set)  # household numbers that should be imported
    rows: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)  # household number → amount
    people: dict[str, str] = field(default_factory=dict)  # ID number → household number (valid households)
    without_account: set[str] = field(default_factory=set)  # valid households whose account cell is wrong
    cases: int = 0  # faults planted: households carrying one, and people enrolled before


class Roll:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.issued: set[str] = set()

    def id_number(self, born: date) -> str:
        while True:
            first17 = f"430112{born:%Y%m%d}{self.rng.randrange(100, 999):03d}"
            if first17 not in self.issued:
                self.issued.add(first17)
                return first17 + id_check_character(first17)

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def household(self, n: int) -> Household:
        area = self.rng.choice(tuple(STANDARD))
        village = f"{self.rng.randrange(1, 9):03d}" if area == "城市" else f"{self.rng.randrange(201, 209):03d}"
        size = self.rng.choice((1, 2, 2, 3, 3, 4))
        born = date(self.rng.randint(1945, 1990), self.rng.randint(1, 12), self.rng.randint(1, 28))
        people = [(self.name(), self.id_number(born), "户主")]
        for _ in range(size - 1):
            other = date(self.rng.randint(1950, 2020), self.rng.randint(1, 12), self.rng.randint(1, 28))
            people.append((self.name(), self.id_number(other), self.rng.choice(RELATIONS)))
        per_person = self.rng.choice((Decimal("150.00"), Decimal("280.00"), Decimal("420.50")))
        approved = date(self.rng.randint(2015, 2023), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return Household(f"HB{n:05d}", area, f"430112{self.rng.randrange(1, 9):03d}{village}", per_person * size,
                         approved, people)  # fmt: skip


def plant(households: list[Household], rng: random.Random, per_kind: int | dict[str, int]) -> dict[str, list[int]]:
    """Choose the households (by index) that carry each fault (``per_kind`` of each, or as many as the dict
    says); a household carries at most one."""
    candidates = [i for i, h in enumerate(households) if len(h.people) >= 2 and i >= CLEAN_FIRST]
    rng.shuffle(candidates)
    chosen: dict[str, list[int]] = {}
    for kind in FAULTS:
        n = per_kind if isinstance(per_kind, int) else per_kind.get(kind, 0)
        chosen[kind] = sorted(candidates[:n])
        candidates = candidates[n:]
    return chosen


def write_roll(path: Path, *, households: int = 300, seed: int = 7, per_kind: int | dict[str, int] = 3,
               extra: list[tuple[str, str]] | None = None) -> Planted:  # fmt: skip
    """Write the roll; ``extra`` adds (name, ID number) members to the first households (people the
    test enrols elsewhere first, so the import must name them as already enrolled)."""
    roll = Roll(seed)
    hs = [roll.household(n) for n in range(1, households + 1)]
    chosen = plant(hs, roll.rng, per_kind) if per_kind else {k: [] for k in FAULTS}
    for i, (name, number) in enumerate(extra or []):
        hs[i].people.append((name, number, "其他"))
    faults = {i: kind for kind, idx in chosen.items() for i in idx}
    book = Workbook()
    ws = book.active
    ws.append(["望城区2024年1月城乡低保花名册"])
    ws.append(list(HEADINGS))
    planted = Planted(households=households)
    sources = [h for h in hs[len(extra or []) : CLEAN_FIRST] if len(h.people) >= 2]
    # people copied into the households carrying the fault
    duplicates = [h.people[1] for h in sources[: len(chosen["duplicate-in-file"])]]
    planted.cases = sum(len(idx) for idx in chosen.values()) + len(extra or [])
    for i, h in enumerate(hs):
        kind = faults.get(i)
        rows = _rows(h, kind, duplicates.pop() if kind == "duplicate-in-file" else None)
        first_row = ws.max_row + 1
        for offset, (row, fault) in enumerate(rows):
            ws.append(row)
            if fault:
                planted.faults.add((first_row + offset, fault))
        if i < len(extra or []):
            planted.faults.add((first_row + len(rows) - 1, "already-enrolled"))
        planted.rows += len(rows)
        if kind in (None, "amount-implausible", "account-invalid") and i >= len(extra or []):
            planted.valid.add(h.number)
            if kind == "account-invalid":
                planted.without_account.add(h.number)
            planted.amounts[h.number] = Decimal(str(rows[0][0][7]))
            planted.people.update({number: h.number for _, number, _ in h.people})
    book.save(path)
    return planted


def _rows(h: Household, kind: str | None, duplicate: tuple[str, str, str] | None) -> list[tuple[list[object], str]]:
    """The household's rows, each with the fault it carries ('' for none)."""
    amount = h.amount
    if kind == "amount-implausible":
        amount = STANDARD[h.area] * len(h.people) + Decimal("100.00")
    people = list(h.people)
    marks = [""] * len(people)
    if kind == "head-missing":
        people, marks = people[1:], ["head-missing"] * (len(people) - 1)
    elif kind == "id-number-check-character":
        name, number, rel = people[1]
        wrong = "0" if number[-1] != "0" else "1"
        people[1], marks[1] = (name, number[:17] + wrong, rel), kind
    elif kind == "id-number-birth-date":
        name, number, rel = people[1]
        first17 = number[:6] + "19801332" + number[14:17]
        people[1], marks[1] = (name, first17 + id_check_character(first17), rel), kind
    elif kind == "duplicate-in-file" and duplicate is not None:
        people.append((duplicate[0], duplicate[1], "其他"))
        marks.append(kind)
    division = h.division[:11] if kind == "division-unknown" else h.division
    out: list[tuple[list[object], str]] = []
    for j, ((name, number, rel), mark) in enumerate(zip(people, marks, strict=True)):
        cells: list[object] = [h.number, h.people[0][0], name, number, rel, len(h.people), len(people),
                               float(amount), h.area, "某街道", "某社区", division, "农商银行", ACCOUNT,
                               h.approved.isoformat()]  # fmt: skip
        if kind == "account-invalid" and j == 0:
            cells[13] = ACCOUNT[:8]  # the head's account number too short
        if kind in ("amount-implausible", "division-unknown", "account-invalid") and j == 0:
            mark = kind
        out.append((cells, mark))
    return out
