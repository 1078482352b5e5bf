"""The household aggregate (家庭): members, declared means, and every enrolment with its decisions.

Read this module for the whole aggregate in one sitting: its state, the events that change it and
the commands that record them.

- **Events** are past-tense facts an auditor may read in ten years, declared in
  ``domain.household_events`` (the household's own facts), ``domain.household_enrolment_events``
  (an enrolment's life) and ``domain.household_payment_events`` (what is due and paid). Each carries
  the date it takes effect (``effective_on``), who caused it (``actor``), why (``reason``) and the
  request that carried it (``request_id``); its ``apply`` only assigns state. They are named here,
  so their stored topics stay ``domain.household:Household.<Name>``.
- **Commands** are plain functions in ``domain.household_facts``, ``domain.household_enrolments``
  and ``domain.household_payments``: each checks its rules before the event exists, then records it
  with ``record``, which fills the four fields every event carries from one ``Context``.
"""

from __future__ import annotations

from bisect import insort
from datetime import date
from typing import Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import facts
from domain import household_disability_events as disability_events
from domain import household_elderly as elderly_commands
from domain import household_elderly_events as elderly_events
from domain import household_enrolment_events as enrolment_events
from domain import household_enrolments as enrolment_commands
from domain import household_events as fact_events
from domain import household_facts as fact_commands
from domain import household_migration as migration
from domain import household_payment_events as payment_events
from domain import household_payments as payment_commands
from domain import household_register as register_commands
from domain import household_register_events as register_events
from domain.circumstances import Circumstances
from domain.disability import Certificates
from domain.enrolment import Enrolment
from domain.errors import InvalidValue, RuleViolation
from domain.household_events import Grant
from domain.members import MAX_MEMBERS, Member
from domain.payee import PayeeAccount
from domain.residence import Residence
from domain.rules.children import ParentStatus
from domain.values import AreaType, Context, DivisionCode

__all__ = ["Grant", "Household"]


