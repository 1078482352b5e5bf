"""Use cases on a household's own facts: registration, members, means, care, parents, one-off grants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.base import CaseworkBase, check_jurisdiction
from domain.circumstances import Circumstances
from domain.household import Household
from domain.members import AdditionCause, Member, RemovalCause
from domain.rules.children import ParentStatus
from domain.rules.temporary import ApprovalLevel, GrantKind, assess_temporary_grant
from domain.values import Actor, AreaType


class HouseholdCommands(CaseworkBase):
    def register_household(
        self,
        *,
        area_type: AreaType,
        division_code: str,
        address: str,
        members: tuple[Member, ...],
        registered_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(registered_on, "registered_on")
        check_jurisdiction(actor, division_code)
        household = Household.register(
            area_type=area_type,
            division_code=division_code,
            address=address,
            members=members,
            registered_on=registered_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        self.save(household)
        return household

    def add_member(
        self,
        household_id: UUID,
        member: Member,
        *,
        cause: AdditionCause,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.add_member(
                member, cause=cause, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def change_member(
        self,
        household_id: UUID,
        person_id: UUID,
        changes: dict[str, Any],
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.change_member(
                person_id, changes, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def remove_member(
        self,
        household_id: UUID,
        person_id: UUID,
        *,
        cause: RemovalCause,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.remove_member(
                person_id, cause=cause, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def record_circumstances(
        self,
        household_id: UUID,
        circumstances: Circumstances,
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.record_circumstances(
                circumstances, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def assess_care(
        self,
        household_id: UUID,
        person_id: UUID,
        unable_activities: tuple[str, ...],
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.assess_care(
                person_id,
                unable_activities,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            ),
        )[1]

    def record_parents(
        self,
        household_id: UUID,
        person_id: UUID,
        father: tuple[ParentStatus, ...],
        mother: tuple[ParentStatus, ...],
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.record_parents(
                person_id, father, mother, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def grant_temporary(
        self,
        household_id: UUID,
        *,
        kind: GrantKind,
        level: ApprovalLevel,
        amount: Decimal,
        effective_on: date,
        actor: Actor,
        reason: str,
        expected_version: int | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        """A one-off grant; at township level it may not exceed the township cap."""
        self._check_date(effective_on)
        policy = self.policy()

        def command(h: Household, _: list[Any]) -> UUID:
            params = policy.snapshot(h.division_code, effective_on)
            assessment = assess_temporary_grant(kind, level, amount, effective_on, params)
            return h.grant_temporary(
                assessment=assessment,
                kind=GrantKind(kind).value,
                level=ApprovalLevel(level).value,
                amount=amount,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )

        return self._update(household_id, expected_version, actor, command)
