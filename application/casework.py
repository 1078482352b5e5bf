"""The caseworker's and approver's use cases: load a household, run one command, save it.

One ``Casework`` application serves every backend; the backend is chosen by the ``env`` it is
given (``PERSISTENCE_MODULE`` …). The clock is injected: the domain never reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, JSONTranscoder
from eventsourcing.utils import Environment, EnvType

from application.errors import (
    ConcurrentUpdate,
    HouseholdNotFound,
    OutsideJurisdiction,
    ProgramNotAvailable,
    StaleVersion,
)
from domain.assessment import Assessment
from domain.circumstances import Circumstances
from domain.enrolment import ReviewOutcome, TownshipOpinion
from domain.errors import InvalidValue
from domain.household import Household
from domain.members import AdditionCause, Member, RemovalCause
from domain.policy import ParameterSnapshot, ParameterValue, Policy, policy_id
from domain.rules import schedule
from domain.rules.dibao import DibaoFacts, assess_dibao, counted
from domain.rules.review import review_outcome
from domain.values import Actor, AreaType, Program
from infrastructure.ledger import RECORDER_TOPICS, LedgerMixin, POPOLedgerRecorder
from infrastructure.transcodings import register_transcodings

T = TypeVar("T")
EARLIEST_DATE = date(1950, 1, 1)
RETRIES = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_jurisdiction(actor: Actor, division_code: str) -> None:
    if not division_code.startswith(actor.jurisdiction):
        raise OutsideJurisdiction(
            f"division {division_code} is outside the caller's jurisdiction {actor.jurisdiction}",
            field="division_code",
            rule="jurisdiction",
        )


class Casework(Application[UUID]):
    """Households, their members and means, and the dibao enrolment lifecycle."""

    name = "jiuzhu"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        max_future_days: int = 366,
    ) -> None:
        super().__init__(env=env)
        self.clock = clock
        self.max_future_days = max_future_days
        self.ledger: LedgerMixin = self.recorder  # type: ignore[assignment]
        self.ledger.clock = clock

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Choose the ledger recorder matching the persistence module."""
        environment = super().construct_env(name, env)
        module = environment.get("PERSISTENCE_MODULE") or "eventsourcing.popo"
        if not environment.get("APPLICATION_RECORDER_TOPIC") and module in RECORDER_TOPICS:
            environment["APPLICATION_RECORDER_TOPIC"] = RECORDER_TOPICS[module]
        return environment

    def construct_recorder(self) -> ApplicationRecorder:
        if (self.env.get("PERSISTENCE_MODULE") or "eventsourcing.popo") == "eventsourcing.popo":
            return POPOLedgerRecorder()  # the POPO factory ignores APPLICATION_RECORDER_TOPIC
        return super().construct_recorder()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    # ----------------------------------------------------------- households

    def register_household(
        self,
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
        self._check_date(registered_on, "registered_on")
        check_jurisdiction(actor, division_code)
        household = Household.register(
            area_type=area_type,
            division_code=division_code,
            address=address,
            members=members,
            registered_on=registered_on,
            actor=actor,
            reason=reason,
            request_id=request_id,
        )
        self.save(household)
        return household

    def get_household(self, household_id: UUID) -> Household:
        try:
            household: object = self.repository.get(household_id)
        except AggregateNotFoundError:
            raise HouseholdNotFound(
                f"no household {household_id}", field="household_id", rule="household-known"
            ) from None
        if not isinstance(household, Household):
            raise HouseholdNotFound(f"no household {household_id}", field="household_id", rule="household-known")
        return household

    def read_household(self, household_id: UUID, actor: Actor) -> Household:
        """The household, if it lies within the actor's jurisdiction."""
        household = self.get_household(household_id)
        check_jurisdiction(actor, household.division_code)
        return household

    def add_member(
        self,
        household_id: UUID,
        member: Member,
        *,
        cause: AdditionCause,
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
            lambda h, _: h.add_member(
                member, cause=cause, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def change_member(
        self,
        household_id: UUID,
        person_id: UUID,
        changes: dict[str, Any],
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
            lambda h, _: h.change_member(
                person_id, changes, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def remove_member(
        self,
        household_id: UUID,
        person_id: UUID,
        *,
        cause: RemovalCause,
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
            lambda h, _: h.remove_member(
                person_id, cause=cause, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    def record_circumstances(
        self,
        household_id: UUID,
        circumstances: Circumstances,
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
            lambda h, _: h.record_circumstances(
                circumstances, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

    # ----------------------------------------------------------- enrolments

    def apply(
        self,
        household_id: UUID,
        program: Program,
        beneficiaries: tuple[UUID, ...],
        *,
        effective_on: date,
        actor: Actor,
        expected_version: int | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> tuple[UUID, Household]:
        self._check_date(effective_on)
        if program is not Program.DIBAO:
            raise ProgramNotAvailable(
                f"applications for {program} are not open yet; dibao is", field="program", rule="program-available"
            )
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.file_application(
                program, beneficiaries, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )

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
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.withdraw_application(
                enrolment_id, effective_on=effective_on, actor=actor, reason=reason, request_id=request_id
            ),
        )[1]

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

        def command(h: Household, others: list[Aggregate]) -> UUID:
            e = h.enrolment(enrolment_id)
            params = policy.snapshot(h.division_code, effective_on)
            assessment = self.assess(h, e.beneficiaries, effective_on, params)
            return h.record_township_review(
                enrolment_id,
                assessment=assessment,
                investigated_on=investigated_on,
                findings=findings,
                opinion=opinion,
                notice_days=params.count("dibao.public_notice_days"),
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

        def command(h: Household, others: list[Aggregate]) -> UUID:
            params = policy.snapshot(h.division_code, effective_on)
            starts = schedule.benefits_start(effective_on, params)
            e = h.enrolment(enrolment_id)
            covered = tuple(h.members[p] for p in e.beneficiaries if p in h.members)
            return h.approve(
                enrolment_id,
                benefits_from=starts,
                next_review_due=schedule.next_review_due(starts, covered, params),
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
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.reject(
                enrolment_id,
                reason_code=reason_code,
                reason=reason,
                effective_on=effective_on,
                actor=actor,
                request_id=request_id,
            ),
        )

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
            if previous is not None and not previous.individual:
                beneficiaries = tuple(m.person_id for m in h.members.values() if counted(m, effective_on)[0])
            else:
                beneficiaries = tuple(p for p in e.beneficiaries if p in h.members)
            assessment = self.assess(h, beneficiaries or e.beneficiaries, effective_on, params)
            outcome = review_outcome(e.monthly_amount, previous, assessment)
            covered = tuple(h.members[p] for p in beneficiaries)
            continuing = outcome in (ReviewOutcome.CONTINUED, ReviewOutcome.ADJUSTED)
            return h.complete_review(
                enrolment_id,
                assessment=assessment,
                outcome=outcome,
                beneficiaries=beneficiaries,
                exit_until=schedule.gradual_exit_until(effective_on, params)
                if outcome is ReviewOutcome.GRADUAL_EXIT
                else None,
                next_review_due=schedule.next_review_due(effective_on, covered, params) if continuing else None,
                effective_on=effective_on,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )

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
        return self._update(
            household_id,
            expected_version,
            actor,
            lambda h, _: h.terminate(
                enrolment_id,
                reason_code=reason_code,
                reason=reason,
                effective_on=effective_on,
                actor=actor,
                request_id=request_id,
            ),
        )

    def assess(self, h: Household, beneficiaries: tuple[UUID, ...], on: date, params: ParameterSnapshot) -> Assessment:
        """Run the dibao rules on the household's facts in force on a date."""
        facts = DibaoFacts(
            area_type=h.area_type,
            members=tuple(h.members.values()),
            circumstances=h.circumstances_on(on),
            beneficiaries=beneficiaries,
            on=on,
        )
        return assess_dibao(facts, params)

    # --------------------------------------------------------------- policy

    def policy(self) -> Policy:
        try:
            policy: object = self.repository.get(policy_id())
        except AggregateNotFoundError:
            return Policy.create()
        assert isinstance(policy, Policy)
        return policy

    def set_parameter(
        self,
        *,
        name: str,
        jurisdiction: str,
        effective_from: date,
        value: Any,
        legal_basis: str,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> ParameterValue:
        for _ in range(RETRIES):
            policy = self.policy()
            result = policy.set_value(
                name=name,
                jurisdiction=jurisdiction,
                effective_from=effective_from,
                raw_value=value,
                legal_basis=legal_basis,
                actor=actor,
                reason=reason,
                request_id=request_id,
            )
            try:
                self.save(policy)
            except IntegrityError:
                continue
            return result
        raise ConcurrentUpdate("the policy changed while saving; retry", field="name", rule="retry")

    def seed_policy(self, values: Iterable[dict[str, Any]], actor: Actor) -> int:
        """Record the seed file's values once, on an empty store. Returns how many were recorded."""
        policy = self.policy()
        if policy.values:
            return 0
        for v in values:
            policy.set_value(
                name=v["name"],
                jurisdiction=v["jurisdiction"],
                effective_from=v["effective_from"],
                raw_value=v["value"],
                legal_basis=v["legal_basis"],
                actor=actor,
                reason="seeded from the policy file",
            )
        try:
            self.save(policy)
        except IntegrityError:  # another worker seeded first
            return 0
        return len(policy.values)

    # -------------------------------------------------------------- helpers

    def _check_date(self, value: date, field: str = "effective_on") -> None:
        today = self.clock().date()
        if value < EARLIEST_DATE:
            raise InvalidValue(f"{field} {value} is before {EARLIEST_DATE}", field=field, rule="date-plausible")
        if value > today + timedelta(days=self.max_future_days):
            raise InvalidValue(
                f"{field} {value} is more than {self.max_future_days} days ahead",
                field=field,
                rule="date-not-far-future",
            )

    def _update(
        self,
        household_id: UUID,
        expected_version: int | None,
        actor: Actor,
        command: Callable[[Household, list[Aggregate]], T],
    ) -> tuple[T, Household]:
        """Load, check jurisdiction and If-Match, run the command, save; on a lost race reload and re-run."""
        for _ in range(RETRIES):
            household = self.read_household(household_id, actor)
            if expected_version is not None and household.version != expected_version:
                raise StaleVersion(expected_version, household.version)
            others: list[Aggregate] = []  # person indexes, saved in the same transaction
            result = command(household, others)
            try:
                self.save(household, *others)
            except IntegrityError:
                if expected_version is not None:
                    raise StaleVersion(expected_version, self.get_household(household_id).version) from None
                continue
            return result, household
        raise ConcurrentUpdate("the household kept changing while saving; retry", field="household_id", rule="retry")
