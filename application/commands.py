"""Commands: every write a caller may ask for, as data.

A command names the operation and carries its own fields and one ``Meta``: who asks, the date it
takes effect, why, the request that carried it, and the household version the caller last saw
(``If-Match``). ``Casework.handle`` runs each through one pipeline (``application.casework``);
``api.deps.WriteDep`` builds the ``Meta`` of an HTTP write. Commands are frozen: a handler may
not change what was asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, dataclass_transform
from uuid import UUID

from application.payroll_reports import RunReport
from domain.circumstances import Circumstances
from domain.disability import DisabilityCertificate
from domain.enrolment import TownshipOpinion
from domain.household_migration import RollSource
from domain.members import AdditionCause, Member, RemovalCause
from domain.payee import PayeeAccount
from domain.residence import Residence
from domain.rules.children import ParentStatus
from domain.rules.temporary import ApprovalLevel, GrantKind
from domain.values import Actor, AreaType, Context, Program

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Meta:
    """What every write carries besides its own fields."""

    actor: Actor
    effective_on: date
    reason: str | None = None
    request_id: str | None = None
    expected_version: int | None = None  # If-Match: the household's version the caller last saw

    @property
    def context(self) -> Context:
        """The part every event records: date, actor, reason, request id."""
        return Context(self.effective_on, self.actor, self.reason, self.request_id)


@dataclass_transform(frozen_default=True, kw_only_default=True)
@dataclass(frozen=True, kw_only=True)
class Command(Generic[T]):
    """A write; ``T`` is what handling it returns beside the household (an id, a date, or None).

    Every subclass is made a frozen, keyword-only dataclass as it is declared, so a command is
    declared by its fields alone."""

    meta: Meta
    #: the field a refused ``meta.effective_on`` is reported as; None: the date is not checked
    date_field: ClassVar[str | None] = "effective_on"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True, kw_only=True)(cls)


class HouseholdCommand(Command[T]):
    """A write on one registered household: loaded, checked, changed and saved by ``Casework.handle``."""

    household_id: UUID


class EnrolmentCommand(HouseholdCommand[T]):
    """A write on one of the household's enrolments."""

    enrolment_id: UUID


# ------------------------------------------------------------------ the household's own facts


class RegisterHousehold(Command[UUID]):
    """Register a household from ``meta.effective_on`` (its registration date)."""

    area_type: AreaType
    division_code: str
    address: str
    members: tuple[Member, ...]
    date_field: ClassVar[str | None] = "registered_on"


class AddMember(HouseholdCommand[None]):
    member: Member
    cause: AdditionCause


class ChangeMember(HouseholdCommand[None]):
    person_id: UUID
    changes: dict[str, Any]


class RemoveMember(HouseholdCommand[None]):
    person_id: UUID
    cause: RemovalCause


class RecordCircumstances(HouseholdCommand[None]):
    circumstances: Circumstances


class AssessCare(HouseholdCommand[None]):
    person_id: UUID
    unable_activities: tuple[str, ...]


class RecordDisabilityCertificate(HouseholdCommand[None]):
    """A member's disability certificate from ``meta.effective_on`` (first issue, grade change, renewal)."""

    person_id: UUID
    certificate: DisabilityCertificate


class RecordParents(HouseholdCommand[None]):
    person_id: UUID
    father: tuple[ParentStatus, ...]
    mother: tuple[ParentStatus, ...]


class RecordResidence(HouseholdCommand[None]):
    """A member's residence registration (户籍/居住登记) as known from ``meta.effective_on``."""

    person_id: UUID
    residence: Residence


class GrantTemporary(HouseholdCommand[UUID]):
    """A one-off grant; at township level it may not exceed the township cap. Returns the grant's id."""

    kind: GrantKind
    level: ApprovalLevel
    amount: Decimal


# ------------------------------------------------------------------------------- enrolments


class FileApplication(HouseholdCommand[UUID]):
    """Apply for a program for the named beneficiaries. Returns the new enrolment's id."""

    program: Program
    beneficiaries: tuple[UUID, ...]
    terms: dict[str, Any] | None = None


