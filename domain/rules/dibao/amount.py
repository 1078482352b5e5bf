"""Whom the application covers and the gap amount (《社会救助暂行办法》第十二条)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.assessment import Finding
from domain.rules.dibao.codes import BENEFICIARY_NOT_COUNTED, BENEFIT_AMOUNT, NO_BENEFICIARIES, reason, yuan
from domain.rules.dibao.facts import DibaoFacts, DibaoParameters
from domain.values import round_yuan


class Coverage(StrEnum):
    """What the named beneficiaries make of the application."""

    REFUSED = "refused"  # nobody named, or someone not counted
    HOUSEHOLD = "household"  # exactly the counted members
    INDIVIDUAL = "individual"  # some counted members only: 单人保


def coverage(facts: DibaoFacts, counted_ids: frozenset[UUID]) -> Finding[Coverage]:
    """Whether the beneficiaries are the whole household, some of its counted members, or refused."""
    beneficiaries = frozenset(facts.beneficiaries)
    if not beneficiaries:
        return Finding(Coverage.REFUSED, (reason(NO_BENEFICIARIES, "the application names no beneficiary"),))
    strangers = [b for b in dict.fromkeys(facts.beneficiaries) if b not in counted_ids]
    if strangers:
        return Finding(
            Coverage.REFUSED,
            tuple(
                reason(BENEFICIARY_NOT_COUNTED, f"beneficiary {b} is not a counted member of the household")
                for b in strangers
            ),
        )
    return Finding(Coverage.HOUSEHOLD if beneficiaries == counted_ids else Coverage.INDIVIDUAL)


def gap_amount(p: DibaoParameters, per_capita: Decimal, counted_members: int) -> Finding[Decimal]:
    """(standard − per-capita income) × counted members, the per-capita income used exactly and the
    amount rounded half up to the fen once."""
    amount = round_yuan((p.standard - per_capita) * counted_members)
    text = f"monthly amount ({yuan(p.standard)} - {yuan(per_capita)}) x {counted_members} = {amount}"
    return Finding(amount, (reason(BENEFIT_AMOUNT, text),))
