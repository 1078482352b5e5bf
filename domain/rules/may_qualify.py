"""Which programs a household now appears eligible for but is not enrolled in (or at a lower amount).

Every program people apply for (``programs.ENROLLING``) is run on the household's facts in effect on a
date — a household program on all its members, a personal one on each member in turn — with the
application terms the facts themselves tell. A program whose terms the facts do not tell is skipped
(``parse_terms`` refuses empty terms): tekun asks whether a capable supporter exists and how the person
wants to be cared for, which only an application says. A child living in a registered household is
cared for in the community (社会散居), so the children's programs are run with that placement.

A household whose means were never declared is not assessed: its income would read as nothing.
Pure: the facts, the date, the parameters (a fresh snapshot per run, so each outcome records exactly
the values it used).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.assessment import Assessment
from domain.enrolment import FINAL, PAYABLE
from domain.errors import DomainError
from domain.facts import HouseholdFacts
from domain.policy import ParameterSnapshot
from domain.rules.children import Placement
from domain.rules.programs import ENROLLING, PERSONAL, assess, parse_terms, precheck
from domain.values import ZERO, Program

#: The application terms the facts tell, per program (docs/rules.md, "May qualify").
ASSUMED_TERMS: dict[Program, dict[str, Any]] = {
    Program.ORPHAN: {"placement": Placement.COMMUNITY.value},
    Program.UNSUPPORTED_CHILD: {"placement": Placement.COMMUNITY.value},
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A program the household appears eligible for on ``assessment.assessed_on``, for these beneficiaries."""

    program: Program
    beneficiaries: tuple[UUID, ...]
    assessment: Assessment
    enrolled_amount: Decimal | None  # None: not enrolled; else what the enrolment pays now (less)


def terms_told(program: Program) -> dict[str, Any] | None:
    """The terms to assess the program with, or None when only an application can tell them."""
    try:
        return parse_terms(program, dict(ASSUMED_TERMS.get(program, {})))
    except DomainError:
        return None


def assessable_programs() -> list[Program]:
    """Every program applied for whose terms the facts tell, in the enum's order."""
    return [p for p in Program if p in ENROLLING and terms_told(p) is not None]


def _enrolled(h: HouseholdFacts, program: Program, beneficiaries: tuple[UUID, ...], on: date) -> Decimal | None | bool:
    """What the open enrolments of the program covering a beneficiary pay on the date; None if there is none;
    False when one is open but not paying (an application pending, a suspension): leave it to that case."""
    paying = ZERO
    found = False
    for e in h.enrolments.values():
        state = e.status_on(on) or e.status
        if e.program != program or state in FINAL or not set(e.beneficiaries) & set(beneficiaries):
            continue
        if state not in PAYABLE:
            return False
        found, paying = True, paying + e.amount_on(on)
    return paying if found else None


def candidate(
    h: HouseholdFacts,
    program: Program,
    beneficiaries: tuple[UUID, ...],
    terms: dict[str, Any],
    on: date,
    params: ParameterSnapshot,
) -> Candidate | None:
    """The program for these beneficiaries, if they appear eligible and are not enrolled at that amount."""
    enrolled = _enrolled(h, program, beneficiaries, on)
    if enrolled is False:
        return None
    try:
        precheck(h, program, beneficiaries, on, params)
        outcome = assess(h, program, beneficiaries, terms, on, params)
    except DomainError:  # the rules refuse at once (a child's age, an ability to work) or a parameter lacks
        return None
    if not outcome.eligible or outcome.monthly_amount <= 0:
        return None
    held = enrolled if isinstance(enrolled, Decimal) else None
    if held is not None and outcome.monthly_amount <= held:
        return None
    return Candidate(program, beneficiaries, outcome, held)


def candidates(h: HouseholdFacts, on: date, params: Callable[[], ParameterSnapshot]) -> list[Candidate]:
    """Every program the household appears eligible for on ``on`` and is not enrolled in at that amount."""
    if not any(effective <= on for effective, _ in h.circumstances):
        return []
    found = []
    for program in assessable_programs():
        terms = terms_told(program) or {}
        groups = [(pid,) for pid in h.members] if program in PERSONAL else [tuple(h.members)]
        for beneficiaries in groups:
            if beneficiaries and (c := candidate(h, program, beneficiaries, terms, on, params())) is not None:
                found.append(c)
    return found