class Withdraw(EnrolmentCommand[None]):
    """Withdraw an application before it is decided."""


class RecordTownshipReview(EnrolmentCommand[UUID]):
    """The township's investigation and opinion; the rules run on the facts of ``meta.effective_on``."""

    investigated_on: date
    findings: str
    opinion: TownshipOpinion


class Approve(EnrolmentCommand[UUID]):
    """Approve a reviewed application once its public notice has ended. Returns the decision's id."""


class Reject(EnrolmentCommand[UUID]):
    reason_code: str


class Review(EnrolmentCommand[UUID]):
    """A periodic review: the rules run again on the facts of ``meta.effective_on``."""


class Suspend(EnrolmentCommand[None]):
    reason_code: str


class Resume(EnrolmentCommand[None]):
    """Resume a suspended enrolment's payments."""


class Terminate(EnrolmentCommand[UUID]):
    reason_code: str


class ExtendDecisionDeadline(EnrolmentCommand[date]):
    """Extend an undecided application's deadline; returns the new deadline."""


class CorrectPayments(EnrolmentCommand[UUID]):
    """Re-compute every month paid since ``meta.effective_on`` on the facts as now known."""


# ------------------------------------------------------------------------------------ policy


class SetParameter(Command[Any]):
    """Record a new dated value of a parameter, in force from ``meta.effective_on``."""

    name: str
    jurisdiction: str
    value: Any
    legal_basis: str
    date_field: ClassVar[str | None] = "effective_from"


class ConfirmParameter(Command[None]):
    """Extend (or shorten) the date up to which a parameter series is confirmed; ``meta.effective_on``
    is the day it is confirmed (the policy records nothing from it)."""

    name: str
    jurisdiction: str
    confirmed_until: date
    date_field: ClassVar[str | None] = None


# ----------------------------------------------------------------------------------- payroll


class RunPayroll(Command[RunReport]):
    """Issue every payment due for the month that ``meta.effective_on`` lies in, in the actor's
    jurisdiction, that is not issued yet (``application.payroll: Payroll.handle``); a second run issues
    only what is new. Returns the run's report."""

    date_field: ClassVar[str | None] = "month"


# ------------------------------------------------------------------------------ roll import


@dataclass(frozen=True, slots=True, kw_only=True)
class MigratedHousehold:
    """One household of a bureau's roll, as the import checked it: registered and enrolled as migrated."""

    source: RollSource
    area_type: AreaType
    division_code: str
    address: str
    members: tuple[Member, ...]
    monthly_amount: Decimal
    approved_on: date
    account: PayeeAccount | None = None  # the roll's bank columns: recorded with the household


class ImportRollBatch(Command[tuple[UUID, ...]]):
    """Bring households over from a roll as of ``meta.effective_on`` (the roll's as-of date), saved in
    one transaction. Returns the ids of the households recorded: one whose source row was imported
    before is left out (a second run of the same file records nothing)."""

    program: Program
    households: tuple[MigratedHousehold, ...]
    date_field: ClassVar[str | None] = "as_of"


# --------------------------------------------------------------------------------- the bank


class RecordPayeeAccount(HouseholdCommand[None]):
    """Credit the household's payments from ``meta.effective_on`` to ``account_number`` at ``bank``, held
    by the member ``payee_id``; changing a recorded account needs ``meta.reason``. The number is left
    out of the command's repr, so a log line never prints it."""

    payee_id: UUID
    bank: str
    account_number: str = field(repr=False)


# ------------------------------------------------- the register of households in difficulty


class EnterRegister(HouseholdCommand[None]):
    """Enter the household in the register of households in difficulty from ``meta.effective_on``; the
    reason (``meta.reason``) is required."""


class LeaveRegister(HouseholdCommand[None]):
    """Take the household out of the register from ``meta.effective_on``, with a reason (refused while
    dibao or tekun pays)."""


class DismissNotice(HouseholdCommand[None]):
    """Dismiss an open "may qualify" notice, saying why (``meta.reason``)."""

    notice_id: UUID
