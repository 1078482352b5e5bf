"""Checking a bureau's roll before anything is recorded: rows grouped into households, every problem
named on its row in Chinese and English.

A problem either refuses its household (nothing of it is imported: a household is brought over whole
or not at all) or only flags it (an amount the standards in force make implausible is imported as the
roll records it, and the report says so). What needs the store — who is already enrolled — is
checked by ``application.roll_import``; everything here reads the sheet alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from application.roll_columns import AREAS, Columns, Field, normal, relation_of
from domain.errors import InvalidValue
from domain.household_migration import RollSource
from domain.members import Relation
from domain.payee import account_number, bank_name
from domain.values import AreaType, IdNumber


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    zh: str
    en: str
    refuses: bool = True

    def text(self) -> str:
        return f"{self.zh} / {self.en}"


ID_PROBLEMS = {
    "id-number-format": "身份证号码格式错误（应为17位数字加校验位）",
    "id-number-birth-date": "身份证号码中的出生日期不存在",
    "id-number-check-character": "身份证号码校验位错误",
}


@dataclass
class PlannedMember:
    row: int
    name: str
    id_number: IdNumber
    relation: Relation


@dataclass(frozen=True, slots=True)
class PlannedAccount:
    """The payee account the roll gives: paid to the member of ``row``."""

    row: int
    bank: str
    account_number: str


#: A bank cell the payee account cannot be made of: the household is imported without an account (the
#: payroll lists it until one is recorded), not refused.
ACCOUNT_PROBLEMS = {
    "account-number-format": (
        "银行账号应为12至30位数字，该户导入后无账户",
        "the account number is not 12 to 30 digits",
    ),
    "required": ("银行账号已填但开户银行为空，该户导入后无账户", "an account number without its bank"),
    "max-length": ("开户银行名称超过60个字", "the bank's name is longer than 60 characters"),
}


@dataclass
class PlannedHousehold:
    """One household as the roll gives it, with what validation made of its cells."""

    key: str
    rows: list[int]
    source: RollSource
    members: list[PlannedMember] = field(default_factory=list)
    area_type: AreaType = AreaType.URBAN
    division_code: str = ""
    address: str = ""
    amount: Decimal = Decimal("0.00")
    covered: int = 0
    approved_on: date = date.min
    account: PlannedAccount | None = None


@dataclass
class Plan:
    """The roll read and checked: its households in sheet order and every row's problems."""

    file_hash: str
    sheet: str
    households: list[PlannedHousehold]
    problems: dict[int, list[Problem]] = field(default_factory=dict)

    def flag(self, row: int, problem: Problem) -> None:
        self.problems.setdefault(row, []).append(problem)

    def refused(self, h: PlannedHousehold) -> bool:
        return any(p.refuses for r in h.rows for p in self.problems.get(r, ()))


def parse_date(value: str) -> date | None:
    """2019-05-10, 2019/5/10, 2019.5.10, 2019年5月10日, 20190510 or 201905 (the month's first day)."""
    digits = [int(x) for x in re.findall(r"\d+", value)]
    try:
        if len(digits) == 1 and len(value.strip()) in (6, 8):
            s = value.strip()
            return date(int(s[:4]), int(s[4:6]), int(s[6:8]) if len(s) == 8 else 1)
        if len(digits) in (2, 3):
            return date(digits[0], digits[1], digits[2] if len(digits) == 3 else 1)
    except ValueError:
        return None
    return None


