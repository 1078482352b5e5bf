"""The handler of ``ImportRollBatch``: households of a bureau's roll registered, enrolled as migrated,
their payee accounts recorded, claimed in the person index and priced, the whole batch saved in one transaction.

A household whose source row was recorded before (its id derives from file hash, sheet and row) is
left alone, so the command itself is idempotent whatever its caller checked.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from application import claims, enrolments
from application.base import CaseworkBase, check_jurisdiction
from application.commands import ImportRollBatch, MigratedHousehold
from domain.entitlement import month_of
from domain.household import Household
from domain.household_migration import register_migrated
from domain.policy import ParameterSnapshot
from domain.values import Context, Program, first_of_next_month

MAX_REVIEW_CYCLES = 200


def recorded(app: CaseworkBase, household_id: UUID) -> bool:
    """Whether the store holds the household (one indexed read, nothing decrypted)."""
    return bool(app.recorder.select_events(household_id, limit=1))


def import_roll_batch(app: CaseworkBase, cmd: ImportRollBatch) -> tuple[UUID, ...]:
    """Register each household and its migrated enrolment, claim its people, price it, and save the
    whole batch in one transaction; a household recorded before is left alone."""
    batch: list[Aggregate] = []
    ids: list[UUID] = []
    for m in cmd.households:
        check_jurisdiction(cmd.meta.actor, m.division_code)
        if recorded(app, m.source.household_id()):
            continue
        h, others = _migrate(app, cmd, m)
        batch += [h, *others]
        ids.append(h.id)
    if batch:
        app.save(*batch)
    return tuple(ids)


def _migrate(app: CaseworkBase, cmd: ImportRollBatch, m: MigratedHousehold) -> tuple[Household, list[Aggregate]]:
    as_of, src = cmd.meta.effective_on, m.source
    ctx = Context(as_of, cmd.meta.actor, f"{cmd.meta.reason or 'imported from a roll'}, row {src.row}", None)
    h = register_migrated(
        src, area_type=m.area_type, division_code=m.division_code, address=m.address, members=m.members, ctx=ctx
    )
    params = app.pricing_params(m.division_code, as_of)
    h.migrate_enrolment(
        program=cmd.program,
        monthly_amount=m.monthly_amount,
        approved_on=m.approved_on,
        benefits_from=month_of(as_of),
        next_review_due=_next_review(h, cmd.program, m.approved_on, as_of, params),
        source=src,
        ctx=ctx,
    )
    if m.account is not None:  # the roll's bank columns: credited from the as-of date
        a = m.account
        h.record_payee_account(a.payee_id, bank=a.bank, number=a.account_number, ctx=ctx)
    others: list[Aggregate] = []
    claims.claim(app, h, src.enrolment_id(), ctx, others)
    app.reconcile(h, cmd.meta.actor)
    return h, others


def _next_review(h: Household, program: Program, approved_on: date, as_of: date, params: ParameterSnapshot) -> date:
    """The usual rule, counted from the approval: the first periodic review due on or after the as-of date."""
    due = enrolments.next_review(h, program, tuple(h.members), first_of_next_month(approved_on), params)
    for _ in range(MAX_REVIEW_CYCLES):
        if due >= as_of:
            break
        due = enrolments.next_review(h, program, tuple(h.members), due, params)
    return due
