"""What a rule run concluded, with everything an auditor needs to re-run it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


class ReasonCatalogue(dict[str, str]):
    """Every reason code one program's rules emit, with the legal basis it rests on.

    Declared basis first — ``ReasonCatalogue({BASIS: (CODE, ...), ...})`` — because that is how the
    law groups them; read code first, as a dict, because a finding names its code. ``reason`` is the
    one way a rule makes a finding, so no code can be emitted without its basis."""

    def __init__(self, codes_by_basis: Mapping[str, Iterable[str]]) -> None:
        super().__init__((code, basis) for basis, codes in codes_by_basis.items() for code in codes)

    def reason(self, code: str, message: str) -> Reason:
        """A finding with its code's legal basis (a code not in the catalogue is a KeyError: a bug)."""
        return Reason(code=code, message=message, legal_basis=self[code])


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
