"""A member's residence registration (户籍/居住登记): where the person is registered, from when, until when.

A fact of the member, recorded with the date it takes effect like every fact (``ResidenceRecorded``)
and with the instant it was recorded (the ledger): a later record replaces an earlier one from its
own effective date, and the time travel shows which was known when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidValue
from domain.values import DivisionCode


@dataclass(frozen=True, slots=True)
class Residence:
    """Registered in ``division_code`` from ``registered_from``; ``ended_on`` the first day no longer
    registered there (None: still registered)."""

    division_code: str
    registered_from: date
    ended_on: date | None = None

    def __post_init__(self) -> None:
        DivisionCode(self.division_code)
        if self.ended_on is not None and self.ended_on <= self.registered_from:
            raise InvalidValue(
                "a registration ends after it begins", field="ended_on", rule="residence-ends-after-start"
            )

    def registered_on(self, on: date, jurisdiction: str) -> bool:
        """Registered inside ``jurisdiction`` (a division prefix) on the date."""
        current = self.registered_from <= on and (self.ended_on is None or on < self.ended_on)
        return current and self.division_code.startswith(jurisdiction)
