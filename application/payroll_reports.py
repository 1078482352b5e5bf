"""What the payroll answers: the report of one run, and a month's sheet (the bank file's lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from application.views.rows import Count, SheetRow
from domain.payroll import CorrectionLine

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class WithoutAccount:
    """An enrolment payable this month whose household has no valid account on the month's first day:
    the run leaves it unpaid and lists it; a later run pays it once the account is recorded."""

    household_id: UUID
    enrolment_id: UUID
    program: str
    division_code: str


@dataclass
class RunReport:
    """What one payroll run found and did, within the caller's jurisdiction."""

    month: date
    run_id: UUID
    payable: int = 0
    issued: int = 0
    issued_amount: Decimal = ZERO
    already_paid: int = 0
    batches: int = 0
    conflicts: int = 0
    counties: list[str] = field(default_factory=list)
    corrections: int = 0  # correction lines carried by this run
    without_account: list[WithoutAccount] = field(default_factory=list)  # payable, left unpaid: no account


@dataclass
class MonthSheet:
    """A month's payments in a jurisdiction: the bank file's lines and the totals by program."""

    month: date
    rows: list[SheetRow]
    by_program: list[Count]
    corrections: list[CorrectionLine] = field(default_factory=list)  # arrears (+) and recoveries (−)

    @property
    def payments(self) -> int:
        return len(self.rows)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    @property
    def persons(self) -> int:
        return sum(r.beneficiaries_count for r in self.rows)
