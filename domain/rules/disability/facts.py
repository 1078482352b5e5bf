"""What the disability rules read: the member's certificate in force and the household's standing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.disability import DisabilityCertificate


class HouseholdKind(StrEnum):
    """The households whose certificate holders the living subsidy reaches (``disability_living.household_kinds``)."""

    DIBAO = "dibao"  # a dibao enrolment of the household is being paid
    MARGIN = "margin"  # 低保边缘: per-capita income within the margin limit, where the parameter names it


@dataclass(frozen=True, slots=True)
class DisabilityFacts:
    """One member on one date: the certificate last recorded (None: never), whether a dibao
    enrolment of the household is payable that day, and whether its per-capita income lies within
    the dibao margin limit (None: not asked, the parameter does not reach margin households)."""

    person_id: UUID
    on: date
    certificate: DisabilityCertificate | None
    in_dibao: bool
    in_margin: bool | None = None
