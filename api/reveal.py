"""Whole ID numbers on request: ``?reveal=id_number`` for the roles that need them, with a stated purpose.

Responses show ID numbers masked (first 6 and last 4). A caseworker or approver who must see a
whole number (to check it against a card, to fill a bank form) asks for it; the read-access log
records that the number was revealed and why. Auditors see masked numbers; analysts and admins do
not read households at all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from api.permissions import REVEAL_ID_NUMBER
from api.problems import Problem
from api.views import HouseholdOut
from domain.household import Household
from domain.values import Actor

NOT_STATED = "not stated"
RevealQuery = Annotated[
    Literal["id_number"] | None,
    Query(description="id_number: include whole ID numbers (caseworker, approver; needs X-Purpose; logged)"),
]


def reveal_purpose(actor: Actor, reveal: str | None, purpose: str) -> str:
    """The purpose to log for this read; refuses a reveal by a role that may not, or without a purpose."""
    if reveal is None:
        return purpose
    if actor.role not in REVEAL_ID_NUMBER:
        raise Problem(
            403,
            "forbidden-role",
            "Forbidden",
            f"role {actor.role} sees ID numbers masked only",
            field="reveal",
            rule="reveal-permitted",
        )
    if purpose == NOT_STATED:
        raise Problem(
            422,
            "purpose-required",
            "Purpose required",
            "revealing ID numbers needs the purpose in the X-Purpose header",
            field="X-Purpose",
            rule="purpose-required",
        )
    return f"reveal id_number: {purpose}"


def with_id_numbers(out: HouseholdOut, household: Household, reveal: str | None) -> HouseholdOut:
    """The response with whole ID numbers filled in when they were asked for (and permitted)."""
    if reveal == "id_number":
        for m in out.members:
            m.id_number = household.members[m.person_id].id_number.value
    return out
