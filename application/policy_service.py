"""Handlers of the writes on policy parameters: dated values and confirmations set by an admin, and
the seed recorded once on an empty store. The policy is one aggregate; each write takes its own copy
(``load_policy``), changes it and saves it, retrying a lost race."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from eventsourcing.persistence import IntegrityError

from application.base import RETRIES, CaseworkBase, T
from application.commands import ConfirmParameter, SetParameter
from application.errors import ConcurrentUpdate, OutsideJurisdiction
from domain.policy import ParameterValue, Policy
from domain.values import Actor, Context, Role


def set_parameter(app: CaseworkBase, cmd: SetParameter) -> ParameterValue:
    """Record a new dated value; an admin may set values only inside their own jurisdiction."""
    meta = cmd.meta
    return change_policy(
        app,
        meta.actor,
        cmd.jurisdiction,
        lambda policy: policy.set_value(
            name=cmd.name,
            jurisdiction=cmd.jurisdiction,
            raw_value=cmd.value,
            legal_basis=cmd.legal_basis,
            ctx=meta.context,
        ),
    )


def confirm_parameter(app: CaseworkBase, cmd: ConfirmParameter) -> None:
    """Extend (or shorten) the date up to which a parameter series is confirmed."""
    meta = cmd.meta
    change_policy(
        app,
        meta.actor,
        cmd.jurisdiction,
        lambda policy: policy.confirm(
            name=cmd.name, jurisdiction=cmd.jurisdiction, confirmed_until=cmd.confirmed_until, ctx=meta.context
        ),
    )


def change_policy(app: CaseworkBase, actor: Actor, jurisdiction: str, change: Callable[[Policy], T]) -> T:
    """Check the admin's jurisdiction, apply the change to the policy and save; retry a lost race."""
    if actor.role is not Role.SYSTEM and not jurisdiction.startswith(actor.jurisdiction):
        raise OutsideJurisdiction(
            f"jurisdiction {jurisdiction} is outside the caller's {actor.jurisdiction}",
            field="jurisdiction",
            rule="jurisdiction",
        )
    for _ in range(RETRIES):
        policy = app.load_policy()  # a copy of its own: this command changes it
        result = change(policy)
        try:
            app.save(policy)
        except IntegrityError:
            continue
        return result
    raise ConcurrentUpdate("the policy changed while saving; retry", field="name", rule="retry")


def seed_policy(app: CaseworkBase, values: Iterable[dict[str, Any]], actor: Actor) -> int:
    """Record the seed file's values once, on an empty store. Returns how many were recorded."""
    policy = app.load_policy()  # a copy of its own: this command changes it
    if policy.values:
        return 0
    confirmations: dict[tuple[str, str], date] = {}
    for v in values:
        policy.set_value(
            name=v["name"],
            jurisdiction=v["jurisdiction"],
            raw_value=v["value"],
            legal_basis=v["legal_basis"],
            ctx=Context(v["effective_from"], actor, "seeded from the policy file"),
        )
        key = (v["name"], v["jurisdiction"])
        confirmations[key] = max(confirmations.get(key, date.min), v["confirmed_until"])
    for (name, jurisdiction), until in sorted(confirmations.items()):
        policy.confirm(
            name=name,
            jurisdiction=jurisdiction,
            confirmed_until=until,
            ctx=Context(until, actor, "confirmed by the policy file"),
        )
    try:
        app.save(policy)
    except IntegrityError:  # another worker seeded first
        return 0
    return len(policy.values)
