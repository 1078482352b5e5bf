"""Children's programs: orphans (孤儿) and de facto unsupported children (事实无人抚养儿童), docs/rules.md.

Pure functions of facts and parameters. Each parent's situations are recorded with the date they
began; a situation that begins after the assessment date is not counted. The two programs exclude
each other: a child who qualifies as an orphan is not assessed as unsupported.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.assessment import Assessment, Finding, Reason, ReasonCatalogue
from domain.errors import InvalidValue
from domain.members import Member
from domain.policy import STATUTORY_DEFAULTS, ParameterSnapshot
from domain.values import ZERO, Program, round_yuan

_ORPHANS = "《国务院办公厅关于加强孤儿保障工作的意见》(国办发〔2010〕54号)"
_UNSUPPORTED = "《关于进一步加强事实无人抚养儿童保障工作的意见》(民发〔2019〕62号)"
BASIS_ORPHAN = f"{_ORPHANS} 孤儿是指失去父母、查找不到生父母的未满18周岁的未成年人"
BASIS_ORPHAN_RATE = f"{_ORPHANS} 孤儿基本生活最低养育标准"
BASIS_UNSUPPORTED = f"{_UNSUPPORTED} 保障对象范围"
BASIS_UNSUPPORTED_RATE = f"{_UNSUPPORTED} 基本生活补贴参照孤儿基本生活保障标准，已纳入低保或特困供养的按补差发放"
BASIS_EXCLUSIVE = f"{_UNSUPPORTED} 与孤儿保障不重复享受"

# Reason codes: stored with every decision, so never rename one; add new ones.
UNDER_18 = "UNDER_18"
NOT_UNDER_18 = "NOT_UNDER_18"
ORPHAN_PARENTS_LOST = "ORPHAN_PARENTS_LOST"
ORPHAN_PARENTS_NOT_LOST = "ORPHAN_PARENTS_NOT_LOST"
ORPHAN_RATE = "ORPHAN_RATE"
ORPHAN_NOT_UNSUPPORTED = "ORPHAN_NOT_UNSUPPORTED"
PARENT_DEAD_OR_MISSING = "PARENT_DEAD_OR_MISSING"
PARENT_UNABLE_TO_SUPPORT = "PARENT_UNABLE_TO_SUPPORT"
PARENT_SITUATION_UNDER_SIX_MONTHS = "PARENT_SITUATION_UNDER_SIX_MONTHS"
PARENT_SITUATION_NOT_BEGUN = "PARENT_SITUATION_NOT_BEGUN"
PARENT_ABLE_TO_SUPPORT = "PARENT_ABLE_TO_SUPPORT"
BOTH_PARENTS_UNABLE = "BOTH_PARENTS_UNABLE"
ONE_PARENT_LOST_OTHER_UNABLE = "ONE_PARENT_LOST_OTHER_UNABLE"
NOT_UNSUPPORTED = "NOT_UNSUPPORTED"
UNSUPPORTED_RATE = "UNSUPPORTED_RATE"
UNSUPPORTED_TOP_UP = "UNSUPPORTED_TOP_UP"
NO_DIFFERENCE_TO_PAY = "NO_DIFFERENCE_TO_PAY"

#: Every reason code this module emits, with the legal basis it rests on.
REASON_CATALOGUE = ReasonCatalogue(
    {
        BASIS_ORPHAN: (UNDER_18, NOT_UNDER_18, ORPHAN_PARENTS_LOST, ORPHAN_PARENTS_NOT_LOST),
        BASIS_ORPHAN_RATE: (ORPHAN_RATE,),
        BASIS_EXCLUSIVE: (ORPHAN_NOT_UNSUPPORTED,),
        BASIS_UNSUPPORTED: (
            PARENT_DEAD_OR_MISSING,
            PARENT_UNABLE_TO_SUPPORT,
            PARENT_SITUATION_UNDER_SIX_MONTHS,
            PARENT_SITUATION_NOT_BEGUN,
            PARENT_ABLE_TO_SUPPORT,
            BOTH_PARENTS_UNABLE,
            ONE_PARENT_LOST_OTHER_UNABLE,
            NOT_UNSUPPORTED,
        ),
        BASIS_UNSUPPORTED_RATE: (UNSUPPORTED_RATE, UNSUPPORTED_TOP_UP, NO_DIFFERENCE_TO_PAY),
    }
)
#: A finding of the children's rules with its code's legal basis.
reason = REASON_CATALOGUE.reason


class Placement(StrEnum):
    INSTITUTIONAL = "institutional"  # 集中养育
    COMMUNITY = "community"  # 社会散居


class ParentSituation(StrEnum):
    DEAD = "dead"
    DECLARED_MISSING = "declared_missing"
    NOT_FOUND = "not_found"  # birth parent cannot be found (查找不到生父母)
    SEVERE_DISABILITY = "severe_disability"
    SERIOUS_ILLNESS = "serious_illness"
    SERVING_SENTENCE = "serving_sentence"
    COMPULSORY_REHABILITATION = "compulsory_rehabilitation"
    OTHER_RESTRICTION = "other_restriction"
    OUT_OF_CONTACT = "out_of_contact"
    GUARDIANSHIP_REVOKED = "guardianship_revoked"
    DEPORTED = "deported"


#: A parent in one of these is lost to the child (orphan test; the "one parent dead or missing" case).
LOST = frozenset({ParentSituation.DEAD, ParentSituation.DECLARED_MISSING, ParentSituation.NOT_FOUND})
#: Situations that count only once they have lasted ``children.min_months`` whole months.
SIX_MONTH_SITUATIONS = frozenset({ParentSituation.OTHER_RESTRICTION, ParentSituation.OUT_OF_CONTACT})
#: A parent in one of these (and, for the six-month ones, long enough) is unable to support the child.
UNABLE = frozenset(ParentSituation) - LOST


@dataclass(frozen=True, slots=True)
class ParentStatus:
    """One situation of one parent and the date it began."""

    situation: ParentSituation
    since: date


@dataclass(frozen=True, slots=True)
class ChildFacts:
    """What the children's rules look at, as in force on ``on``.

    ``current_assistance_share`` is the child's current monthly share of a dibao or tekun benefit.
    """

    child: Member
    on: date
    father: tuple[ParentStatus, ...]
    mother: tuple[ParentStatus, ...]
    placement: Placement
    current_assistance_share: Decimal = ZERO

    def __post_init__(self) -> None:
        share = self.current_assistance_share
        if not isinstance(share, Decimal) or not share.is_finite() or share < 0:
            raise InvalidValue(
                "current_assistance_share must be a non-negative amount",
                field="current_assistance_share",
                rule="money-decimal",
            )


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, monthrange(year, month + 1)[1]))


def whole_months(since: date, on: date) -> int:
    """Whole months from ``since`` to ``on``; 0 when ``on`` is not after ``since``."""
    n = (on.year - since.year) * 12 + on.month - since.month
    if add_months(since, n) > on:
        n -= 1
    return max(n, 0)


def in_force(statuses: tuple[ParentStatus, ...], on: date) -> list[ParentStatus]:
    """The situations begun on or before ``on``."""
    return [s for s in statuses if s.since <= on]


def _situations(statuses: list[ParentStatus]) -> str:
    return ", ".join(f"{s.situation} since {s.since.isoformat()}" for s in statuses) or "no recorded situation"


def age_test(facts: ChildFacts, adult_age: int = STATUTORY_DEFAULTS["person.adult_age"]) -> Finding[bool]:
    """Under ``person.adult_age`` (18) on the assessment date."""
    age = facts.child.age_on(facts.on)
    if age < adult_age:
        return Finding(True, (reason(UNDER_18, f"aged {age}: under {adult_age}"),))
    return Finding(False, (reason(NOT_UNDER_18, f"aged {age}: not under {adult_age}"),))


def lost(statuses: tuple[ParentStatus, ...], on: date) -> bool:
    """The parent is dead, declared missing or not found on ``on``."""
    return any(ParentSituation(s.situation) in LOST for s in in_force(statuses, on))


def parents_lost(facts: ChildFacts) -> Finding[bool]:
    """Both parents dead, declared missing or not found on the assessment date."""
    both = lost(facts.father, facts.on) and lost(facts.mother, facts.on)
    parents_seen = (("father", facts.father), ("mother", facts.mother))
    detail = "; ".join(f"{who}: {_situations(in_force(s, facts.on))}" for who, s in parents_seen)
    if both:
        return Finding(
            True, (reason(ORPHAN_PARENTS_LOST, f"both parents are dead, declared missing or not found ({detail})"),)
        )
    text = f"not both parents are dead, declared missing or not found ({detail})"
    return Finding(False, (reason(ORPHAN_PARENTS_NOT_LOST, text),))


def is_orphan(facts: ChildFacts, adult_age: int = STATUTORY_DEFAULTS["person.adult_age"]) -> tuple[bool, list[Reason]]:
    """An orphan: under 18 and both parents lost, with the two findings that say so."""
    age, parents = age_test(facts, adult_age), parents_lost(facts)
    return age.value and parents.value, [*age.reasons, *parents.reasons]


def inputs(facts: ChildFacts) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; no names and no ID numbers."""
    c = facts.child
    return {
        "on": facts.on.isoformat(),
        "child": {
            "person_id": str(c.person_id),
            "age": c.age_on(facts.on),
            "school_status": str(c.school_status),
        },
        "father": [{"situation": str(s.situation), "since": s.since.isoformat()} for s in facts.father],
        "mother": [{"situation": str(s.situation), "since": s.since.isoformat()} for s in facts.mother],
        "placement": str(facts.placement),
        "current_assistance_share": str(facts.current_assistance_share),
    }


def assess_orphan(facts: ChildFacts, params: ParameterSnapshot) -> Assessment:
    """Run the orphan rules: the child's age and parents; the rate for the child's placement."""
    placement = Placement(facts.placement)
    rate = round_yuan(params.decimal(f"orphan.rate.{placement}"))
    eligible, reasons = is_orphan(facts, params.count("person.adult_age"))
    if eligible:
        reasons.append(reason(ORPHAN_RATE, f"monthly amount: the {placement} orphan rate {rate}"))
    return Assessment(
        program=Program.ORPHAN,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=rate if eligible else ZERO,
        reasons=tuple(reasons),
        figures={"rate": str(rate)},
        inputs=inputs(facts),
        parameters=params.used_values(),
    )
