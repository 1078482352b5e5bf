"""A member's residence registration as an event of the household (the elderly allowance reads it).

Kept apart from the household's other facts to keep modules small; ``Household`` names the event, so
its stored topic is ``domain.household:Household.ResidenceRecorded`` like every household event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.household_events import Event
from domain.residence import Residence

if TYPE_CHECKING:
    from domain.household import Household


class ResidenceRecorded(Event):
    """A member's residence registration (户籍/居住登记) as known from ``effective_on``: the division,
    the date registered there, and the date it ended, if it has."""

    person_id: UUID
    residence: Residence

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.residences.setdefault(self.person_id, []).append((self.effective_on, self.residence))
