"""What every use case shares: persistence wiring, the clock, loading with jurisdiction and If-Match
checks, and saving a household together with the index aggregates its command touched."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, JSONTranscoder, Mapper, Recording
from eventsourcing.utils import Environment, EnvType

from application.errors import (
    ConcurrentUpdate,
    HouseholdFailedVerification,
    HouseholdNotFound,
    HouseholdOutsideJurisdiction,
    OutsideJurisdiction,
    StaleVersion,
)
from domain.assessment import Assessment
from domain.entitlement import Trigger, due_in_month, month_of, reconcile
from domain.errors import InvalidValue
from domain.household import Household
from domain.policy import ParameterSnapshot, Policy, policy_id
from domain.values import Actor
from infrastructure.ledger import RECORDER_TOPICS, LedgerMixin, POPOLedgerRecorder
from infrastructure.mapping import TypedMapper
from infrastructure.transcodings import register_transcodings

T = TypeVar("T")
integrity_log = logging.getLogger("jiuzhu.integrity")
EARLIEST_DATE = date(1950, 1, 1)
RETRIES = 3
DEV_INDEX_KEY = b"jiuzhu-dev-index-key-change-me-in-production"

#: Events that change a household's facts (the rest are decisions).
FACT_EVENTS = frozenset(
    {
        "Registered",
        "MemberAdded",
        "MemberChanged",
        "MemberRemoved",
        "CareAssessed",
        "ParentsRecorded",
        "CircumstancesRecorded",
        "ResidenceRecorded",
        "DisabilityCertified",
    }
)

#: A command on a loaded household; it may append other aggregates (person indexes) to save with it.
Command = Callable[[Household, list[Aggregate]], T]


def utc_now() -> datetime:
    return datetime.now(UTC)


def project(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply stored events in order: the library's ``project_aggregate`` without its per-event
    ``isinstance`` check against a runtime protocol, which cost more than applying the event."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def check_jurisdiction(actor: Actor, division_code: str) -> None:
    if not division_code.startswith(actor.jurisdiction):
        raise OutsideJurisdiction(
            f"division {division_code} is outside the caller's jurisdiction {actor.jurisdiction}",
            field="division_code",
            rule="jurisdiction",
        )


def unknown_household(household_id: UUID, *, outside: bool = False) -> HouseholdNotFound:
    """The one answer for an id that is unknown or lies outside the caller's jurisdiction."""
    kind = HouseholdOutsideJurisdiction if outside else HouseholdNotFound
    return kind(
        f"no household {household_id} in the caller's jurisdiction", field="household_id", rule="household-known"
    )


