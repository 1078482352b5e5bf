"""Claims in the person index: applying claims each beneficiary in their person index (saved in the
same transaction as the household), so the exclusions across programs and households hold even when
two caseworkers race; ending an enrolment releases the claims."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.base import CaseworkBase
from domain.enrolment import FINAL
from domain.errors import RuleViolation
from domain.household import Household
from domain.person_index import PersonIndex, person_index_id
from domain.values import Context


def person_index(app: CaseworkBase, index_id: UUID) -> PersonIndex:
    """The person's index, or a new one (not saved) for a person never named in an application."""
    try:
        index: object = app.repository.get(index_id)
    except AggregateNotFoundError:
        return PersonIndex.create(index_id)
    assert isinstance(index, PersonIndex)
    return index


def _claim_open(app: CaseworkBase, h: Household, household_id: UUID, enrolment_id: UUID, on: date) -> bool:
    other = h if household_id == h.id else app.get_household(household_id)
    e = other.enrolments.get(enrolment_id)
    return e is not None and (e.status_on(on) or e.status) not in FINAL


def claim(app: CaseworkBase, h: Household, enrolment_id: UUID, ctx: Context, others: list[Aggregate]) -> None:
    """Claim each beneficiary for the enrolment; refuse one an open enrolment of an excluded program holds."""
    e = h.enrolment(enrolment_id)
    for i, pid in enumerate(e.beneficiaries):
        index = person_index(app, person_index_id(h.members[pid].id_number, app.index_key))
        for c in index.conflicting(e.program):
            if _claim_open(app, h, c.household_id, c.enrolment_id, ctx.effective_on):
                where = "this household" if c.household_id == h.id else "another household"
                raise RuleViolation(
                    f"beneficiary {i + 1} is already enrolled in {c.program} in {where}",
                    field=f"beneficiaries[{i}]",
                    rule=f"exclusion-{e.program}-{c.program}",
                )
            index.release(c.enrolment_id, ctx=ctx)  # a stale claim
        index.claim(e.program, h.id, enrolment_id, ctx=ctx)
        others.append(index)


def close_by_rule(
    app: CaseworkBase,
    h: Household,
    enrolment_id: UUID,
    reason: tuple[str, str],
    on: date,
    ctx: Context,
    others: list[Aggregate],
) -> UUID:
    """End an enrolment by a rule, not a decision (the household left dibao, the person died), from ``on``
    for ``reason`` (its code and text), and release its claims; the closing decision's id."""
    code, text = reason
    closed = h.close_by_calendar(
        enrolment_id, reason_code=code, reason=text, effective_on=on, actor=ctx.actor, request_id=ctx.request_id
    )
    release(app, h, enrolment_id, Context(on, ctx.actor, text, ctx.request_id), others)
    return closed


def release(app: CaseworkBase, h: Household, enrolment_id: UUID, ctx: Context, others: list[Aggregate]) -> None:
    """Release the claims of an enrolment that ended (withdrawn, rejected, terminated), on the person index
    already in ``others`` when an earlier release in the same write loaded it (two copies of one index in
    a save would collide)."""
    people = {**h.former_members, **h.members}
    for pid in h.enrolment(enrolment_id).beneficiaries:
        if pid not in people:
            continue
        index_id = person_index_id(people[pid].id_number, app.index_key)
        index = next((o for o in others if isinstance(o, PersonIndex) and o.id == index_id), None)
        if index is not None:
            index.release(enrolment_id, ctx=ctx)
            continue
        index = person_index(app, index_id)
        index.release(enrolment_id, ctx=ctx)
        if index.pending_events:
            others.append(index)