def parse_amount(value: str) -> Decimal | None:
    try:
        amount = Decimal(value.replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() else None


def group(rows: list[tuple[int, tuple[str, ...]]], cols: Columns) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """Rows by household: the household number where the roll has one, else the head's ID number."""
    by: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    key_field = Field.HOUSEHOLD if cols.has(Field.HOUSEHOLD) else Field.HEAD_ID_NUMBER
    for n, cells in rows:
        by.setdefault(cols.get(cells, key_field).upper(), []).append((n, cells))
    return by


def check_rows(
    plan: Plan, rows: list[tuple[int, tuple[str, ...]]], cols: Columns, *, division: str, as_of: date
) -> None:
    """Fill the plan with its households and every problem the sheet alone shows."""
    seen: dict[str, int] = {}
    for key, members in group(rows, cols).items():
        first = members[0][0]
        h = PlannedHousehold(key, [n for n, _ in members], RollSource(plan.file_hash, plan.sheet, first))
        plan.households.append(h)
        if not key:
            plan.flag(first, Problem("household-missing", "缺少户编号或户主身份证号码", "no household number or head"))
        for n, cells in members:
            _member(plan, h, n, cells, cols, seen)
        _head(plan, h, members, cols)
        _household(plan, h, members, cols, division=division, as_of=as_of)
        _account(plan, h, members, cols)


def _member(
    plan: Plan, h: PlannedHousehold, n: int, cells: tuple[str, ...], cols: Columns, seen: dict[str, int]
) -> None:
    name, raw = cols.get(cells, Field.NAME), cols.get(cells, Field.ID_NUMBER).upper()
    if not name:
        plan.flag(n, Problem("name-missing", "姓名为空", "the name is empty"))
    try:
        id_number = IdNumber(raw)
    except InvalidValue as e:
        plan.flag(n, Problem(e.rule, ID_PROBLEMS.get(e.rule, "身份证号码无效"), e.message))
        return
    if id_number.value in seen:
        other = seen[id_number.value]
        plan.flag(
            n, Problem("duplicate-in-file", f"同一人在表中重复（第{other}行）", f"the same person as row {other}")
        )
        return
    seen[id_number.value] = n
    relation = relation_of(cols.get(cells, Field.RELATION)) if cols.has(Field.RELATION) else Relation.OTHER
    if name:
        h.members.append(PlannedMember(n, name, id_number, relation))


def _head(plan: Plan, h: PlannedHousehold, members: list[tuple[int, tuple[str, ...]]], cols: Columns) -> None:
    """The head: the row whose relation is 户主; without that column, the head's ID number's row, else
    the first row. A household without one is refused on every row."""
    if cols.has(Field.RELATION):
        heads = [n for n, cells in members if relation_of(cols.get(cells, Field.RELATION)) is Relation.HEAD]
    elif cols.has(Field.HEAD_ID_NUMBER):
        heads = [n for n, cells in members if cols.get(cells, Field.ID_NUMBER).upper() == h.key]
    else:
        heads = [members[0][0]]
    for m in h.members:
        m.relation = Relation.HEAD if m.row == (heads[0] if heads else None) else _not_head(m.relation)
    if not heads:
        for n, _ in members:
            plan.flag(n, Problem("head-missing", "该户没有户主", "a member without a head of household"))
    for n in heads[1:]:
        plan.flag(n, Problem("head-twice", "该户有两名户主", "a second head of household"))


def _not_head(relation: Relation) -> Relation:
    return Relation.OTHER if relation is Relation.HEAD else relation


def _household(
    plan: Plan,
    h: PlannedHousehold,
    members: list[tuple[int, tuple[str, ...]]],
    cols: Columns,
    *,
    division: str,
    as_of: date,
) -> None:
    """Division, area, address, amount and approval date: from the first row that gives each."""

    def first(f: Field) -> str:
        return next((v for _, cells in members if (v := cols.get(cells, f))), "")

    row = h.source.row
    h.division_code = first(Field.DIVISION_CODE)
    if not re.fullmatch(r"\d{12}", h.division_code) or not h.division_code.startswith(division):
        zh, en = f"行政区划代码{h.division_code or '（空）'}不在{division}内或不是12位", f"division {h.division_code!r}"
        plan.flag(row, Problem("division-unknown", zh, f"{en} is not a 12-digit code under {division}"))
    area = AREAS.get(normal(first(Field.AREA)).lower())
    if area is None:
        plan.flag(row, Problem("area-unknown", "类别应为城市或农村", "the area must be 城市 (urban) or 农村 (rural)"))
    h.area_type = AreaType(area or "urban")
    place = first(Field.TOWNSHIP) + first(Field.VILLAGE)
    h.address = first(Field.ADDRESS) or place or h.division_code
    amount = parse_amount(first(Field.AMOUNT))
    if amount is None or amount <= 0:
        plan.flag(row, Problem("amount-invalid", "月保障金额不是正数", "the monthly amount is not a positive number"))
    h.amount = amount if amount is not None else Decimal("0.00")
    covered = first(Field.COVERED)
    h.covered = int(covered) if covered.isdigit() and int(covered) > 0 else len(members)
    raw = first(Field.APPROVED_ON)
    approved = parse_date(raw) if raw else as_of
    if approved is None:
        plan.flag(
            row, Problem("approved-on-invalid", f"批准时间{raw}无法识别", f"approval date {raw!r} not understood")
        )
    elif approved > as_of:
        plan.flag(row, Problem("approved-after-as-of", "批准时间晚于导入基准日", f"approved {approved}, after {as_of}"))
    h.approved_on = approved or as_of


def _account(plan: Plan, h: PlannedHousehold, members: list[tuple[int, tuple[str, ...]]], cols: Columns) -> None:
    """The payee account (开户银行, 银行账号): the head's row's where it gives one, else the first row's that
    does, paid to that row's member. A cell that makes no account is flagged: imported without one."""
    given = [(n, cells) for n, cells in members if cols.get(cells, Field.ACCOUNT_NUMBER)]
    if not given:
        return
    head = next((m.row for m in h.members if m.relation is Relation.HEAD), None)
    n, cells = next(((n, c) for n, c in given if n == head), given[0])
    try:
        number = account_number(cols.get(cells, Field.ACCOUNT_NUMBER))
        bank = bank_name(cols.get(cells, Field.BANK))
    except InvalidValue as e:
        zh, en = ACCOUNT_PROBLEMS.get(e.rule, ("银行账户无效，该户导入后无账户", e.message))
        plan.flag(n, Problem("account-invalid", zh, f"{en}: imported without an account", refuses=False))
        return
    payee = next((m for m in h.members if m.row == n), None) or next((m for m in h.members if m.row == head), None)
    if payee is not None:
        h.account = PlannedAccount(payee.row, bank, number)
