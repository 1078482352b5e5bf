"""Household members: who they are and the circumstances that decide whether they count."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from typing_extensions import TypedDict  # pydantic reads typing.TypedDict only from Python 3.12

from domain.errors import InvalidValue
from domain.values import IdNumber, age_on


class Relation(StrEnum):
    """Relation to the head of household (户主)."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class DisabilityKind(StrEnum):
    PHYSICAL = "physical"
    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class LabourCapacity(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class SchoolStatus(StrEnum):
    NOT_IN_SCHOOL = "not_in_school"
    FULL_TIME = "full_time"


class Absence(StrEnum):
    """Statuses that take a member out of the household count (docs/rules.md)."""

    PRISON = "prison"
    COMPULSORY_REHABILITATION = "compulsory_rehabilitation"
    DECLARED_MISSING = "declared_missing"


class AdditionCause(StrEnum):
    REGISTRATION = "registration"
    BIRTH = "birth"
    MOVED_IN = "moved_in"
    MARRIAGE = "marriage"
    ADOPTION = "adoption"
    OTHER = "other"


class RemovalCause(StrEnum):
    DEATH = "death"
    MOVED_OUT = "moved_out"
    MARRIED_OUT = "married_out"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Disability:
    """A certified disability (残疾人证): kind and grade 1 (most severe) to 4."""

    kind: DisabilityKind
    grade: int

    def __post_init__(self) -> None:
        if not isinstance(self.grade, int) or isinstance(self.grade, bool) or not 1 <= self.grade <= 4:
            raise InvalidValue("disability grade must be 1 to 4", field="disability.grade", rule="disability-grade")

    @property
    def severe(self) -> bool:
        """Grade 1–2, or grade 3 intellectual/mental (docs/rules.md, 单人保)."""
        return self.grade <= 2 or (
            self.grade == 3 and self.kind in (DisabilityKind.INTELLECTUAL, DisabilityKind.MENTAL)
        )


#: The most members a household may have at once: the one limit, enforced by the aggregate.
MAX_MEMBERS = 50


@dataclass(frozen=True, slots=True)
class Member:
    """One person in the household as the service knows them."""

    person_id: UUID
    name: str
    id_number: IdNumber
    relation: Relation
    disability: Disability | None = None
    labour_capacity: LabourCapacity = LabourCapacity.FULL
    school_status: SchoolStatus = SchoolStatus.NOT_IN_SCHOOL
    seriously_ill: bool = False
    absence: Absence | None = None
    resident: bool = True
    support_duty: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 100:
            raise InvalidValue("name must be 1 to 100 characters", field="name", rule="name-length")

    @property
    def birth_date(self) -> date:
        return self.id_number.birth_date

    def age_on(self, on: date) -> int:
        return age_on(self.birth_date, on)

    def with_changes(self, changes: dict[str, Any]) -> Member:
        """A copy with the given fields replaced (values already typed)."""
        return replace(self, **changes)


#: Fields a member change (PATCH) may touch. Identity fields are corrected by removal and re-adding.
MUTABLE_MEMBER_FIELDS = frozenset(f.name for f in fields(Member) if f.name not in ("person_id", "id_number"))


class MemberChanges(TypedDict, total=False):
    """A member change as ``MemberChanged`` stores it: the fields that changed and their new values.

    Stored as a plain JSON object (the shape since version 1). Annotated on the event, the mapper
    types it on reading (enums from their strings, a disability as a ``Disability``), so ``apply`` can
    hand it to ``Member.with_changes`` as it is."""

    name: str
    relation: Relation
    disability: Disability | None
    labour_capacity: LabourCapacity
    school_status: SchoolStatus
    seriously_ill: bool
    absence: Absence | None
    resident: bool
    support_duty: bool
