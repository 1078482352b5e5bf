"""Use cases on policy parameters: seeding, dated values set by an admin."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from eventsourcing.persistence import IntegrityError

from application.base import RETRIES, CaseworkBase, T
from application.errors import ConcurrentUpdate, OutsideJurisdiction
from domain.policy import ParameterValue, Policy
from domain.values import Actor, Role


class PolicyCommands(CaseworkBase):
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
        """Record a new dated value; an admin may set values only inside their own jurisdiction."""
        self._check_date(effective_from, "effective_from")
        return self._change_policy(
            actor,
            jurisdiction,
            lambda policy: policy.set_value(
                name=name,
                jurisdiction=jurisdiction,
                effective_from=effective_from,
                raw_value=value,
                legal_basis=legal_basis,
                actor=actor,
                reason=reason,
                request_id=request_id,
            ),
        )

    def confirm_parameter(
        self,
        *,
        name: str,
        jurisdiction: str,
        confirmed_until: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> None:
        """Extend (or shorten) the date up to which a parameter series is confirmed."""
        self._change_policy(
            actor,
            jurisdiction,
            lambda policy: policy.confirm(
                name=name,
                jurisdiction=jurisdiction,
                confirmed_until=confirmed_until,
                actor=actor,
                reason=reason,
                request_id=request_id,
            ),
        )

    def _change_policy(self, actor: Actor, jurisdiction: str, change: Callable[[Policy], T]) -> T:
        """Check the admin's jurisdiction, apply the change to the policy and save; retry a lost race."""
        if actor.role is not Role.SYSTEM and not jurisdiction.startswith(actor.jurisdiction):
            raise OutsideJurisdiction(
                f"jurisdiction {jurisdiction} is outside the caller's {actor.jurisdiction}",
                field="jurisdiction",
                rule="jurisdiction",
            )
        for _ in range(RETRIES):
            policy = self.load_policy()  # a copy of its own: this command changes it
            result = change(policy)
            try:
                self.save(policy)
            except IntegrityError:
                continue
            return result
        raise ConcurrentUpdate("the policy changed while saving; retry", field="name", rule="retry")

    def seed_policy(self, values: Iterable[dict[str, Any]], actor: Actor) -> int:
        """Record the seed file's values once, on an empty store. Returns how many were recorded."""
        policy = self.load_policy()  # a copy of its own: this command changes it
        if policy.values:
            return 0
        confirmations: dict[tuple[str, str], date] = {}
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
            key = (v["name"], v["jurisdiction"])
            confirmations[key] = max(confirmations.get(key, date.min), v["confirmed_until"])
        for (name, jurisdiction), until in sorted(confirmations.items()):
            policy.confirm(
                name=name,
                jurisdiction=jurisdiction,
                confirmed_until=until,
                actor=actor,
                reason="confirmed by the policy file",
            )
        try:
            self.save(policy)
        except IntegrityError:  # another worker seeded first
            return 0
        return len(policy.values)