class Household(Aggregate):
    """A household (家庭) as registered with the bureau; the rules read it as ``HouseholdFacts``
    (as they read ``domain.facts.FactsOn``, the same facts as in effect on one date)."""

    # ----------------------------------------------------------------- events

    Event: TypeAlias = fact_events.Event
    Registered: TypeAlias = fact_events.Registered
    MemberAdded: TypeAlias = fact_events.MemberAdded
    MemberChanged: TypeAlias = fact_events.MemberChanged
    MemberRemoved: TypeAlias = fact_events.MemberRemoved
    CareAssessed: TypeAlias = fact_events.CareAssessed
    ParentsRecorded: TypeAlias = fact_events.ParentsRecorded
    CircumstancesRecorded: TypeAlias = fact_events.CircumstancesRecorded
    TemporaryAssistanceGranted: TypeAlias = fact_events.TemporaryAssistanceGranted
    PayeeAccountRecorded: TypeAlias = fact_events.PayeeAccountRecorded
    ResidenceRecorded: TypeAlias = elderly_events.ResidenceRecorded
    DisabilityCertified: TypeAlias = disability_events.DisabilityCertified

    ApplicationFiled: TypeAlias = enrolment_events.ApplicationFiled
    ApplicationWithdrawn: TypeAlias = enrolment_events.ApplicationWithdrawn
    TownshipReviewRecorded: TypeAlias = enrolment_events.TownshipReviewRecorded
    DecisionDeadlineExtended: TypeAlias = enrolment_events.DecisionDeadlineExtended
    ApplicationApproved: TypeAlias = enrolment_events.ApplicationApproved
    ApplicationRejected: TypeAlias = enrolment_events.ApplicationRejected
    ReviewCompleted: TypeAlias = enrolment_events.ReviewCompleted
    BenefitSuspended: TypeAlias = payment_events.BenefitSuspended
    BenefitResumed: TypeAlias = payment_events.BenefitResumed
    EnrolmentTerminated: TypeAlias = payment_events.EnrolmentTerminated
    EnrolmentMigrated: TypeAlias = enrolment_events.EnrolmentMigrated

    AmountAdjusted: TypeAlias = payment_events.AmountAdjusted
    PaymentsCorrected: TypeAlias = payment_events.PaymentsCorrected
    PaymentsSettled: TypeAlias = payment_events.PaymentsSettled
    EntitlementChanged: TypeAlias = payment_events.EntitlementChanged

    RegisterEntered: TypeAlias = register_events.RegisterEntered
    RegisterLeft: TypeAlias = register_events.RegisterLeft
    QualificationNoticeRaised: TypeAlias = register_events.QualificationNoticeRaised
    QualificationNoticeDismissed: TypeAlias = register_events.QualificationNoticeDismissed
    QualificationNoticeActedOn: TypeAlias = register_events.QualificationNoticeActedOn

    # ------------------------------------------------------------------ state

    def __init__(self) -> None:
        self.area_type: AreaType = AreaType.URBAN
        self.division_code: str = ""
        self.address: str = ""
        self.registered_on: date = date.min
        self.members: dict[UUID, Member] = {}
        self.former_members: dict[UUID, Member] = {}
        self.circumstances: list[tuple[date, Circumstances]] = []
        self.enrolments: dict[UUID, Enrolment] = {}
        self.care: dict[UUID, list[tuple[date, tuple[str, ...]]]] = {}
        self.parents: dict[UUID, list[tuple[date, tuple[ParentStatus, ...], tuple[ParentStatus, ...]]]] = {}
        self.grants: dict[UUID, Grant] = {}
        self.residences: dict[UUID, list[tuple[date, Residence]]] = {}
        self.certificates: Certificates = {}
        self.accounts: list[tuple[date, int, PayeeAccount]] = []  # in effective order (ties: recorded)
        self.fact_log: list[tuple[date, int, fact_events.Event]] = []  # facts in effective order (ties: recorded)
        self.register_decisions: list[register_events.RegisterDecision] = []  # in effective order
        self.notices: dict[UUID, register_events.Notice] = {}  # "may qualify" notices, open and closed

    def log_fact(self, event: fact_events.Event) -> None:
        insort(self.fact_log, (event.effective_on, len(self.fact_log), event), key=lambda x: (x[0], x[1]))

    # ---------------------------------------------------------------- queries

    care_on = facts.care_on
    residence_on = facts.residence_on
    parents_on = facts.parents_on
    circumstances_on = facts.circumstances_on
    certificate_on = facts.certificate_on
    member = facts.member
    enrolment = facts.enrolment

    def account_on(self, on: date) -> PayeeAccount | None:
        """The account payments are credited to on a date (the latest recorded in effect); None before any."""
        recorded = [account for effective, _, account in self.accounts if effective <= on]
        return recorded[-1] if recorded else None

    def payee_name(self, account: PayeeAccount) -> str:
        """The account holder's name, also when they have left the household since (the bank file names them)."""
        payee = self.members.get(account.payee_id) or self.former_members[account.payee_id]
        return payee.name

    # --------------------------------------------------------------- commands

    @classmethod
    def register(
        cls, *, area_type: AreaType, division_code: str, address: str, members: tuple[Member, ...], ctx: Context
    ) -> Household:
        """Register a household from ``ctx.effective_on`` with its area type, division, address and members."""
        DivisionCode(division_code)
        if not address.strip():
            raise InvalidValue("address must not be empty", field="address", rule="required")
        if not members:
            raise InvalidValue("a household has at least one member", field="members", rule="members-required")
        if len(members) > MAX_MEMBERS:
            raise RuleViolation(f"a household has at most {MAX_MEMBERS} members", field="members", rule="members-limit")
        _check_no_duplicates(members)
        return cls._create(
            cls.Registered,
            **ctx.event_fields(),
            area_type=AreaType(area_type),
            division_code=division_code,
            address=address.strip(),
            members=tuple(members),
        )

    add_member = fact_commands.add_member
    change_member = fact_commands.change_member
    remove_member = fact_commands.remove_member
    record_circumstances = fact_commands.record_circumstances
    assess_care = fact_commands.assess_care
    record_parents = fact_commands.record_parents
    grant_temporary = fact_commands.grant_temporary
    record_payee_account = fact_commands.record_payee_account
    record_residence = elderly_commands.record_residence
    record_disability_certificate = disability_events.record_disability_certificate

    file_application = enrolment_commands.file_application
    withdraw_application = enrolment_commands.withdraw_application
    record_township_review = enrolment_commands.record_township_review
    extend_decision_deadline = enrolment_commands.extend_decision_deadline
    approve = enrolment_commands.approve
    reject = enrolment_commands.reject
    migrate_enrolment = migration.migrate_enrolment

    complete_review = payment_commands.complete_review
    suspend = payment_commands.suspend
    resume = payment_commands.resume
    terminate = payment_commands.terminate
    close_by_calendar = payment_commands.close_by_calendar
    change_entitlement = payment_commands.change_entitlement
    correct_payments = payment_commands.correct_payments
    settle_payments = payment_commands.settle_payments

    enter_register = register_commands.enter_register
    leave_register = register_commands.leave_register
    raise_notice = register_commands.raise_notice
    dismiss_notice = register_commands.dismiss_notice
    act_on_notice = register_commands.act_on_notice

    # ---------------------------------------------------------------- helpers

    def record(self, event_class: type[fact_events.Event], ctx: Context, **fields: Any) -> None:
        """Record one event: its own fields, and the date, actor, reason and request id from ``ctx``."""
        self.trigger_event(event_class, **ctx.event_fields(), **fields)

    def check_effective(self, effective_on: date) -> None:
        """Nothing about the household takes effect before it was registered."""
        if effective_on < self.registered_on:
            raise InvalidValue(
                f"effective date {effective_on} is before the household's registration on {self.registered_on}",
                field="effective_on",
                rule="effective-before-registration",
            )


def _check_no_duplicates(members: tuple[Member, ...]) -> None:
    seen: set[str] = set()
    for i, m in enumerate(members):
        if m.id_number.value in seen:
            raise RuleViolation(
                "the same ID number appears twice in the household",
                field=f"members[{i}].id_number",
                rule="member-duplicate",
            )
        seen.add(m.id_number.value)