class CaseworkBase(Application[UUID]):
    name = "jiuzhu"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        max_future_days: int = 366,
        index_key: bytes = DEV_INDEX_KEY,
    ) -> None:
        super().__init__(env=env)
        self.clock = clock
        self.max_future_days = max_future_days
        self.index_key = index_key
        self.ledger: LedgerMixin = self.recorder  # type: ignore[assignment]
        self.ledger.clock = clock
        self.on_saved: list[Callable[[list[Recording[UUID]]], None]] = []  # e.g. the metrics' event counter
        self._policy: Policy | None = None  # the last policy read, brought up to date on each read

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """After each save (committed): tell the listeners what was recorded."""
        for listener in self.on_saved:
            listener(recordings)

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
        recorder = super().construct_recorder()
        group_commits = getattr(recorder, "group_commits", None)  # PostgreSQL only: infrastructure.group_commit
        if group_commits is not None and (self.env.get("GROUP_COMMIT") or "n").lower() in ("y", "yes", "true", "1"):
            group_commits()
        return recorder

    def close(self) -> None:
        stop = getattr(self.recorder, "close_group_commits", None)
        if stop is not None:
            stop()
        super().close()

    def construct_mapper(self) -> Mapper[UUID]:
        """The library's mapper with decoded events typed by pydantic (``infrastructure.mapping``)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=TypedMapper)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    # ------------------------------------------------------------- loading

    def get_household(self, household_id: UUID) -> Household:
        try:
            household: object = self.repository.get(household_id, projector_func=project)
        except AggregateNotFoundError:
            household = None
        except ValueError as e:  # the cipher's MAC check or the decoding failed: a stored event was altered
            integrity_log.error("household %s failed verification: %s", household_id, e)
            raise HouseholdFailedVerification(
                f"household {household_id} failed verification: a stored event was altered; "
                "an auditor's GET /api/v1/audit/verification names it",
                field="household_id",
                rule="store-untampered",
            ) from None
        if not isinstance(household, Household):
            raise unknown_household(household_id)
        return household

    def read_household(self, household_id: UUID, actor: Actor) -> Household:
        """The household, if it lies within the actor's jurisdiction; one outside it is answered
        exactly like an unknown id, so that a caller cannot probe which ids exist elsewhere."""
        household = self.get_household(household_id)
        if not household.division_code.startswith(actor.jurisdiction):
            raise unknown_household(household_id, outside=True)
        return household

    def policy(self) -> Policy:
        """The policy for reading: the copy read last, brought up to date with the events recorded
        since (one small query), so every command still sees every committed value. Never change
        it: a command that changes the policy takes its own copy (``load_policy``)."""
        cached = self._policy
        if cached is None:
            policy = self.load_policy()
        else:
            newer = list(self.repository.event_store.get(policy_id(), gt=cached.version))
            if not newer:
                return cached
            policy = project(deepcopy(cached), newer)
        if not policy.pending_events:  # a policy not stored yet is not kept
            self._policy = policy
        return policy

    def load_policy(self) -> Policy:
        """A fresh copy of the policy from its stored events (a new one if none is stored)."""
        try:
            policy: object = self.repository.get(policy_id(), projector_func=project)
        except AggregateNotFoundError:
            return Policy.create()
        assert isinstance(policy, Policy)
        return policy

    # ------------------------------------------------------------- money

    def reconcile(
        self, household: Household, actor: Actor, trigger: Trigger | None = None, *, since: date | None = None
    ) -> list[UUID]:
        """Record, beside the command's own events, every change of what is due that they bring about."""
        pending = [
            e
            for e in household.pending_events
            if isinstance(e, Household.Event) and not isinstance(e, Household.EntitlementChanged)
        ]
        if trigger is None:
            if not pending:
                return []
            names = ", ".join(dict.fromkeys(type(e).__name__ for e in pending))
            kinds = {type(e).__name__ for e in pending}
            cause = "fact" if kinds & FACT_EVENTS else "decision"
            trigger = Trigger(cause, names, actor, getattr(pending[0], "request_id", None))
            since = month_of(min(e.effective_on for e in pending))
        policy = self.policy()
        snapshots: dict[date, ParameterSnapshot] = {}

        def params_for(month: date) -> ParameterSnapshot:
            if month not in snapshots:
                snapshots[month] = self.pricing_params(household.division_code, month, policy)
            return snapshots[month]

        changes: dict[date, list[str]] = {}
        for v in policy.values:
            if household.division_code.startswith(v.jurisdiction):
                changes.setdefault(v.effective_from, []).append(f"{v.name} = {v.value} ({v.jurisdiction})")
        return reconcile(household, params_for, changes, trigger, since=since)

    def pricing_params(self, division_code: str, month: date, policy: Policy | None = None) -> ParameterSnapshot:
        """The parameters that price a month. Not held to the stale-parameter guard: what is due is
        re-computed for every month, and only new decisions wait for a series to be confirmed."""
        return replace((policy or self.policy()).snapshot(division_code, month), confirmed=None)

    def priced(self, household: Household, enrolment_id: UUID, month: date) -> Assessment | None:
        """The assessment that prices the enrolment's month as now known (None when no rule ran)."""
        found = due_in_month(household, month, self.pricing_params(household.division_code, month)).get(enrolment_id)
        return found.assessment if found is not None else None

    # ------------------------------------------------------------- helpers

    def check_date(self, value: date, field: str = "effective_on") -> None:
        """A date a caller gives is plausible: not before 1950, not absurdly far ahead."""
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
        self, household_id: UUID, expected_version: int | None, actor: Actor, command: Command[T]
    ) -> tuple[T, Household]:
        """Load, check jurisdiction and If-Match, run the command, save; on a lost race reload and re-run."""
        for _ in range(RETRIES):
            household = self.read_household(household_id, actor)
            if expected_version is not None and household.version != expected_version:
                raise StaleVersion(expected_version, household.version)
            others: list[Aggregate] = []  # person indexes, saved in the same transaction
            result = command(household, others)
            self.reconcile(household, actor)
            try:
                self.save(household, *others)
            except IntegrityError:  # another writer saved this household or one of the indexes first
                current = self.get_household(household_id).version
                if expected_version is not None and current != expected_version:
                    raise StaleVersion(expected_version, current) from None
                continue
            return result, household
        raise ConcurrentUpdate("the household kept changing while saving; retry", field="household_id", rule="retry")
