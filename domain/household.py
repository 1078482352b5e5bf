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
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.assessment import Assessment
from domain.circumstances import Circumstances
from domain.enrolment import (
    FINAL,
    PAYABLE,
    Enrolment,
    ReviewOutcome,
    Status,
    Step,
    TownshipOpinion,
    TownshipReview,
)
from domain.errors import FourEyesViolation, InvalidValue, NotFound, RuleViolation, TransitionForbidden
from domain.members import MUTABLE_MEMBER_FIELDS, AdditionCause, Member, RemovalCause
from domain.rules.children import ParentStatus, add_months
from domain.rules.programs import ENROLLING, PERSONAL, parse_activities, parse_terms
from domain.values import Actor, AreaType, DivisionCode, Program

NULLABLE_MEMBER_FIELDS = frozenset({"disability", "absence"})
DEATH_REVIEW_MONTHS = 3  # spec §4: a death in the household requires a review within 3 months

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


class Household(Aggregate):
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

    def add_member(
        self,
        member: Member,
        *,
        cause: AdditionCause,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        if any(m.id_number == member.id_number for m in self.members.values()):
            raise RuleViolation(
                "a member with this ID number is already in the household",
                field="member.id_number",
                rule="member-duplicate",
            )
        self.trigger_event(
            self.MemberAdded,
            member=member,
            cause=AdditionCause(cause),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def change_member(
        self,
        person_id: UUID,
        changes: dict[str, Any],
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        member = self.member(person_id)
        unknown = set(changes) - MUTABLE_MEMBER_FIELDS
        if unknown:
            raise InvalidValue(
                f"these member fields cannot be changed: {sorted(unknown)}",
                field=sorted(unknown)[0],
                rule="member-field-mutable",
            )
        if not changes:
            raise InvalidValue("a member change names at least one field", field="changes", rule="changes-required")
        for key, value in changes.items():
            if value is None and key not in NULLABLE_MEMBER_FIELDS:
                raise InvalidValue(f"{key} cannot be cleared", field=key, rule="not-null")
        member.with_changes(coerce_member_changes(changes))  # validates the result before the fact exists
        self.trigger_event(
            self.MemberChanged,
            person_id=person_id,
            changes=dict(changes),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def remove_member(
        self,
        person_id: UUID,
        *,
        cause: RemovalCause,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        self.member(person_id)
        if len(self.members) == 1:
            raise RuleViolation("the last member cannot be removed", field="person_id", rule="last-member")
        cause = RemovalCause(cause)
        self.trigger_event(
            self.MemberRemoved,
            person_id=person_id,
            cause=cause,
            review_due_by=add_months(effective_on, DEATH_REVIEW_MONTHS) if cause is RemovalCause.DEATH else None,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def record_circumstances(
        self,
        circumstances: Circumstances,
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        for i, item in enumerate(circumstances.incomes):
            if item.person_id not in self.members:
                raise NotFound(
                    f"income names unknown member {item.person_id}",
                    field=f"incomes[{i}].person_id",
                    rule="member-known",
                )
        for i, cost in enumerate(circumstances.costs):
            if cost.person_id not in self.members:
                raise NotFound(
                    f"cost names unknown member {cost.person_id}", field=f"costs[{i}].person_id", rule="member-known"
                )
        self.trigger_event(
            self.CircumstancesRecorded,
            circumstances=circumstances,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def file_application(
        self,
        program: Program,
        beneficiaries: tuple[UUID, ...],
        *,
        terms: dict[str, Any] | None = None,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        self._check_effective(effective_on)
        program = Program(program)
        if program not in ENROLLING:
            raise InvalidValue(f"{program} is granted, not applied for", field="program", rule="program-enrols")
        checked_terms = parse_terms(program, terms or {})
        if program in PERSONAL and len(beneficiaries) != 1:
            raise InvalidValue(
                f"a {program} application names exactly one person", field="beneficiaries", rule="one-beneficiary"
            )
        if not beneficiaries:
            raise InvalidValue("name at least one beneficiary", field="beneficiaries", rule="beneficiaries-required")
        if len(set(beneficiaries)) != len(beneficiaries):
            raise InvalidValue("a beneficiary is named twice", field="beneficiaries", rule="beneficiary-duplicate")
        for i, pid in enumerate(beneficiaries):
            if pid not in self.members:
                raise NotFound(f"beneficiary {pid} is not a member", field=f"beneficiaries[{i}]", rule="member-known")
        for e in self.enrolments.values():
            state = e.status_on(effective_on) or e.status
            if e.program == program and state not in FINAL and set(e.beneficiaries) & set(beneficiaries):
                raise RuleViolation(
                    f"a {program} enrolment {e.enrolment_id} already covers a named beneficiary",
                    field="beneficiaries",
                    rule="enrolment-open",
                )
        enrolment_id = uuid4()
        self.trigger_event(
            self.ApplicationFiled,
            enrolment_id=enrolment_id,
            program=program,
            beneficiaries=tuple(beneficiaries),
            terms=checked_terms,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return enrolment_id

    def withdraw_application(
        self,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        e = self._step(enrolment_id, effective_on, allowed={Status.APPLIED, Status.REVIEWED}, action="withdraw")
        self.trigger_event(
            self.ApplicationWithdrawn,
            enrolment_id=e.enrolment_id,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def record_township_review(
        self,
        enrolment_id: UUID,
        *,
        assessment: Assessment,
        investigated_on: date,
        findings: str,
        opinion: TownshipOpinion,
        notice_days: int,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed={Status.APPLIED}, action="record a township review")
        if investigated_on < e.applied_on or investigated_on > effective_on:
            raise InvalidValue(
                "the investigation falls between the application and the opinion",
                field="investigated_on",
                rule="investigation-date",
            )
        opinion = TownshipOpinion(opinion)
        notice = opinion is TownshipOpinion.APPROVE and notice_days > 0
        decision_id = uuid4()
        self.trigger_event(
            self.TownshipReviewRecorded,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            investigated_on=investigated_on,
            findings=findings,
            opinion=opinion,
            assessment=assessment,
            notice_starts=effective_on if notice else None,
            notice_ends=date.fromordinal(effective_on.toordinal() + notice_days - 1) if notice else None,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def approve(
        self,
        enrolment_id: UUID,
        *,
        benefits_from: date,
        next_review_due: date,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed={Status.REVIEWED}, action="approve")
        review = e.township_review
        assert review is not None
        self._check_four_eyes(e, actor)
        if review.notice_ends is not None and effective_on <= review.notice_ends:
            raise RuleViolation(
                f"the public notice runs until {review.notice_ends}; approve after it ends",
                field="effective_on",
                rule="notice-not-ended",
            )
        if not review.assessment.eligible:
            raise RuleViolation(
                "the township assessment found the application not eligible",
                field="enrolment_id",
                rule="assessment-not-eligible",
            )
        decision_id = uuid4()
        self.trigger_event(
            self.ApplicationApproved,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            assessment_decision_id=review.decision_id,
            monthly_amount=review.assessment.monthly_amount,
            benefits_from=benefits_from,
            next_review_due=next_review_due,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def reject(
        self,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed={Status.REVIEWED}, action="reject")
        self._check_four_eyes(e, actor)
        _check_reason(reason_code, reason)
        decision_id = uuid4()
        self.trigger_event(
            self.ApplicationRejected,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def complete_review(
        self,
        enrolment_id: UUID,
        *,
        assessment: Assessment,
        outcome: ReviewOutcome,
        beneficiaries: tuple[UUID, ...],
        exit_until: date | None,
        next_review_due: date | None,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(enrolment_id, effective_on, allowed=PAYABLE, action="review")
        outcome = ReviewOutcome(outcome)
        if outcome is ReviewOutcome.GRADUAL_EXIT and (exit_until is None or exit_until <= effective_on):
            raise InvalidValue(
                "a gradual exit needs an end after the review", field="exit_until", rule="gradual-exit-end"
            )
        amount = {
            ReviewOutcome.CONTINUED: e.monthly_amount,
            ReviewOutcome.ADJUSTED: assessment.monthly_amount,
            ReviewOutcome.GRADUAL_EXIT: e.monthly_amount,
            ReviewOutcome.TERMINATED: ZERO,
        }[outcome]
        decision_id = uuid4()
        self.trigger_event(
            self.ReviewCompleted,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            outcome=outcome,
            assessment=assessment,
            beneficiaries=tuple(beneficiaries),
            monthly_amount=amount,
            exit_until=exit_until,
            next_review_due=next_review_due,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def suspend(
        self,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> None:
        e = self._step(enrolment_id, effective_on, allowed=PAYABLE, action="suspend")
        _check_reason(reason_code, reason)
        self.trigger_event(
            self.BenefitSuspended,
            enrolment_id=e.enrolment_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def resume(
        self,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        e = self._step(enrolment_id, effective_on, allowed={Status.SUSPENDED}, action="resume")
        before = [s.status for s in e.steps if s.status is not Status.SUSPENDED][-1]
        resumed = Status.GRADUAL_EXIT if before is Status.GRADUAL_EXIT else Status.ACTIVE
        self.trigger_event(
            self.BenefitResumed,
            enrolment_id=e.enrolment_id,
            resumed_status=resumed,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def terminate(
        self,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID:
        e = self._step(
            enrolment_id,
            effective_on,
            allowed={Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT},
            action="terminate",
        )
        _check_reason(reason_code, reason)
        decision_id = uuid4()
        self.trigger_event(
            self.EnrolmentTerminated,
            enrolment_id=e.enrolment_id,
            decision_id=decision_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def close_by_calendar(
        self,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID:
        """Record the termination the calendar has already brought about (ageing out, gradual exit's end)."""
        e = self.enrolment(enrolment_id)
        if e.status in FINAL:
            raise TransitionForbidden(
                f"the enrolment is already {e.status}", field="enrolment_id", rule=f"transition-from-{e.status}"
            )
        if effective_on < e.last_step.effective_on:
            raise InvalidValue(
                "the calendar's date is before the enrolment's last step",
                field="effective_on",
                rule="effective-before-last-step",
            )
        decision_id = uuid4()
        self.trigger_event(
            self.EnrolmentTerminated,
            enrolment_id=enrolment_id,
            decision_id=decision_id,
            reason_code=reason_code,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return decision_id

    def assess_care(
        self,
        person_id: UUID,
        unable_activities: tuple[str, ...],
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        self.member(person_id)
        self.trigger_event(
            self.CareAssessed,
            person_id=person_id,
            unable_activities=parse_activities(unable_activities),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def record_parents(
        self,
        person_id: UUID,
        father: tuple[ParentStatus, ...],
        mother: tuple[ParentStatus, ...],
        *,
        effective_on: date,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._check_effective(effective_on)
        self.member(person_id)
        for who, statuses in (("father", father), ("mother", mother)):
            for i, st in enumerate(statuses):
                if st.since > effective_on:
                    raise InvalidValue(
                        f"{who}'s situation cannot begin after the record's date",
                        field=f"{who}[{i}].since",
                        rule="situation-since",
                    )
        self.trigger_event(
            self.ParentsRecorded,
            person_id=person_id,
            father=tuple(father),
            mother=tuple(mother),
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )

    def grant_temporary(
        self,
        *,
        assessment: Assessment,
        kind: str,
        level: str,
        amount: Decimal,
        effective_on: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> UUID:
        self._check_effective(effective_on)
        if not assessment.eligible:
            first = assessment.reasons[0].code if assessment.reasons else "GRANT_REFUSED"
            raise RuleViolation(
                "the grant is refused: " + "; ".join(r.message for r in assessment.reasons),
                field="amount",
                rule=first.lower().replace("_", "-"),
            )
        if not reason or not reason.strip():
            raise InvalidValue("a temporary grant states its reason", field="reason", rule="reason-required")
        grant_id = uuid4()
        self.trigger_event(
            self.TemporaryAssistanceGranted,
            grant_id=grant_id,
            decision_id=uuid4(),
            kind=kind,
            level=level,
            amount=amount,
            assessment=assessment,
            effective_on=effective_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        return grant_id

    def adjust_amount(
        self,
        enrolment_id: UUID,
        *,
        assessment: Assessment,
        cause: str,
        effective_on: date,
        actor: Actor,
        request_id: str | None = None,
    ) -> UUID | None:
        """Record a re-computed amount from ``effective_on``; None when this cause was applied already."""
        e = self._step(
            enrolment_id,
            effective_on,
            allowed={Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT},
            action="adjust the amount of",
        )
        if cause in e.adjustments:
            return None
        decision_id = uuid4()
        self.trigger_event(
            self.AmountAdjusted,
            enrolment_id=enrolment_id,
            decision_id=decision_id,
            assessment=assessment,
            previous_amount=e.amount_on(effective_on) or e.monthly_amount,
            monthly_amount=assessment.monthly_amount if assessment.eligible else e.monthly_amount,
            cause=cause,
            effective_on=effective_on,
            actor=actor,
            reason=cause,
            request_id=request_id,
        )
        return decision_id

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

    def _step(
        self, enrolment_id: UUID, effective_on: date, *, allowed: set[Status] | frozenset[Status], action: str
    ) -> Enrolment:
        self._check_effective(effective_on)
        e = self.enrolment(enrolment_id)
        if effective_on < e.last_step.effective_on:
            raise InvalidValue(
                f"effective date {effective_on} is before the enrolment's last step on {e.last_step.effective_on}",
                field="effective_on",
                rule="effective-before-last-step",
            )
        status = e.status_on(effective_on)
        if status not in allowed:
            raise TransitionForbidden(
                f"cannot {action} an enrolment that is {status} on {effective_on}",
                field="enrolment_id",
                rule=f"transition-from-{status}",
            )
        return e

    @staticmethod
    def _check_four_eyes(e: Enrolment, actor: Actor) -> None:
        recorders = {e.applied_by} | ({e.township_review.recorded_by} if e.township_review else set())
        if actor.user_id in recorders:
            raise FourEyesViolation(
                "the decider may not be the user who recorded the application or the township opinion",
                field="actor",
                rule="four-eyes",
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


def _check_reason(reason_code: str, reason: str) -> None:
    if not reason_code or not reason_code.strip():
        raise InvalidValue("a reason code is required", field="reason_code", rule="reason-required")
    if not reason or not reason.strip():
        raise InvalidValue("a reason text is required", field="reason", rule="reason-required")


def coerce_member_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Type the values of a stored member change (enums come back from JSON as strings)."""
    from domain.members import Absence, Disability, LabourCapacity, Relation, SchoolStatus

    typed: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None or key in ("name", "seriously_ill", "resident", "support_duty"):
            typed[key] = value
        elif key == "relation":
            typed[key] = Relation(value)
        elif key == "labour_capacity":
            typed[key] = LabourCapacity(value)
        elif key == "school_status":
            typed[key] = SchoolStatus(value)
        elif key == "absence":
            typed[key] = Absence(value)
        elif key == "disability":
            typed[key] = value if isinstance(value, Disability) else Disability(**value)
        else:
            typed[key] = value
    return typed
