"""The rows of the read models (views), as the projection writes them and the reports read them.

The application owns them: it says what the views hold; a view store (``application.views.ports``)
keeps and finds them, and infrastructure implements one for each database. This module imports
nothing but the standard library, and is the one module of the application infrastructure may import
(the import-linter contract in pyproject.toml). Amounts are ``Decimal`` yuan here; how a store keeps
them (fen, integer cents, so that sums in SQL are exact) is its own business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True, slots=True)
class HouseholdQuery:
    """A household search: within ``prefix``, with an enrolment of ``program`` and/or in ``status`` on
    ``on`` when given, among ``household_ids`` when given (an empty list finds nothing), one page."""

    prefix: str
    on: date
    program: str | None = None
    status: str | None = None
    household_ids: Sequence[str] | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    household_id: UUID
    division_code: str
    area_type: str
    head_name: str
    head_id_masked: str
    registered_on: date
    version: int
    account_since: date | None = None  # the earliest day an account is in effect (accounts are never removed)


@dataclass(frozen=True, slots=True)
class MemberRow:
    household_id: UUID
    person_id: UUID
    name: str
    id_masked: str
    relation: str
    current: bool


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    """One enrolment as it stands after its latest step, with the dates the worklist and reports need."""

    enrolment_id: UUID
    household_id: UUID
    program: str
    division_code: str
    area_type: str
    status: str  # after the latest step
    applied_on: date
    reviewed_on: date | None
    notice_ends: date | None
    decided_on: date | None
    benefits_from: date | None
    exit_until: date | None
    next_review_due: date | None
    started_on: date | None  # first day in effect (active)
    started_persons: int | None
    ended_on: date | None  # first day terminated
    exit_reason: str | None
    monthly_amount: Decimal
    beneficiaries_count: int
    deadline_working_days: int | None = None  # an extended decision deadline (None: the parameter's)


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """An enrolment's status over [from_date, to_date); ``to_date`` None means "until further notice"."""

    enrolment_id: UUID
    seq: int
    household_id: UUID
    program: str
    division_code: str
    area_type: str
    from_date: date
    to_date: date | None
    status: str
    monthly_amount: Decimal
    beneficiaries: tuple[UUID, ...]
    reason_code: str | None = None
    arrangement: str | None = None
    care_level: str | None = None
    placement: str | None = None
    parts: tuple[tuple[str, Decimal], ...] = ()  # tekun: basic_living and care_subsidy


@dataclass(frozen=True, slots=True)
class GrantRow:
    """A one-off temporary assistance grant."""

    grant_id: UUID
    household_id: UUID
    division_code: str
    kind: str
    level: str  # district | township
    amount: Decimal
    granted_on: date


@dataclass(frozen=True, slots=True)
class HouseholdViews:
    """Everything the views hold about one household: rewritten whole on each of its events."""

    household: HouseholdRow
    members: list[MemberRow] = field(default_factory=list)
    enrolments: list[EnrolmentRow] = field(default_factory=list)
    periods: list[PeriodRow] = field(default_factory=list)
    grants: list[GrantRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PayableRow:
    """An enrolment payable on a date, with what the payroll needs to issue its payment."""

    enrolment_id: UUID
    household_id: UUID
    program: str
    division_code: str
    area_type: str
    amount: Decimal
    beneficiaries: tuple[UUID, ...]
    parts: tuple[tuple[str, Decimal], ...] = ()
    account_since: date | None = None  # the household's (``HouseholdRow.account_since``): the payroll credits it


@dataclass(frozen=True, slots=True)
class RollRow:
    household_id: UUID
    division_code: str
    area_type: str
    person_id: UUID
    name: str
    id_masked: str
    household_amount: Decimal
    beneficiaries_count: int
    status: str


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One line of a month's bank file."""

    household_id: UUID
    enrolment_id: UUID
    program: str
    division_code: str
    head_name: str
    head_id_masked: str
    amount: Decimal
    beneficiaries_count: int
    basic_living: Decimal | None = None  # tekun's two parts (None for other programs)
    care_subsidy: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Count:
    """A group's count: distinct households, enrolments, persons (sum of beneficiaries) and yuan."""

    key: tuple[str | None, ...]
    households: int
    enrolments: int
    persons: int
    amount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class AccessRecord:
    """One read of a household's personal data: when, by whom (user, role), which household, why, and
    the request that carried it (the access log; served as is by ``GET /api/v1/audit/access-log``)."""

    at: datetime
    user_id: str
    role: str
    household_id: str
    purpose: str
    request_id: str
