"""The household aggregate: members, declared means, and every enrolment with its decisions.

Each event is a past-tense fact an auditor may read in ten years. Every event carries the date it
takes effect in the world (``effective_on``), who caused it (``actor``), why (``reason``) and the
request that carried it (``request_id``). ``apply`` only assigns state: rules run in the command
methods, before the event exists, and their outcome is stored in the event.

Enum-typed event fields come back from storage as plain strings (a ``StrEnum`` is JSON-native), so
every ``apply`` converts them explicitly.
"""

from __future__ import annotations

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
    MonthCorrection,
    ReviewOutcome,
    Status,
    Step,
    TownshipOpinion,
    TownshipReview,
)
from domain.errors import InvalidValue, NotFound, RuleViolation
from domain.household_enrolments import EnrolmentCommands
from domain.household_facts import FactCommands
from domain.members import MAX_MEMBERS, AdditionCause, Member, RemovalCause, coerce_member_changes
from domain.rules.children import ParentStatus
from domain.values import Actor, AreaType, DivisionCode, Program

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


class Household(FactCommands, EnrolmentCommands, Aggregate):
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
            aggregate.members[self.member.person_id] = self.member

    class MemberChanged(Event):
        """Some of a member's circumstances changed (disability, school, absence…)."""

        person_id: UUID
        changes: dict[str, Any]

        def apply(self, aggregate: Household) -> None:
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
            aggregate.care.setdefault(self.person_id, []).append((self.effective_on, tuple(self.unable_activities)))

    class ParentsRecorded(Event):
        """A child's parents' situations (death, sentence, missing…), each with the date it began."""

        person_id: UUID
        father: tuple[ParentStatus, ...]
        mother: tuple[ParentStatus, ...]

        def apply(self, aggregate: Household) -> None:
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
            e.steps.append(Step(self.effective_on, status, self.monthly_amount, self.decision_id))

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
            e.steps.append(Step(self.effective_on, Status.TERMINATED, ZERO, self.decision_id))

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
            status = e.status_on(self.effective_on) or e.status
            e.last_assessment = self.assessment
            e.decisions[self.decision_id] = type(self).__name__
            e.adjustments.add(self.cause)
            e.steps.append(Step(self.effective_on, status, self.monthly_amount, self.decision_id))

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
            if self.monthly_amount is None:
                e.next_review_due = self.effective_on  # no longer eligible: due for a decision now
            if self.monthly_amount is not None and self.amount_from is not None:
                start = max(self.amount_from, e.last_step.effective_on)  # steps stay in date order
                status = e.status_on(start) or e.status
                e.steps.append(Step(start, status, self.monthly_amount, self.decision_id))

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

    # ---------------------------------------------------------------- queries

    def care_on(self, person_id: UUID, on: date) -> tuple[str, ...]:
        """The daily activities the person could not do at the latest assessment in effect on a date."""
        found: tuple[str, ...] = ()
        for effective_on, activities in self.care.get(person_id, []):
            if effective_on <= on:
                found = activities
        return found

    def parents_on(self, person_id: UUID, on: date) -> tuple[tuple[ParentStatus, ...], tuple[ParentStatus, ...]]:
        found: tuple[tuple[ParentStatus, ...], tuple[ParentStatus, ...]] = ((), ())
        for effective_on, father, mother in self.parents.get(person_id, []):
            if effective_on <= on:
                found = (father, mother)
        return found

    def member(self, person_id: UUID) -> Member:
        try:
            return self.members[person_id]
        except KeyError:
            raise NotFound(f"no member {person_id} in this household", field="person_id", rule="member-known") from None

    def enrolment(self, enrolment_id: UUID) -> Enrolment:
        try:
            return self.enrolments[enrolment_id]
        except KeyError:
            raise NotFound(
                f"no enrolment {enrolment_id} in this household", field="enrolment_id", rule="enrolment-known"
            ) from None

    def circumstances_on(self, on: date) -> Circumstances:
        """The latest declaration in effect on a date (a later record wins a tie)."""
        found = Circumstances()
        best: date | None = None
        for effective_on, c in self.circumstances:
            if effective_on <= on and (best is None or effective_on >= best):
                found, best = c, effective_on
        return found

    # ---------------------------------------------------------------- helpers

    def _check_effective(self, effective_on: date) -> None:
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
