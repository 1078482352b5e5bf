"""A household's facts as the rules read them, and those facts as in effect on one date.

``HouseholdFacts`` names what the rules look at — members, declared means, care assessments,
parents' situations — and the queries (plain functions here) that pick what is in effect on a date. The household
aggregate is one (its members are the latest recorded); ``facts_on`` builds another from the
household's fact log with only the facts effective by a date, applied in the order of their
effective dates (two on the same day: the later recorded wins), so what is due for a month never
depends on the order in which the facts were learned.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from domain.circumstances import Circumstances
from domain.disability import Certificates, DisabilityCertificate
from domain.disability import certificate_on as _certificate_on
from domain.errors import NotFound
from domain.members import Member
from domain.residence import Residence
from domain.rules.children import ParentStatus
from domain.values import AreaType

if TYPE_CHECKING:
    from domain.enrolment import Enrolment
    from domain.household import Household

Dated = list[tuple[date, Any]]


def _latest(entries: list[Any], on: date) -> Any:
    """The entry in effect on a date: the latest effective date not after it; a tie goes to the later recorded."""
    found, best = None, None
    for entry in entries:
        if entry[0] <= on and (best is None or entry[0] >= best):
            found, best = entry, entry[0]
    return found


class HouseholdFacts(Protocol):
    """The facts the rules read: who lives there, their means, care and parents — the household
    itself, or ``FactsOn`` (the same facts as in effect on one date). Both name the queries below."""

    @property
    def id(self) -> UUID: ...

    area_type: AreaType
    division_code: str
    registered_on: date
    members: dict[UUID, Member]
    former_members: dict[UUID, Member]
    circumstances: list[tuple[date, Circumstances]]
    care: dict[UUID, list[tuple[date, tuple[str, ...]]]]
    parents: dict[UUID, list[tuple[date, tuple[ParentStatus, ...], tuple[ParentStatus, ...]]]]
    enrolments: dict[UUID, Enrolment]
    residences: dict[UUID, list[tuple[date, Residence]]]

    def residence_on(self, person_id: UUID, on: date) -> Residence | None: ...

    certificates: Certificates

    def certificate_on(self, person_id: UUID, on: date) -> DisabilityCertificate | None: ...
    def care_on(self, person_id: UUID, on: date) -> tuple[str, ...]: ...
    def parents_on(self, person_id: UUID, on: date) -> tuple[tuple[ParentStatus, ...], tuple[ParentStatus, ...]]: ...
    def circumstances_on(self, on: date) -> Circumstances: ...
    def member(self, person_id: UUID) -> Member: ...
    def enrolment(self, enrolment_id: UUID) -> Enrolment: ...


def care_on(h: HouseholdFacts, person_id: UUID, on: date) -> tuple[str, ...]:
    """The daily activities the person could not do at the latest assessment in effect on a date."""
    found = _latest(h.care.get(person_id, []), on)
    return found[1] if found else ()


def residence_on(h: HouseholdFacts, person_id: UUID, on: date) -> Residence | None:
    """The member's residence registration as last recorded with effect by a date (None: none recorded)."""
    found = _latest(h.residences.get(person_id, []), on)
    return found[1] if found else None


def certificate_on(h: HouseholdFacts, person_id: UUID, on: date) -> DisabilityCertificate | None:
    """The person's disability certificate as last recorded with effect by a date (valid or not)."""
    return _certificate_on(h.certificates, person_id, on)


def parents_on(
    h: HouseholdFacts, person_id: UUID, on: date
) -> tuple[tuple[ParentStatus, ...], tuple[ParentStatus, ...]]:
    """The child's parents' situations as last recorded with effect by a date."""
    found = _latest(h.parents.get(person_id, []), on)
    return (found[1], found[2]) if found else ((), ())


def circumstances_on(h: HouseholdFacts, on: date) -> Circumstances:
    """The latest declaration in effect on a date (a later record wins a tie)."""
    found = _latest(h.circumstances, on)
    return found[1] if found else Circumstances()


def member(h: HouseholdFacts, person_id: UUID) -> Member:
    try:
        return h.members[person_id]
    except KeyError:
        raise NotFound(f"no member {person_id} in this household", field="person_id", rule="member-known") from None


def enrolment(h: HouseholdFacts, enrolment_id: UUID) -> Enrolment:
    try:
        return h.enrolments[enrolment_id]
    except KeyError:
        raise NotFound(
            f"no enrolment {enrolment_id} in this household", field="enrolment_id", rule="enrolment-known"
        ) from None


class FactsOn:
    """A household's facts in effect on ``on``, with the household's enrolments (its decisions)."""

    care_on = care_on
    residence_on = residence_on
    parents_on = parents_on
    circumstances_on = circumstances_on
    certificate_on = certificate_on
    member = member
    enrolment = enrolment

    def __init__(self, household: Household, on: date) -> None:
        self.id: UUID = household.id
        self.on = on
        self.area_type = household.area_type
        self.division_code = household.division_code
        self.registered_on = household.registered_on
        self.members: dict[UUID, Member] = {}
        self.former_members: dict[UUID, Member] = {}
        self.circumstances: list[tuple[date, Circumstances]] = []
        self.care: dict[UUID, list[tuple[date, tuple[str, ...]]]] = {}
        self.parents: dict[UUID, list[tuple[date, tuple[ParentStatus, ...], tuple[ParentStatus, ...]]]] = {}
        self.certificates: Certificates = {}
        self.enrolments: dict[UUID, Enrolment] = household.enrolments
        self.residences: dict[UUID, list[tuple[date, Residence]]] = {}
        for effective_on, _, event in household.fact_log:
            if effective_on > on:
                break
            self._apply(event)

    def _apply(self, event: Any) -> None:
        kind = type(event).__name__
        person = getattr(event, "person_id", None)
        if kind == "Registered":
            self.members = {m.person_id: m for m in event.members}
        elif kind == "MemberAdded":
            self.members[event.member.person_id] = event.member
            self.former_members.pop(event.member.person_id, None)
        elif kind == "MemberChanged" and person in self.members:
            self.members[person] = self.members[person].with_changes(dict(event.changes))
        elif kind == "MemberRemoved" and person in self.members:
            self.former_members[person] = self.members.pop(person)
        elif kind == "CareAssessed":
            self.care.setdefault(event.person_id, []).append((event.effective_on, tuple(event.unable_activities)))
        elif kind == "ParentsRecorded":
            self.parents.setdefault(event.person_id, []).append(
                (event.effective_on, tuple(event.father), tuple(event.mother))
            )
        elif kind == "ResidenceRecorded":
            self.residences.setdefault(event.person_id, []).append((event.effective_on, event.residence))
        elif kind == "DisabilityCertified":
            self.certificates.setdefault(event.person_id, []).append((event.effective_on, event.certificate))
        elif kind == "CircumstancesRecorded":
            self.circumstances.append((event.effective_on, event.circumstances))


def facts_on(household: Household, on: date) -> FactsOn:
    """The household's facts in effect on a date, as now known."""
    return FactsOn(household, on)
