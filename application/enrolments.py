"""Use cases on enrolments: apply, township review, county decision, review, suspension, termination.

Applying claims each beneficiary in their person index (saved in the same transaction), so the
exclusions across programs and households hold even when two caseworkers race; ending an
enrolment releases the claims.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.base import CaseworkBase
from domain.assessment import Assessment
from domain.enrolment import FINAL, ReviewOutcome, TownshipOpinion
from domain.errors import RuleViolation
from domain.facts import HouseholdFacts, facts_on
from domain.household import Household
from domain.person_index import PersonIndex, person_index_id
from domain.policy import ParameterSnapshot
from domain.rules import programs, schedule
from domain.rules.dibao import counted
from domain.rules.review import review_outcome
from domain.values import Actor, Program, first_of_next_month


class EnrolmentCommands(CaseworkBase):
    def apply(
        self,
        household_id: UUID,
        program: Program,
        beneficiaries: tuple[UUID, ...],
        *,
        effective_on: date,
        actor: Actor,
        terms: dict[str, Any] | None = None,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)
        policy = self.policy()

        def command(h: Household, others: list[Aggregate]) -> UUID:
            eid = h.file_application(
                program,
                beneficiaries,
                terms=terms,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )
            programs.precheck(
                h, Program(program), beneficiaries, effective_on, policy.snapshot(h.division_code, effective_on)
            )
            self._claim(h, eid, effective_on, actor, request_id, others)
            return eid

        return self._update(household_id, expected_version, actor, command)

    def withdraw(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)

        def command(h: Household, others: list[Aggregate]) -> None:
            h.withdraw_application(
                enrolment_id, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            )
            self._release(h, enrolment_id, effective_on, actor, request_id, others)

        return self._update(household_id, expected_version, actor, command)[1]

    def record_township_review(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        investigated_on: date,
        findings: str,
        opinion: TownshipOpinion,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)
        self._check_date(investigated_on, "investigated_on")
        policy = self.policy()

        def command(h: Household, _: list[Aggregate]) -> UUID:
            e = h.enrolment(enrolment_id)
            params = policy.snapshot(h.division_code, effective_on)
            facts = facts_on(h, effective_on)  # the facts in effect on the opinion's date, whenever recorded
            assessment = self.assess(facts, e.program, e.beneficiaries, e.terms, effective_on, params, enrolment_id)
            notice = params.count("dibao.public_notice_days") if e.program in programs.NOTICED else 0
            return h.record_township_review(
                enrolment_id,
                assessment=assessment,
                investigated_on=investigated_on,
                findings=findings,
                opinion=opinion,
                notice_days=notice,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )

        return self._update(household_id, expected_version, actor, command)

    def approve(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)
        policy = self.policy()

        def command(h: Household, _: list[Aggregate]) -> UUID:
            params = policy.snapshot(h.division_code, effective_on)
            starts = schedule.benefits_start(effective_on, params)
            e = h.enrolment(enrolment_id)
            return h.approve(
                enrolment_id,
                benefits_from=starts,
                next_review_due=self._next_review(h, e.program, e.beneficiaries, starts, params),
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )

        return self._update(household_id, expected_version, actor, command)

    def reject(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)

        def command(h: Household, others: list[Aggregate]) -> UUID:
            did = h.reject(
                enrolment_id,
                reason_code=reason_code,
                reason=reason,
                effective_on=effective_on,
                actor=actor,
                request_id=request_id,
            )
            self._release(h, enrolment_id, effective_on, actor, request_id, others)
            return did

        return self._update(household_id, expected_version, actor, command)

    def review(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)
        policy = self.policy()

        def command(h: Household, others: list[Aggregate]) -> UUID:
            e = h.enrolment(enrolment_id)
            params = policy.snapshot(h.division_code, effective_on)
            previous = e.last_assessment
            facts = facts_on(h, effective_on)  # the facts in effect on the review's date, whenever recorded
            if e.program is Program.DIBAO and previous is not None and not previous.individual:
                covered = tuple(m.person_id for m in facts.members.values() if counted(m, effective_on)[0])
            else:
                covered = tuple(p for p in e.beneficiaries if p in facts.members)
            assessment = self.assess(
                facts, e.program, covered or e.beneficiaries, e.terms, effective_on, params, enrolment_id
            )
            current = e.entitlement_on(effective_on)
            paying = current.amount if current is not None and current.eligible else e.monthly_amount
            outcome = review_outcome(paying, previous, assessment)
            if outcome is ReviewOutcome.GRADUAL_EXIT and e.program is not Program.DIBAO:
                outcome = ReviewOutcome.TERMINATED  # gradual exit is a dibao measure (docs/rules.md)
            continuing = outcome in (ReviewOutcome.CONTINUED, ReviewOutcome.ADJUSTED)
            did = h.complete_review(
                enrolment_id,
                assessment=assessment,
                outcome=outcome,
                beneficiaries=covered,
                exit_until=schedule.gradual_exit_until(effective_on, params)
                if outcome is ReviewOutcome.GRADUAL_EXIT
                else None,
                next_review_due=self._next_review(h, e.program, covered, effective_on, params) if continuing else None,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )
            if outcome is ReviewOutcome.TERMINATED:
                self._release(h, enrolment_id, effective_on, actor, request_id, others)
            return did

        return self._update(household_id, expected_version, actor, command)

    def suspend(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.suspend(
                enrolment_id,
                reason_code=reason_code,
                reason=reason,
                effective_on=effective_on,
                actor=actor,
                request_id=request_id,
            ),
        )[1]

    def resume(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> Household:
        self._check_date(effective_on)
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.resume(
                enrolment_id, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def terminate(
        self,
        household_id: UUID,
        enrolment_id: UUID,
        *,
        reason_code: str,
        reason: str,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)

        def command(h: Household, others: list[Aggregate]) -> UUID:
            did = h.terminate(
                enrolment_id,
                reason_code=reason_code,
                reason=reason,
                effective_on=effective_on,
                actor=actor,
                request_id=request_id,
            )
            self._release(h, enrolment_id, effective_on, actor, request_id, others)
            return did

        return self._update(household_id, expected_version, actor, command)

    # ------------------------------------------------------------- rules

    def assess(
        self,
        h: HouseholdFacts,
        program: Program,
        beneficiaries: tuple[UUID, ...],
        terms: dict[str, Any],
        on: date,
        params: ParameterSnapshot,
        enrolment_id: UUID | None = None,
    ) -> Assessment:
        """Run the program's rules on the household's facts in force on a date."""
        return programs.assess(h, program, beneficiaries, terms, on, params, enrolment_id=enrolment_id)

    @staticmethod
    def _next_review(
        h: Household, program: Program, beneficiaries: tuple[UUID, ...], start: date, params: ParameterSnapshot
    ) -> date:
        key = programs.review_interval_key(program)
        if key is None:
            covered = tuple(h.members[p] for p in beneficiaries if p in h.members)
            return schedule.next_review_due(start, covered, params)
        return first_of_next_month(start, params.count(key))

    # ------------------------------------------------------ person index

    def person_index(self, index_id: UUID) -> PersonIndex:
        try:
            index: object = self.repository.get(index_id)
        except AggregateNotFoundError:
            return PersonIndex.create(index_id)
        assert isinstance(index, PersonIndex)
        return index

    def _claim_open(self, h: Household, household_id: UUID, enrolment_id: UUID, on: date) -> bool:
        other = h if household_id == h.id else self.get_household(household_id)
        e = other.enrolments.get(enrolment_id)
        return e is not None and (e.status_on(on) or e.status) not in FINAL

    def _claim(
        self, h: Household, enrolment_id: UUID, on: date, actor: Actor, request_id: str | None, others: list[Aggregate]
    ) -> None:
        e = h.enrolment(enrolment_id)
        for i, pid in enumerate(e.beneficiaries):
            index = self.person_index(person_index_id(h.members[pid].id_number, self.index_key))
            for c in index.conflicting(e.program):
                if self._claim_open(h, c.household_id, c.enrolment_id, on):
                    where = "this household" if c.household_id == h.id else "another household"
                    raise RuleViolation(
                        f"beneficiary {i + 1} is already enrolled in {c.program} in {where}",
                        field=f"beneficiaries[{i}]",
                        rule=f"exclusion-{e.program}-{c.program}",
                    )
                index.release(c.enrolment_id, effective_on=on, actor=actor, request_id=request_id)  # stale claim
            index.claim(e.program, h.id, enrolment_id, effective_on=on, actor=actor, request_id=request_id)
            others.append(index)

    def _release(
        self, h: Household, enrolment_id: UUID, on: date, actor: Actor, request_id: str | None, others: list[Aggregate]
    ) -> None:
        people = {**h.former_members, **h.members}
        for pid in h.enrolment(enrolment_id).beneficiaries:
            if pid in people:
                index = self.person_index(person_index_id(people[pid].id_number, self.index_key))
                index.release(enrolment_id, effective_on=on, actor=actor, request_id=request_id)
                if index.pending_events:
                    others.append(index)
