"""Handlers of the writes on a household's own facts: registration, members, means, care, parents,
one-off grants.

A handler receives the application, its command and — for a registered household — the household
``Casework.handle`` loaded and checked (jurisdiction, If-Match); it runs the domain command and
returns what the caller gets beside the household. Saving, re-pricing and retries are the pipeline's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import TypeAdapter, ValidationError

from application import elderly
from application.base import CaseworkBase, check_jurisdiction
from application.commands import (
    AddMember,
    AssessCare,
    ChangeMember,
    GrantTemporary,
    RecordCircumstances,
    RecordParents,
    RecordPayeeAccount,
    RegisterHousehold,
    RemoveMember,
)
from domain.errors import InvalidValue
from domain.household import Household
from domain.members import MemberChanges, RemovalCause
from domain.rules.temporary import ApprovalLevel, GrantKind, assess_temporary_grant

#: Types a member change as ``MemberChanged`` stores it (enums from their values, a disability from its fields).
MEMBER_CHANGES: TypeAdapter[MemberChanges] = TypeAdapter(MemberChanges)


def typed_changes(changes: Mapping[str, Any]) -> MemberChanges:
    """The change with its values typed; names a member cannot change are left for the domain to refuse."""
    known = {k: v for k, v in changes.items() if k in MemberChanges.__annotations__}
    try:
        typed = MEMBER_CHANGES.validate_python(known)
    except ValidationError as e:
        error = e.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "changes"
        raise InvalidValue(f"{field}: {error['msg']}", field=field, rule="member-value") from None
    return cast(MemberChanges, {**changes, **typed})


def register_household(app: CaseworkBase, cmd: RegisterHousehold) -> Household:
    """A new household: not loaded but created, so it is saved here rather than by ``_update``."""
    check_jurisdiction(cmd.meta.actor, cmd.division_code)
    household = Household.register(
        area_type=cmd.area_type,
        division_code=cmd.division_code,
        address=cmd.address,
        members=cmd.members,
        ctx=cmd.meta.context,
    )
    app.save(household)
    return household


def add_member(app: CaseworkBase, cmd: AddMember, h: Household, others: list[Aggregate]) -> None:
    h.add_member(cmd.member, cause=cmd.cause, ctx=cmd.meta.context)


def change_member(app: CaseworkBase, cmd: ChangeMember, h: Household, others: list[Aggregate]) -> None:
    h.change_member(cmd.person_id, typed_changes(cmd.changes), ctx=cmd.meta.context)


def remove_member(app: CaseworkBase, cmd: RemoveMember, h: Household, others: list[Aggregate]) -> None:
    params = app.policy().snapshot(h.division_code, cmd.meta.effective_on)
    months = params.count_in_force("household.death_review_months")
    h.remove_member(cmd.person_id, cause=cmd.cause, review_months=months, ctx=cmd.meta.context)
    if RemovalCause(cmd.cause) is RemovalCause.DEATH:
        elderly.end_at_death(app, h, cmd.person_id, cmd.meta.context, others)


def record_circumstances(app: CaseworkBase, cmd: RecordCircumstances, h: Household, others: list[Aggregate]) -> None:
    h.record_circumstances(cmd.circumstances, ctx=cmd.meta.context)


def assess_care(app: CaseworkBase, cmd: AssessCare, h: Household, others: list[Aggregate]) -> None:
    h.assess_care(cmd.person_id, cmd.unable_activities, ctx=cmd.meta.context)


def record_parents(app: CaseworkBase, cmd: RecordParents, h: Household, others: list[Aggregate]) -> None:
    h.record_parents(cmd.person_id, cmd.father, cmd.mother, ctx=cmd.meta.context)


def grant_temporary(app: CaseworkBase, cmd: GrantTemporary, h: Household, others: list[Aggregate]) -> UUID:
    """A one-off grant; at township level it may not exceed the township cap."""
    on = cmd.meta.effective_on
    assessment = assess_temporary_grant(cmd.kind, cmd.level, cmd.amount, on, app.policy().snapshot(h.division_code, on))
    return h.grant_temporary(
        assessment=assessment,
        kind=GrantKind(cmd.kind).value,
        level=ApprovalLevel(cmd.level).value,
        amount=cmd.amount,
        ctx=cmd.meta.context,
    )


def record_payee_account(app: CaseworkBase, cmd: RecordPayeeAccount, h: Household, others: list[Aggregate]) -> None:
    h.record_payee_account(cmd.payee_id, bank=cmd.bank, number=cmd.account_number, ctx=cmd.meta.context)
