"""The household's own facts as events: registration, members, means, care, parents, one-off grants.

Each event is a past-tense fact an auditor may read in ten years; ``apply`` only assigns state. The
classes live here to keep modules small, and ``Household`` names each of them: the stored topic stays
``domain.household:Household.<Name>`` (``Event.__init_subclass__`` sets it), so every event stored
before these classes moved here still loads, and new ones are stored exactly as before.

Enum-typed event fields come back from storage as plain strings (a ``StrEnum`` is JSON-native), so
every ``apply`` converts them explicitly.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.assessment import Assessment
from domain.circumstances import Circumstances
from domain.members import AdditionCause, Member, MemberChanges, RemovalCause
from domain.payee import PayeeAccount, mask_account
from domain.rules.children import ParentStatus
from domain.values import Actor, AreaType

if TYPE_CHECKING:
    from domain.household import Household

TOPIC_PREFIX = "domain.household:Household."

S = TypeVar("S")


class Event(Aggregate.Event):
    """What every household event carries: when it takes effect, who, why, and the request."""

    TOPIC: ClassVar[str] = TOPIC_PREFIX + "Event"

    effective_on: date
    actor: Actor
    reason: str | None
    request_id: str | None

    def shown(self, name: str, value: Any) -> Any:
        """A field's value as a history or a log may show it (an event with a secret masks it)."""
        return value

    def state(self, kind: type[S], **more: Any) -> S:
        """A piece of the household's state (a dataclass) from this event's fields of the same names,
        and ``more`` for the rest (who recorded it, from when); fields the event lacks keep their defaults."""
        names = {f.name for f in fields(kind) if f.name not in more and hasattr(self, f.name)}  # type: ignore[arg-type]
        return kind(**{name: getattr(self, name) for name in names}, **more)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every household event keeps the name and stored topic it had when declared inside
        ``Household`` (``Household.MemberAdded``, ``domain.household:Household.MemberAdded``): logs,
        metrics and stored events read the same as before the classes moved here."""
        super().__init_subclass__(**kwargs)
        cls.__qualname__ = "Household." + cls.__name__
        cls.TOPIC = TOPIC_PREFIX + cls.__name__


@dataclass(frozen=True, slots=True)
class Grant:
    """A temporary assistance grant as the household's state keeps it."""

    grant_id: UUID
    decision_id: UUID
    kind: str
    level: str
    amount: Decimal
    granted_on: date
    granted_by: str


class Registered(Event, Aggregate.Created):
    """The household was registered with its area type, division, address and members."""

    area_type: AreaType
    division_code: str
    address: str
    members: tuple[Member, ...]

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.area_type = self.area_type
        aggregate.division_code = self.division_code
        aggregate.address = self.address
        aggregate.registered_on = self.effective_on
        for m in self.members:
            aggregate.members[m.person_id] = m


class MemberAdded(Event):
    """A person joined the household (birth, moving in, marriage, adoption…)."""

    member: Member
    cause: AdditionCause

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.members[self.member.person_id] = self.member


class MemberChanged(Event):
    """Some of a member's circumstances changed (disability, school, absence…)."""

    person_id: UUID
    changes: MemberChanges

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        member = aggregate.members[self.person_id]
        aggregate.members[self.person_id] = member.with_changes(dict(self.changes))


class MemberRemoved(Event):
    """A person left the household (death, moving out, marriage…)."""

    person_id: UUID
    cause: RemovalCause
    review_due_by: date | None

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 (before deaths brought reviews forward) had no ``review_due_by``."""
        state["review_due_by"] = None

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.former_members[self.person_id] = aggregate.members.pop(self.person_id)
        if self.review_due_by is not None:  # a death in the household brings the next review forward
            for e in aggregate.enrolments.values():
                if e.next_review_due is not None and e.next_review_due > self.review_due_by:
                    e.next_review_due = self.review_due_by


class CareAssessed(Event):
    """A person's ability to care for themselves was assessed: the daily activities they cannot do."""

    person_id: UUID
    unable_activities: tuple[str, ...]

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.care.setdefault(self.person_id, []).append((self.effective_on, self.unable_activities))


class ParentsRecorded(Event):
    """A child's parents' situations (death, sentence, missing…), each with the date it began."""

    person_id: UUID
    father: tuple[ParentStatus, ...]
    mother: tuple[ParentStatus, ...]

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.parents.setdefault(self.person_id, []).append((self.effective_on, self.father, self.mother))


class TemporaryAssistanceGranted(Event):
    """A one-off temporary assistance grant was approved at district or township level."""

    grant_id: UUID
    decision_id: UUID
    kind: str
    level: str
    amount: Decimal
    assessment: Assessment

    def apply(self, aggregate: Household) -> None:
        aggregate.grants[self.grant_id] = self.state(Grant, granted_on=self.effective_on, granted_by=self.actor.user_id)


class CircumstancesRecorded(Event):
    """A complete declaration of income, assets and deductible costs, from ``effective_on``."""

    circumstances: Circumstances

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.circumstances.append((self.effective_on, self.circumstances))


class PayeeAccountRecorded(Event):
    """The household's payments are credited from ``effective_on`` to this account, held by this member."""

    payee_id: UUID
    bank: str
    account_number: str

    def shown(self, name: str, value: Any) -> Any:
        return mask_account(value) if name == "account_number" else value

    def apply(self, aggregate: Household) -> None:
        account = PayeeAccount(payee_id=self.payee_id, bank=self.bank, account_number=self.account_number)
        insort(aggregate.accounts, (self.effective_on, len(aggregate.accounts), account), key=lambda x: (x[0], x[1]))
