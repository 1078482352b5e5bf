"""Answering another agency: is this person enrolled, in which programme, since when, for how much.

The lookup behind the DCI endpoints (``api/dci``, docs/dci.md). A person is found by ID number through
the keyed-hash person index (the enrolments that name them as a beneficiary), only in households inside
the asking client's jurisdiction and only for the programmes the client is registered for. What comes
back is what the standard's beneficiary record holds — the programme, the enrolment's state and dates,
the monthly benefit, the person's relation to the head of household — never a name, an address or
another member. Every lookup is written to the read-access log, hits and misses alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from application.casework import Casework
from application.views.rows import AccessRecord
from domain.enrolment import Enrolment, Status
from domain.household import Household
from domain.members import Member, Relation
from domain.person_index import person_index_id
from domain.values import Actor, IdNumber, Program

#: Enrolment states an agency is told about: decided ones. An application still under review is not an
#: enrolment, and a withdrawn or rejected one never was.
DISCLOSED = frozenset({Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT, Status.TERMINATED})
#: The read-access log's household column for a lookup that found nobody.
NO_HOUSEHOLD = "-"


@dataclass(frozen=True, slots=True)
class EnrolmentFound:
    """One enrolment of the person, as an agency may see it."""

    program: Program
    status: Status
    enrolled_on: date | None  # benefits from (the approval's effective month); None before it
    status_changed_on: date  # the latest step's effective date
    monthly_amount: Decimal  # payable on the day asked (zero when not payable)
    relation: Relation  # the person's relation to the head of household


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks and why, as the agency registry records it."""

    actor: Actor
    agency: str
    purpose: str
    programmes: frozenset[Program]


def _person(household: Household, id_number: IdNumber) -> Member | None:
    return next((m for m in household.members.values() if m.id_number == id_number), None)


def _found(enrolment: Enrolment, member: Member, on: date) -> EnrolmentFound | None:
    status = enrolment.status_on(on)
    if status is None or status not in DISCLOSED:
        return None
    if member.person_id not in enrolment.beneficiaries_on(on) and member.person_id not in enrolment.beneficiaries:
        return None
    return EnrolmentFound(
        program=enrolment.program,
        status=status,
        enrolled_on=enrolment.benefits_from,
        status_changed_on=max(s.effective_on for s in enrolment.steps if s.effective_on <= on),
        monthly_amount=enrolment.amount_on(on),
        relation=member.relation,
    )


@dataclass(frozen=True, slots=True)
class Lookup:
    """What one lookup found: the person's pseudonym (their person index id, a keyed hash: what the log
    names), the enrolments the asker may see, and the households they belong to."""

    pseudonym: str
    enrolments: list[EnrolmentFound]
    households: list[str]


def find_enrolments(
    casework: Casework, id_number: IdNumber, asker: Asker, on: date, program: Program | None = None
) -> Lookup:
    """The enrolments of the person the asker may see on ``on``, by programme; ``program`` narrows to one."""
    index_id = person_index_id(id_number, casework.index_key)
    index = casework.person_index(index_id)
    wanted = asker.programmes if program is None else asker.programmes & {program}
    found: list[tuple[UUID, EnrolmentFound]] = []
    for household_id in sorted({c.household_id for c in index.claims.values()}):
        household = casework.get_household(household_id)
        member = _person(household, id_number)
        if member is None or not household.division_code.startswith(asker.actor.jurisdiction):
            continue
        for enrolment in household.enrolments.values():
            item = _found(enrolment, member, on) if enrolment.program in wanted else None
            if item is not None:
                found.append((household_id, item))
    found.sort(key=lambda f: (f[1].program.value, f[1].enrolled_on or on))
    households = sorted({str(h) for h, _ in found})
    return Lookup(str(index_id), [f for _, f in found], households)


def log_lookup(casework: Casework, asker: Asker, operation: str, lookup: Lookup, answered: int, rid: str) -> None:
    """One read-access entry per household the answer spoke of (one with no household for a miss): who
    asked, for which agency and purpose, the person's keyed hash, and how many records were answered."""
    at = casework.clock()
    why = (
        f"DCI {operation} for {asker.agency}: {asker.purpose}; person {lookup.pseudonym}; {answered} record(s) answered"
    )
    actor = asker.actor
    records = [
        AccessRecord(at, actor.user_id, actor.role.value, hid, why, rid)
        for hid in (lookup.households or [NO_HOUSEHOLD])
    ]
    casework.ledger.log_accesses(records)
