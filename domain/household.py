"""The household aggregate: members, declared means, and every enrolment with its decisions.

Each event is a past-tense fact an auditor may read in ten years. Every event carries the date it
takes effect in the world (``effective_on``), who caused it (``actor``), why (``reason``) and the
request that carried it (``request_id``). ``apply`` only assigns state: rules run in the command
methods, before the event exists, and their outcome is stored in the event.

Enum-typed event fields come back from storage as plain strings (a ``StrEnum`` is JSON-native), so
every ``apply`` converts them explicitly.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.assessment import Assessment
from domain.circumstances import Circumstances
from domain.enrolment import (
    Enrolment,
    Entitlement,
    MonthCorrection,
    ReviewOutcome,
    Status,
    Step,
    TownshipOpinion,
    TownshipReview,
    parts_of,
)
from domain.errors import InvalidValue, RuleViolation
from domain.facts import HouseholdFacts
from domain.household_enrolments import EnrolmentCommands
from domain.household_facts import FactCommands
from domain.members import MAX_MEMBERS, AdditionCause, Member, RemovalCause, coerce_member_changes
from domain.rules.children import ParentStatus
from domain.values import Actor, AreaType, DivisionCode, Program, first_of_next_month

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Grant:
    """A temporary assistance grant as the household's state keeps it."""

    grant_id: UUID
    decision_id: UUID
    kind: str
    level: str
    amount: Decimal
    granted_on: date
    granted_by: str


