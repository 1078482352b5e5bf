"""Commands on a household's own facts: members, means, care, parents, one-off grants.

A mixin of ``Household`` (kept apart to keep modules small); the events are declared on the aggregate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.assessment import Assessment
from domain.circumstances import Circumstances
from domain.errors import InvalidValue, NotFound, RuleViolation
from domain.members import (
    MAX_MEMBERS,
    MUTABLE_MEMBER_FIELDS,
    AdditionCause,
    Member,
    RemovalCause,
    coerce_member_changes,
)
from domain.rules.children import ParentStatus, add_months
from domain.rules.programs import parse_activities
from domain.values import Actor

if TYPE_CHECKING:
    from domain.household import Household

NULLABLE_MEMBER_FIELDS = frozenset({"disability", "absence"})
DEATH_REVIEW_MONTHS = 3  # docs/rules.md: a death in the household requires a review within 3 months


class FactCommands:
    def add_member(
        self: Household,
        member: Member,
        *,
        cause: AdditionCause,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        if len(self.members) >= MAX_MEMBERS:
            raise RuleViolation(f"a household has at most {MAX_MEMBERS} members", field="member", rule="members-limit")
        if any(m.id_number == member.id_number for m in self.members.values()):
            raise RuleViolation(
                "a member with this ID number is already in the household",
                field="member.id_number",
                rule="member-duplicate",
            )
        self.trigger_event(
            self.MemberAdded,
            member=member,
            cause=AdditionCause(cause),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def change_member(
        self: Household,
        person_id: UUID,
        changes: dict[str, Any],
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        member = self.member(person_id)
        unknown = set(changes) - MUTABLE_MEMBER_FIELDS
        if unknown:
            raise InvalidValue(
                f"these member fields cannot be changed: {sorted(unknown)}",
                field=sorted(unknown)[0],
                rule="member-field-mutable",
            )
        if not changes:
            raise InvalidValue("a member change names at least one field", field="changes", rule="changes-required")
        for key, value in changes.items():
            if value is None and key not in NULLABLE_MEMBER_FIELDS:
                raise InvalidValue(f"{key} cannot be cleared", field=key, rule="not-null")
        member.with_changes(coerce_member_changes(changes))  # validates the result before the fact exists
        self.trigger_event(
            self.MemberChanged,
            person_id=person_id,
            changes=dict(changes),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def remove_member(
        self: Household,
        person_id: UUID,
        *,
        cause: RemovalCause,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        self.member(person_id)
        if len(self.members) == 1:
            raise RuleViolation("the last member cannot be removed", field="person_id", rule="last-member")
        cause = RemovalCause(cause)
        self.trigger_event(
            self.MemberRemoved,
            person_id=person_id,
            cause=cause,
            review_due_by=add_months(effective_on, DEATH_REVIEW_MONTHS) if cause is RemovalCause.DEATH else None,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def record_circumstances(
        self: Household,
        circumstances: Circumstances,
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        for i, item in enumerate(circumstances.incomes):
            if item.person_id not in self.members:
                raise NotFound(
                    f"income names unknown member {item.person_id}",
                    field=f"incomes[{i}].person_id",
                    rule="member-known",
                )
        for i, cost in enumerate(circumstances.costs):
            if cost.person_id not in self.members:
                raise NotFound(
                    f"cost names unknown member {cost.person_id}", field=f"costs[{i}].person_id", rule="member-known"
                )
        self.trigger_event(
            self.CircumstancesRecorded,
            circumstances=circumstances,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def assess_care(
        self: Household,
        person_id: UUID,
        unable_activities: tuple[str, ...],
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        self.member(person_id)
        self.trigger_event(
            self.CareAssessed,
            person_id=person_id,
            unable_activities=parse_activities(unable_activities),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def record_parents(
        self: Household,
        person_id: UUID,
        father: tuple[ParentStatus, ...],
        mother: tuple[ParentStatus, ...],
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        self.member(person_id)
        for who, statuses in (("father", father), ("mother", mother)):
            for i, st in enumerate(statuses):
                if st.since > effective_on:
                    raise InvalidValue(
                        f"{who}'s situation cannot begin after the record's date",
                        field=f"{who}[{i}].since",
                        rule="situation-since",
                    )
        self.trigger_event(
            self.ParentsRecorded,
            person_id=person_id,
            father=tuple(father),
            mother=tuple(mother),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def grant_temporary(
        self: Household,
        *,
        assessment: Assessment,
        kind: str,
        level: str,
        amount: Decimal,
        effective_on: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> UUID:
        self._check_effective(effective_on)
        if not assessment.eligible:
            first = assessment.reasons[0].code if assessment.reasons else "GRANT_REFUSED"
            raise RuleViolation(
                "the grant is refused: " + "; ".join(r.message for r in assessment.reasons),
                field="amount",
                rule=first.lower().replace("_", "-"),
            )
        if not reason or not reason.strip():
            raise InvalidValue("a temporary grant states its reason", field="reason", rule="reason-required")
        grant_id = uuid4()
        self.trigger_event(
            self.TemporaryAssistanceGranted,
            grant_id=grant_id,
            decision_id=uuid4(),
            kind=kind,
            level=level,
            amount=amount,
            assessment=assessment,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return grant_id
