"""The revisions since an as-of instant: each statistics figure that differs now from then, named in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from api.desk.render import PROGRAMS
from api.problems import Problem


def as_of_instant(text: str) -> datetime | None:
    """The as-of instant a page is pinned to (an ISO date and time; without a zone: UTC, as the API reads
    it), or None when none is asked for; one that is not an instant is refused with the field named."""
    if not text:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise Problem(422, "validation-error", "时间有误", f"as_of: {text!r} 不是时间") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


#: what the figures' path segments read as on the page; others are shown as they are
WORDS = {
    **PROGRAMS,
    "on_roll": "在册",
    "suspended": "暂停",
    "new": "新增",
    "exits": "退出",
    "households": "户数",
    "persons": "人数",
    "enrolments": "笔数",
    "household_months": "户次",
    "person_months": "人次",
    "funds": "资金（元）",
    "funds_wan": "资金（万元）",
    "average_benefit": "月人均（元）",
    "temporary_assistance": "临时救助",
    "grants": "人次",
    "average_per_grant": "次均（元）",
    "payments_by_program": "发放",
    "payments_by_area_type": "城乡发放",
    "tekun_funds": "特困资金",
    "basic_living": "基本生活费（元）",
    "care_subsidy": "护理补贴（元）",
    "urban": "城市",
    "rural": "农村",
    "concentrated": "集中",
    "dispersed": "分散",
    "institutional": "集中养育",
    "community": "社会散居",
    "district": "区级",
    "township": "乡镇",
    "corrections": "更正笔数",
    "by_reason": "原因",
}
SKIPPED = {"programs", "by_program", "by_area_type", "by_arrangement", "by_care_level", "by_placement", "by_level"}
NOT_FIGURES = {"as_known_at", "suppressed", "payments_suppressed"}


@dataclass(frozen=True)
class Revision:
    figure: str  # the figure's name on the page
    path: str  # its place in the statistics' JSON
    then: Any
    now: Any
    change: str  # now − then where both are numbers, else ""


def figures(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every figure; a list (the corrections) counts its entries."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in NOT_FIGURES:
                yield from figures(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        yield path, len(value)
    else:
        yield path, value


def name(path: str) -> str:
    return " · ".join(WORDS.get(part, part) for part in path.split(".") if part not in SKIPPED)


def _difference(then: Any, now: Any) -> str:
    try:
        change = Decimal(str(now or 0)) - Decimal(str(then or 0))
    except InvalidOperation:
        return ""
    return f"{change:+}" if then is not None and now is not None else ""


def revised(then: dict[str, Any], now: dict[str, Any]) -> list[Revision]:
    """The figures that differ between the statistics as known then and as known now, in the JSON's order; a
    figure one side lacks is 0 there (nobody was counted), as the page reads it."""
    before, after = dict(figures(then)), dict(figures(now))
    paths = list(after) + [p for p in before if p not in after]
    pairs = [(p, before.get(p, 0), after.get(p, 0)) for p in paths]
    return [Revision(name(p), p, a, b, _difference(a, b)) for p, a, b in pairs if not _same(a, b)]


def _same(a: Any, b: Any) -> bool:
    """Equal figures; numbers compare by value ("0.00" is 0)."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return bool(a == b)
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return bool(a == b)
