"""Commands on the facts the elderly programs read: a member's residence registration."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import InvalidValue
from domain.household_elderly_events import ResidenceRecorded
from domain.residence import Residence
from domain.values import Context

if TYPE_CHECKING:
    from domain.household import Household


def record_residence(h: Household, person_id: UUID, residence: Residence, *, ctx: Context) -> None:
    """Record where the member is registered from ``ctx.effective_on``; a registration that ends or
    moves is a new record, never an edit. A change of a registration already recorded states why."""
    h.check_effective(ctx.effective_on)
    h.member(person_id)
    if h.residences.get(person_id) and not (ctx.reason and ctx.reason.strip()):
        raise InvalidValue("a change of registration states its reason", field="reason", rule="reason-required")
    h.record(ResidenceRecorded, ctx, person_id=person_id, residence=residence)