class Household(FactCommands, EnrolmentCommands, HouseholdFacts, Aggregate):
    """A household (家庭) as registered with the bureau."""

    # ----------------------------------------------------------------- events

    class Event(Aggregate.Event):
        effective_on: date
        actor: Actor
        reason: str | None
        request_id: str | None

    class Registered(Event, Aggregate.Created):
        """The household was registered with its area type, division, address and members."""

        area_type: AreaType
        division_code: str
        address: str
        members: tuple[Member, ...]

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            aggregate.area_type = AreaType(self.area_type)
            aggregate.division_code = self.division_code
            aggregate.address = self.address
            aggregate.registered_on = self.effective_on
            for m in self.members:
                aggregate.members[m.person_id] = m

    class MemberAdded(Event):
        """A person joined the household (birth, moving in, marriage, adoption…)."""

        member: Member
        cause: AdditionCause

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            aggregate.members[self.member.person_id] = self.member

    class MemberChanged(Event):
        """Some of a member's circumstances changed (disability, school, absence…)."""

        person_id: UUID
        changes: dict[str, Any]

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            member = aggregate.members[self.person_id]
            aggregate.members[self.person_id] = member.with_changes(coerce_member_changes(self.changes))

    class MemberRemoved(Event):
        """A person left the household (death, moving out, marriage…)."""

        person_id: UUID
        cause: RemovalCause
        review_due_by: date | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 (before deaths brought reviews forward) had no ``review_due_by``."""
            state["review_due_by"] = None

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            aggregate.former_members[self.person_id] = aggregate.members.pop(self.person_id)
            if self.review_due_by is not None:  # a death in the household brings the next review forward
                for e in aggregate.enrolments.values():
                    if e.next_review_due is not None and e.next_review_due > self.review_due_by:
                        e.next_review_due = self.review_due_by

    class CareAssessed(Event):
        """A person's ability to care for themselves was assessed: the daily activities they cannot do."""

        person_id: UUID
        unable_activities: tuple[str, ...]

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            aggregate.care.setdefault(self.person_id, []).append((self.effective_on, tuple(self.unable_activities)))

    class ParentsRecorded(Event):
        """A child's parents' situations (death, sentence, missing…), each with the date it began."""

        person_id: UUID
        father: tuple[ParentStatus, ...]
        mother: tuple[ParentStatus, ...]

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            aggregate.parents.setdefault(self.person_id, []).append(
                (self.effective_on, tuple(self.father), tuple(self.mother))
            )

    class TemporaryAssistanceGranted(Event):
        """A one-off temporary assistance grant was approved at district or township level."""

        grant_id: UUID
        decision_id: UUID
        kind: str
        level: str
        amount: Decimal
        assessment: Assessment

        def apply(self, aggregate: Household) -> None:
            aggregate.grants[self.grant_id] = Grant(
                grant_id=self.grant_id,
                decision_id=self.decision_id,
                kind=self.kind,
                level=self.level,
                amount=self.amount,
                granted_on=self.effective_on,
                granted_by=self.actor.user_id,
            )

    class CircumstancesRecorded(Event):
        """A complete declaration of income, assets and deductible costs, from ``effective_on``."""

        circumstances: Circumstances

        def apply(self, aggregate: Household) -> None:
            aggregate.log_fact(self)
            aggregate.circumstances.append((self.effective_on, self.circumstances))

    class ApplicationFiled(Event):
        """An application for a program was filed for the named beneficiaries."""

        enrolment_id: UUID
        program: Program
        beneficiaries: tuple[UUID, ...]
        terms: dict[str, Any]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 (dibao only) had no program-specific ``terms``."""
            state["terms"] = {}

        def apply(self, aggregate: Household) -> None:
            enrolment = Enrolment(
                enrolment_id=self.enrolment_id,
                program=Program(self.program),
                beneficiaries=tuple(self.beneficiaries),
                applied_on=self.effective_on,
                applied_by=self.actor.user_id,
                terms=dict(self.terms),
            )
            enrolment.steps.append(Step(self.effective_on, Status.APPLIED, ZERO))
            aggregate.enrolments[self.enrolment_id] = enrolment

    class ApplicationWithdrawn(Event):
        """The applicant withdrew the application before a decision."""

        enrolment_id: UUID

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.steps.append(Step(self.effective_on, Status.WITHDRAWN, ZERO))

    class TownshipReviewRecorded(Event):
        """The township recorded its investigation and opinion; the rules ran; a notice started."""

        enrolment_id: UUID
        decision_id: UUID
        investigated_on: date
        findings: str
        opinion: TownshipOpinion
        assessment: Assessment
        notice_starts: date | None
        notice_ends: date | None

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.township_review = TownshipReview(
                decision_id=self.decision_id,
                recorded_by=self.actor.user_id,
                investigated_on=self.investigated_on,
                findings=self.findings,
                opinion=TownshipOpinion(self.opinion),
                assessment=self.assessment,
                notice_starts=self.notice_starts,
                notice_ends=self.notice_ends,
            )
            e.last_assessment = self.assessment
            e.decisions[self.decision_id] = type(self).__name__
            e.steps.append(Step(self.effective_on, Status.REVIEWED, ZERO, self.decision_id))
            # what the county would pay from the next month if it approved now
            if self.assessment.eligible and e.township_review.opinion is TownshipOpinion.APPROVE:
                e.record_entitlement(
                    Entitlement(
                        first_of_next_month(self.effective_on),
                        self.assessment.monthly_amount,
                        tuple(e.beneficiaries),
                        parts_of(self.assessment),
                        True,
                        self.decision_id,
                    )
                )

    class ApplicationApproved(Event):
        """The county approved the application at the amount the township assessment found."""

        enrolment_id: UUID
        decision_id: UUID
        assessment_decision_id: UUID
        monthly_amount: Decimal
        benefits_from: date
        next_review_due: date

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.benefits_from = self.benefits_from
            e.next_review_due = self.next_review_due
            e.decisions[self.decision_id] = type(self).__name__
            e.steps.append(Step(self.effective_on, Status.APPROVED, self.monthly_amount, self.decision_id))
            assessment = e.township_review.assessment if e.township_review else None
            e.record_entitlement(
                Entitlement(
                    self.benefits_from,
                    self.monthly_amount,
                    tuple(e.beneficiaries),
                    parts_of(assessment),
                    True,
                    self.decision_id,
                )
            )

    class DecisionDeadlineExtended(Event):
        """In a special case the decision deadline was extended to this many working days after the
        application (the reason says why)."""

        enrolment_id: UUID
        extended_to_working_days: int

        def apply(self, aggregate: Household) -> None:
            aggregate.enrolments[self.enrolment_id].deadline_working_days = self.extended_to_working_days

    class ApplicationRejected(Event):
        """The county rejected the application, with a reason code and text."""

        enrolment_id: UUID
        decision_id: UUID
        reason_code: str

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.decisions[self.decision_id] = type(self).__name__
            e.steps.append(Step(self.effective_on, Status.REJECTED, ZERO, self.decision_id))

    class ReviewCompleted(Event):
        """A periodic review re-ran the rules on current facts and decided the outcome."""

        enrolment_id: UUID
        decision_id: UUID
        outcome: ReviewOutcome
        assessment: Assessment
        beneficiaries: tuple[UUID, ...]
        monthly_amount: Decimal
        exit_until: date | None
        next_review_due: date | None

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            outcome = ReviewOutcome(self.outcome)
            e.beneficiaries = tuple(self.beneficiaries)
            e.last_assessment = self.assessment
            e.next_review_due = self.next_review_due
            e.decisions[self.decision_id] = type(self).__name__
            status = {
                ReviewOutcome.CONTINUED: Status.ACTIVE,
                ReviewOutcome.ADJUSTED: Status.ACTIVE,
                ReviewOutcome.GRADUAL_EXIT: Status.GRADUAL_EXIT,
                ReviewOutcome.TERMINATED: Status.TERMINATED,
            }[outcome]
            if outcome is ReviewOutcome.GRADUAL_EXIT:
                e.exit_until = self.exit_until
                e.exit_amount = self.monthly_amount
            on = first_of_next_month(self.effective_on) if status is Status.TERMINATED else self.effective_on
            e.steps.append(Step(on, status, self.monthly_amount, self.decision_id))
            if status is not Status.TERMINATED:
                parts = parts_of(self.assessment) if outcome is ReviewOutcome.ADJUSTED else _parts_on(e, on)
                e.record_entitlement(
                    Entitlement(on, self.monthly_amount, tuple(self.beneficiaries), parts, True, self.decision_id)
                )

    class BenefitSuspended(Event):
        """Payments were suspended from ``effective_on``, with a reason code and text."""

        enrolment_id: UUID
        reason_code: str

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.steps.append(Step(self.effective_on, Status.SUSPENDED, e.monthly_amount))

    class BenefitResumed(Event):
        """Suspended payments resumed from ``effective_on``."""

        enrolment_id: UUID
        resumed_status: Status

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.steps.append(Step(self.effective_on, Status(self.resumed_status), e.monthly_amount))

    class EnrolmentTerminated(Event):
        """The enrolment ended on ``effective_on``; no payment is due for later months."""

        enrolment_id: UUID
        decision_id: UUID
        reason_code: str

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.decisions[self.decision_id] = type(self).__name__
            # Termination takes effect the next month: the month containing the date is still paid.
            e.steps.append(Step(first_of_next_month(self.effective_on), Status.TERMINATED, ZERO, self.decision_id))

    class AmountAdjusted(Event):
        """The monthly amount was re-computed from ``effective_on`` because a policy parameter changed."""

        enrolment_id: UUID
        decision_id: UUID
        assessment: Assessment
        previous_amount: Decimal
        monthly_amount: Decimal
        cause: str

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.last_assessment = self.assessment
            e.decisions[self.decision_id] = type(self).__name__
            e.record_entitlement(
                Entitlement(
                    self.effective_on,
                    self.monthly_amount,
                    e.beneficiaries_on(self.effective_on),
                    parts_of(self.assessment),
                    True,
                    self.decision_id,
                )
            )

    class PaymentsCorrected(Event):
        """Facts learned late changed what was due for months already paid: per month, arrears (补发)
        or an overpayment to recover (追回); ``effective_on`` is the date the late fact took effect.

        ``assessments`` holds one assessment per corrected month and, last, the one for
        ``amount_from``: the first month not yet paid, whose payroll carries the month lines.
        ``monthly_amount`` is the new amount from then, or None when it does not change or when that
        last assessment finds the enrolment no longer eligible (a decision to terminate is then due).
        """

        enrolment_id: UUID
        decision_id: UUID
        months: tuple[MonthCorrection, ...]
        assessments: tuple[Assessment, ...]
        monthly_amount: Decimal | None
        amount_from: date | None

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.decisions[self.decision_id] = type(self).__name__
            for c in self.months:
                e.corrected[c.month] = c.due
                e.corrections.append(c)
            if self.assessments:
                e.last_assessment = self.assessments[-1]
            if self.monthly_amount is None and self.assessments and not self.assessments[-1].eligible:
                e.next_review_due = self.effective_on  # no longer eligible: due for a decision now
            if self.monthly_amount is not None and self.amount_from is not None:
                e.record_entitlement(
                    Entitlement(
                        self.amount_from,
                        self.monthly_amount,
                        e.beneficiaries_on(self.amount_from),
                        parts_of(self.assessments[-1] if self.assessments else None),
                        True,
                        self.decision_id,
                    )
                )

    class PaymentsSettled(Event):
        """What was due for months already paid changed after payment — a fact, a parameter or a
        decision recorded late — and the payroll of ``amount_from`` settles it: per month, what was
        paid (with what earlier settlements gave) and what is due as now known, arrears (补发) or a
        recovery (追回); ``assessments`` price the months where a rule ran."""

        enrolment_id: UUID
        decision_id: UUID
        months: tuple[MonthCorrection, ...]
        assessments: tuple[Assessment, ...]
        amount_from: date

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            e.decisions[self.decision_id] = type(self).__name__
            for c in self.months:
                e.corrected[c.month] = c.due
                e.corrections.append(c)

    class EntitlementChanged(Event):
        """What is due changed from ``effective_on`` (a month's first day): a parameter, a fact, an age
        reached or another enrolment the amount depends on. Records the new amount, its parts, the
        beneficiaries, whether the rules still find the enrolment eligible, the assessment that found
        it, the amount before, and the cause (``parameter``, ``fact``, ``age``, ``dependency``,
        ``decision``) whose details are in ``reason``."""

        enrolment_id: UUID
        decision_id: UUID
        assessment: Assessment | None
        previous_amount: Decimal
        monthly_amount: Decimal
        parts: dict[str, Decimal]
        beneficiaries: tuple[UUID, ...]
        eligible: bool
        cause: str

        def apply(self, aggregate: Household) -> None:
            e = aggregate.enrolments[self.enrolment_id]
            # ``last_assessment`` stays the one the last decision stood on: a review compares against it.
            e.decisions[self.decision_id] = type(self).__name__
            e.record_entitlement(
                Entitlement(
                    self.effective_on,
                    self.monthly_amount,
                    tuple(self.beneficiaries),
                    tuple(sorted(self.parts.items())),
                    self.eligible,
                    self.decision_id,
                    self.cause,
                )
            )

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
        self.fact_log: list[tuple[date, int, Household.Event]] = []  # facts in effective order (ties: recorded)

    def log_fact(self, event: Household.Event) -> None:
        insort(self.fact_log, (event.effective_on, len(self.fact_log), event), key=lambda x: (x[0], x[1]))

    # --------------------------------------------------------------- commands

    @classmethod
    def register(
        cls,
        *,
        area_type: AreaType,
        division_code: str,
        address: str,
        members: tuple[Member, ...],
        registered_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
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
            effective_on=registered_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
            area_type=AreaType(area_type),
            division_code=division_code,
            address=address.strip(),
            members=tuple(members),
        )

    # ---------------------------------------------------------------- helpers

    def _check_effective(self, effective_on: date) -> None:
        if effective_on < self.registered_on:
            raise InvalidValue(
                f"effective date {effective_on} is before the household's registration on {self.registered_on}",
                field="effective_on",
                rule="effective-before-registration",
            )


def _parts_on(e: Enrolment, on: date) -> tuple[tuple[str, Decimal], ...]:
    entry = e.entitlement_on(on)
    return entry.parts if entry is not None else ()


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
