"""Commands on a household's own facts: members, means, care, parents, one-off grants.

Plain functions: each checks its rules against the household and records one event (through
``Household.record``, which adds the context's date, actor, reason and request id). ``Household``
names them as its commands, so a caller writes ``household.add_member(member, cause=…, ctx=ctx)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.assessment import Assessment
from domain.circumstances import Circumstances
from domain.errors import InvalidValue, NotFound, RuleViolation
from domain.household_events import (
    CareAssessed,
    CircumstancesRecorded,
    MemberAdded,
    MemberChanged,
    MemberRemoved,
    ParentsRecorded,
    PayeeAccountRecorded,
    TemporaryAssistanceGranted,
)
from domain.members import (
    MAX_MEMBERS,
    MUTABLE_MEMBER_FIELDS,
    AdditionCause,
    Member,
    MemberChanges,
    RemovalCause,
)
from domain.payee import account_number, bank_name
from domain.rules.children import ParentStatus, add_months
from domain.rules.programs import parse_activities
from domain.values import Context

if TYPE_CHECKING:
    from domain.household import Household

NULLABLE_MEMBER_FIELDS = frozenset({"disability", "absence"})


def add_member(h: Household, member: Member, *, cause: AdditionCause, ctx: Context) -> None:
    h.check_effective(ctx.effective_on)
    if len(h.members) >= MAX_MEMBERS:
        raise RuleViolation(f"a household has at most {MAX_MEMBERS} members", field="member", rule="members-limit")
    if any(m.id_number == member.id_number for m in h.members.values()):
        raise RuleViolation(
            "a member with this ID number is already in the household",
            field="member.id_number",
            rule="member-duplicate",
        )
    h.record(MemberAdded, ctx, member=member, cause=AdditionCause(cause))


def change_member(h: Household, person_id: UUID, changes: MemberChanges, *, ctx: Context) -> None:
    h.check_effective(ctx.effective_on)
    member = h.member(person_id)
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
    member.with_changes(dict(changes))  # validates the result before the fact exists
    h.record(MemberChanged, ctx, person_id=person_id, changes=dict(changes))


def remove_member(h: Household, person_id: UUID, *, cause: RemovalCause, review_months: int, ctx: Context) -> None:
    """A person leaves; a death brings every enrolment's next review forward to within ``review_months``
    (the parameter ``household.death_review_months``, docs/rules.md)."""
    h.check_effective(ctx.effective_on)
    h.member(person_id)
    if len(h.members) == 1:
        raise RuleViolation("the last member cannot be removed", field="person_id", rule="last-member")
    cause = RemovalCause(cause)
    review_due_by = add_months(ctx.effective_on, review_months) if cause is RemovalCause.DEATH else None
    h.record(MemberRemoved, ctx, person_id=person_id, cause=cause, review_due_by=review_due_by)


def record_circumstances(h: Household, circumstances: Circumstances, *, ctx: Context) -> None:
    h.check_effective(ctx.effective_on)
    for i, item in enumerate(circumstances.incomes):
        if item.person_id not in h.members:
            raise NotFound(
                f"income names unknown member {item.person_id}", field=f"incomes[{i}].person_id", rule="member-known"
            )
    for i, cost in enumerate(circumstances.costs):
        if cost.person_id not in h.members:
            raise NotFound(
                f"cost names unknown member {cost.person_id}", field=f"costs[{i}].person_id", rule="member-known"
            )
    h.record(CircumstancesRecorded, ctx, circumstances=circumstances)


def assess_care(h: Household, person_id: UUID, unable_activities: tuple[str, ...], *, ctx: Context) -> None:
    h.check_effective(ctx.effective_on)
    h.member(person_id)
    h.record(CareAssessed, ctx, person_id=person_id, unable_activities=parse_activities(unable_activities))


def record_parents(
    h: Household, person_id: UUID, father: tuple[ParentStatus, ...], mother: tuple[ParentStatus, ...], *, ctx: Context
) -> None:
    h.check_effective(ctx.effective_on)
    h.member(person_id)
    for who, statuses in (("father", father), ("mother", mother)):
        for i, st in enumerate(statuses):
            if st.since > ctx.effective_on:
                raise InvalidValue(
                    f"{who}'s situation cannot begin after the record's date",
                    field=f"{who}[{i}].since",
                    rule="situation-since",
                )
    h.record(ParentsRecorded, ctx, person_id=person_id, father=tuple(father), mother=tuple(mother))


def grant_temporary(
    h: Household, *, assessment: Assessment, kind: str, level: str, amount: Decimal, ctx: Context
) -> UUID:
    h.check_effective(ctx.effective_on)
    if not assessment.eligible:
        first = assessment.reasons[0].code if assessment.reasons else "GRANT_REFUSED"
        raise RuleViolation(
            "the grant is refused: " + "; ".join(r.message for r in assessment.reasons),
            field="amount",
            rule=first.lower().replace("_", "-"),
        )
    if not ctx.reason or not ctx.reason.strip():
        raise InvalidValue("a temporary grant states its reason", field="reason", rule="reason-required")
    grant_id = uuid4()
    h.record(
        TemporaryAssistanceGranted,
        ctx,
        grant_id=grant_id,
        decision_id=uuid4(),
        kind=kind,
        level=level,
        amount=amount,
        assessment=assessment,
    )
    return grant_id


def record_payee_account(h: Household, payee_id: UUID, *, bank: str, number: str, ctx: Context) -> None:
    """Payments are credited from ``ctx.effective_on`` to ``number`` at ``bank``, held by the member
    ``payee_id``. Changing an account already recorded states why (a wrong account pays a stranger)."""
    h.check_effective(ctx.effective_on)
    if payee_id not in h.members:
        raise NotFound(f"the payee {payee_id} is not a member of the household", field="payee_id", rule="member-known")
    account = account_number(number)
    bank = bank_name(bank)
    if h.accounts and not (ctx.reason and ctx.reason.strip()):
        raise InvalidValue("a change of account states its reason", field="reason", rule="reason-required")
    h.record(PayeeAccountRecorded, ctx, payee_id=payee_id, bank=bank, account_number=account)
