"""One member limit (issue #12, point 10): the aggregate refuses a 51st member at registration and
by addition alike; a place freed by a removal may be taken again."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolation
from domain.household import Household
from domain.members import MAX_MEMBERS, AdditionCause, Relation, RemovalCause
from domain.values import AreaType, Context
from tests.support import CASEWORKER, COMMUNITY, member


def household_of(size: int) -> Household:
    people = (member(Relation.HEAD),) + tuple(member(Relation.OTHER) for _ in range(size - 1))
    return Household.register(
        area_type=AreaType.URBAN,
        division_code=COMMUNITY,
        address="某街道1号",
        members=people,
        ctx=Context(date(2024, 1, 10), CASEWORKER),
    )


def test_registration_refuses_more_than_the_limit() -> None:
    """51 members at registration: refused by the aggregate itself (rule members-limit)."""
    with pytest.raises(RuleViolation) as err:
        household_of(MAX_MEMBERS + 1)
    assert err.value.rule == "members-limit"


def test_adding_a_member_beyond_the_limit_is_refused() -> None:
    """A household of 50 may not add a 51st; after a removal one may join again."""
    h = household_of(MAX_MEMBERS)
    with pytest.raises(RuleViolation) as err:
        h.add_member(member(Relation.OTHER), cause=AdditionCause.MOVED_IN, ctx=Context(date(2024, 2, 1), CASEWORKER))
    assert err.value.rule == "members-limit"
    assert len(h.members) == MAX_MEMBERS
    leaving = next(pid for pid, m in h.members.items() if m.relation is Relation.OTHER)
    h.remove_member(leaving, cause=RemovalCause.MOVED_OUT, review_months=3, ctx=Context(date(2024, 2, 2), CASEWORKER))
    h.add_member(member(Relation.OTHER), cause=AdditionCause.MOVED_IN, ctx=Context(date(2024, 2, 3), CASEWORKER))
    assert len(h.members) == MAX_MEMBERS
