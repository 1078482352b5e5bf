"""Bringing a household over from a bureau's existing roll: registered under an id derived from its
place in the source file, with one enrolment recorded as migrated (``EnrolmentMigrated``).

A migration is not a decision this service took: the county decided under its old system, and the
roll is the record of it. So nothing is assessed here; the amount is the roll's until a review re-runs
the rules (``migrated_amount`` below, read by ``domain.entitlement``). Deterministic ids make a second
import of the same row collide with the first instead of adding the household twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.enrolment import Enrolment
from domain.errors import InvalidValue
from domain.household_enrolment_events import EnrolmentMigrated
from domain.members import Member
from domain.values import AreaType, Context, Program

if TYPE_CHECKING:
    from domain.household import Household

NAMESPACE = uuid5(NAMESPACE_URL, "jiuzhu:roll-import")
#: Programs a roll may bring over: whole-household dibao (the personal programs need their terms).
MIGRATABLE = frozenset({Program.DIBAO})


@dataclass(frozen=True, slots=True)
class RollSource:
    """Where a household's rows came from: the file's SHA-256, the sheet, the household's first row."""

    file_hash: str
    sheet: str
    row: int

    def household_id(self) -> UUID:
        """The same file, sheet and row always give the same household id."""
        return uuid5(NAMESPACE, f"{self.file_hash}/{self.sheet}/{self.row}")

    def enrolment_id(self) -> UUID:
        return uuid5(NAMESPACE, f"{self.file_hash}/{self.sheet}/{self.row}/enrolment")

    def decision_id(self) -> UUID:
        return uuid5(NAMESPACE, f"{self.file_hash}/{self.sheet}/{self.row}/migration")


def register_migrated(
    source: RollSource,
    *,
    area_type: AreaType,
    division_code: str,
    address: str,
    members: tuple[Member, ...],
    ctx: Context,
) -> Household:
    """Register the household as ``Household.register`` does, under the id its source row gives."""
    from domain import household as aggregate  # the aggregate names this module's command: import late

    checked = aggregate.Household.register(
        area_type=area_type, division_code=division_code, address=address, members=members, ctx=ctx
    )  # every check registration makes; its events are discarded for the ones under the source's id
    return aggregate.Household._create(
        aggregate.Household.Registered,
        id=source.household_id(),
        **ctx.event_fields(),
        area_type=checked.area_type,
        division_code=checked.division_code,
        address=checked.address,
        members=tuple(members),
    )


def migrate_enrolment(
    h: Household,
    *,
    program: Program,
    monthly_amount: Decimal,
    approved_on: date,
    benefits_from: date,
    next_review_due: date,
    source: RollSource,
    ctx: Context,
) -> UUID:
    """Record the roll's enrolment of every member at its amount, as of ``ctx.effective_on``; returns
    the migration's decision id (what the explanation is asked for)."""
    h.check_effective(ctx.effective_on)
    if Program(program) not in MIGRATABLE:
        raise InvalidValue(f"a roll of {program} cannot be imported yet", field="program", rule="program-migratable")
    if monthly_amount <= 0:
        raise InvalidValue("the roll's amount must be positive", field="monthly_amount", rule="amount-positive")
    if h.enrolments:
        raise InvalidValue("only a newly registered household is migrated", field="household_id", rule="migrate-new")
    decision_id = source.decision_id()
    h.record(
        EnrolmentMigrated,
        ctx,
        enrolment_id=source.enrolment_id(),
        decision_id=decision_id,
        program=Program(program),
        beneficiaries=tuple(h.members),
        monthly_amount=monthly_amount.quantize(Decimal("0.01")),
        approved_on=approved_on,
        benefits_from=benefits_from,
        next_review_due=next_review_due,
        as_of=ctx.effective_on,
        source_file_hash=source.file_hash,
        source_sheet=source.sheet,
        source_row=source.row,
        imported_by=ctx.actor.user_id,
    )
    return decision_id


def migrated_amount(e: Enrolment, month: date) -> Decimal | None:
    """The amount a migrated roll recorded (``EnrolmentMigrated``), while no review since has re-run the
    rules (None otherwise): what the county decided under its old system is what is due until then."""
    migration = next((d for d, name in e.decisions.items() if name == "EnrolmentMigrated"), None)
    if migration is None:
        return None
    reviewed = {d for d, name in e.decisions.items() if name == "ReviewCompleted"}
    if any(s.decision_id in reviewed and s.effective_on <= month for s in e.steps):
        return None
    entry = next((x for x in e.schedule if x.decision_id == migration), None)
    return entry.amount if entry is not None else None
