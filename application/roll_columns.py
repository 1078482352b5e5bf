"""What a roll's columns mean: the headings bureaus use for each field, and a bureau's own mapping.

A heading is recognised after removing spaces and unifying brackets (``乡镇（街道）`` = ``乡镇(街道)``);
a mapping file (YAML, ``field: 表头``) names the columns whose headings differ and wins over the
variants. The bank columns (开户银行, 银行账号) give the payee account the import records with the household.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidValue
from domain.members import Relation


class Field(StrEnum):
    HOUSEHOLD = "household"  # 户编号: what members of one household share (else the head's ID number)
    HEAD_ID_NUMBER = "head_id_number"
    HEAD_NAME = "head_name"
    NAME = "name"
    ID_NUMBER = "id_number"
    RELATION = "relation"
    HOUSEHOLD_SIZE = "household_size"
    COVERED = "covered"
    AMOUNT = "amount"
    AREA = "area"
    TOWNSHIP = "township"
    VILLAGE = "village"
    DIVISION_CODE = "division_code"
    ADDRESS = "address"
    APPROVED_ON = "approved_on"
    BANK = "bank"
    ACCOUNT_NUMBER = "account_number"


#: The headings recognised without a mapping, per field (normalised: no spaces, ASCII brackets).
VARIANTS: dict[Field, tuple[str, ...]] = {
    Field.HOUSEHOLD: ("户编号", "家庭编号", "户号", "救助证号", "低保证号", "household_id", "户ID"),
    Field.HEAD_ID_NUMBER: ("户主身份证号码", "户主身份证号", "户主证件号码"),
    Field.HEAD_NAME: ("户主姓名", "户主"),
    Field.NAME: ("姓名", "成员姓名", "保障对象姓名", "name", "名字"),
    Field.ID_NUMBER: ("身份证号码", "身份证号", "公民身份号码", "证件号码", "成员身份证号码", "id_number"),
    Field.RELATION: ("与户主关系", "与户主的关系", "关系", "relation"),
    Field.HOUSEHOLD_SIZE: ("家庭人口", "家庭人数", "家庭人口数", "户人口"),
    Field.COVERED: ("保障人数", "保障人口", "享受人数", "beneficiaries", "保障人口数"),
    Field.AMOUNT: (
        "月保障金额",
        "保障金额",
        "月救助金",
        "月低保金",
        "月发放金额",
        "household_amount",
        "户月保障金额",
        "家庭月保障金额(元)",
        "月保障金额(元)",
    ),
    Field.AREA: ("类别", "城乡类别", "类别(城市/农村)", "户籍类别", "area_type", "城乡"),
    Field.TOWNSHIP: ("乡镇(街道)", "乡镇", "街道", "乡镇街道"),
    Field.VILLAGE: ("村(社区)", "村", "社区", "村社区", "村居"),
    Field.DIVISION_CODE: ("行政区划代码", "区划代码", "村(社区)代码", "社区代码", "division_code"),
    Field.ADDRESS: ("家庭住址", "住址", "地址", "address"),
    Field.APPROVED_ON: ("批准时间", "批准日期", "审批时间", "审批日期", "纳入时间", "保障起始时间"),
    Field.BANK: ("开户银行", "开户行", "银行", "发放银行", "bank"),
    Field.ACCOUNT_NUMBER: ("银行账号", "银行卡号", "账号", "卡号", "存折号", "account_number"),
}

#: What 与户主关系 says, to the relations the service knows.
RELATIONS: dict[str, Relation] = {
    **dict.fromkeys(("户主", "本人", "head"), Relation.HEAD),
    **dict.fromkeys(("配偶", "妻", "妻子", "夫", "丈夫", "spouse"), Relation.SPOUSE),
    **dict.fromkeys(("子", "女", "儿子", "女儿", "子女", "长子", "次子", "长女", "次女", "child"), Relation.CHILD),
    **dict.fromkeys(("父亲", "母亲", "父母", "父", "母", "parent"), Relation.PARENT),
    **dict.fromkeys(("祖父", "祖母", "外祖父", "外祖母", "grandparent"), Relation.GRANDPARENT),
    **dict.fromkeys(("孙子", "孙女", "外孙", "外孙女", "grandchild"), Relation.GRANDCHILD),
    **dict.fromkeys(("兄", "弟", "姐", "妹", "兄弟", "姐妹", "兄弟姐妹", "sibling"), Relation.SIBLING),
}
AREAS = {"城市": "urban", "城镇": "urban", "urban": "urban", "农村": "rural", "rural": "rural"}


def normal(heading: str) -> str:
    """A heading as compared: no spaces, full-width brackets as ASCII."""
    return "".join(heading.split()).replace("（", "(").replace("）", ")")


def relation_of(text: str) -> Relation:
    """与户主关系 as a relation; anything not recognised is 'other' (a member still, not the head)."""
    return RELATIONS.get(normal(text), Relation.OTHER)


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column (0-based) holds each field found in the sheet."""

    index: dict[Field, int]

    def get(self, cells: Sequence[str], field: Field) -> str:
        i = self.index.get(field)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def has(self, field: Field) -> bool:
        return field in self.index


def columns(headings: Sequence[str], mapping: Mapping[str, str] | None = None) -> Columns:
    """Find each field's column: the mapping's heading first, else a known variant."""
    by_heading = {normal(h): i for i, h in enumerate(headings) if h}
    index: dict[Field, int] = {}
    for key, heading in (mapping or {}).items():
        try:
            field = Field(key)
        except ValueError:
            raise InvalidValue(
                f"the mapping names an unknown field {key!r}", field="mapping", rule="field-known"
            ) from None
        if normal(heading) not in by_heading:
            raise InvalidValue(f"no column headed {heading!r} for {key}", field="mapping", rule="column-present")
        index[field] = by_heading[normal(heading)]
    for field, variants in VARIANTS.items():
        if field not in index:
            found = next((by_heading[normal(v)] for v in variants if normal(v) in by_heading), None)
            if found is not None:
                index[field] = found
    missing = [f.value for f in (Field.NAME, Field.ID_NUMBER, Field.AMOUNT) if f not in index]
    if missing or not ({Field.HOUSEHOLD, Field.HEAD_ID_NUMBER} & index.keys()):
        needed = ", ".join(missing) or "household or head_id_number"
        raise InvalidValue(f"the roll has no column for {needed}", field="mapping", rule="column-present")
    return Columns(index)
