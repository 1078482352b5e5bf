"""What a rule run concluded, with everything an auditor needs to re-run it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from domain.policy import ParameterValue
from domain.values import Program


@dataclass(frozen=True, slots=True)
class Reason:
    """One finding of a rule: a stable code, a readable message, the legal basis."""

    code: str
    message: str
    legal_basis: str


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Finding(Generic[T]):
    """One quantity a formula computed (a count, an amount, a test's outcome) with the reasons that say
    how, each with its legal basis: the rules compose findings into an ``Assessment``."""

    value: T
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of running a program's rules on the facts in force on ``assessed_on``.

    ``inputs`` is a plain-JSON record of the facts the rules saw; ``figures`` the intermediate
    amounts (per-capita income, standard …); ``parameters`` the exact values used.
    """

    program: Program
    assessed_on: date
    eligible: bool
    monthly_amount: Decimal
    reasons: tuple[Reason, ...]
    figures: dict[str, Any]
    inputs: dict[str, Any]
    parameters: tuple[ParameterValue, ...]
    individual: bool = False

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)
