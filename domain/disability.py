"""A member's disability certificate (残疾人证) as the service keeps it: a dated fact per person.

A certificate names the category and grade of the disability, its number (personal data: shown
masked, like an ID number), the day it was issued and the day it is valid until. A grade change or a
renewal is a new certificate recorded as a new fact; the latest in effect on a date is the one the
rules read (``certificate_on``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.errors import InvalidValue
from domain.members import DisabilityKind

_NUMBER = re.compile(r"[0-9A-Z]{6,30}")

#: The longest validity a certificate may state (a 长期 certificate is recorded as valid this long).
MAX_VALID_YEARS = 100
#: (effective date, certificate) per person, in recorded order.
Certificates = dict[UUID, list[tuple[date, "DisabilityCertificate"]]]


@dataclass(frozen=True, slots=True)
class DisabilityCertificate:
    """A certificate: category, grade 1 (most severe) to 4, number, issued on, valid until (inclusive)."""

    category: DisabilityKind
    grade: int
    number: str
    issued_on: date
    valid_until: date

    def __post_init__(self) -> None:
        if not isinstance(self.grade, int) or isinstance(self.grade, bool) or not 1 <= self.grade <= 4:
            raise InvalidValue("certificate grade must be 1 to 4", field="grade", rule="disability-grade")
        number = self.number.upper() if isinstance(self.number, str) else self.number
        if not isinstance(number, str) or not _NUMBER.fullmatch(number):
            raise InvalidValue(
                "certificate number must be 6 to 30 digits or capital letters",
                field="certificate_number",
                rule="certificate-number-format",
            )
        object.__setattr__(self, "number", number)
        if self.valid_until < self.issued_on or self.valid_until.year > self.issued_on.year + MAX_VALID_YEARS:
            raise InvalidValue(
                f"a certificate is valid until a day on or after its issue, within {MAX_VALID_YEARS} years",
                field="valid_until",
                rule="certificate-validity",
            )

    def valid_on(self, on: date) -> bool:
        return self.issued_on <= on <= self.valid_until

    def masked(self) -> str:
        """The first 6 and the last 4 characters, the rest starred (like an ID number)."""
        return mask_certificate(self.number)

    def shown(self) -> dict[str, Any]:
        """The certificate as a response or a history shows it: the number masked."""
        return {
            "category": str(self.category),
            "grade": self.grade,
            "number_masked": self.masked(),
            "issued_on": self.issued_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
        }

    def __repr__(self) -> str:  # never print a whole certificate number into logs
        return f"DisabilityCertificate({self.category}, grade {self.grade}, {self.masked()})"


def mask_certificate(number: str) -> str:
    return number[:6] + "*" * max(len(number) - 10, 4) + number[-4:]


def certificate_on(certificates: Certificates, person_id: UUID, on: date) -> DisabilityCertificate | None:
    """The person's latest certificate recorded with effect by a date (a later record wins a tie)."""
    found: tuple[date, DisabilityCertificate] | None = None
    for entry in certificates.get(person_id, []):
        if entry[0] <= on and (found is None or entry[0] >= found[0]):
            found = entry
    return found[1] if found else None


def certificate_dates(certificates: Certificates) -> set[date]:
    """The days a certificate starts or stops being valid: the rules may answer differently from them."""
    days: set[date] = set()
    for entries in certificates.values():
        for _, c in entries:
            days.update({c.issued_on, c.valid_until + timedelta(days=1)})
    return days
