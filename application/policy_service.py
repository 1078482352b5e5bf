"""Handlers of the writes on policy parameters: dated values and confirmations set by an admin, and
the seed recorded once on an empty store. The policy is one aggregate; each write takes its own copy
(``load_policy``), changes it and saves it, retrying a lost race."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from application.base import RETRIES, CaseworkBase, T
from application.commands import ConfirmParameter, SetParameter
from application.errors import ConcurrentUpdate, OutsideJurisdiction
from domain.errors import DomainError
from domain.policy import ParameterValue, Policy
from domain.values import Actor, Context, Role

C = TypeVar("C", SetParameter, ConfirmParameter)


def set_parameter(app: CaseworkBase, cmd: SetParameter) -> ParameterValue:
    """Record a new dated value; an admin may set values only inside their own jurisdiction."""
    return set_parameters(app, [cmd], batch=False)[0]


def confirm_parameter(app: CaseworkBase, cmd: ConfirmParameter) -> None:
    """Extend (or shorten) the date up to which a parameter series is confirmed."""
    confirm_parameters(app, [cmd], batch=False)


def set_parameters(app: CaseworkBase, cmds: Sequence[SetParameter], *, batch: bool = True) -> list[ParameterValue]:
    """Record many dated values at once: all of them in one save, or none (an error names the item)."""

    def change(policy: Policy, cmd: SetParameter) -> ParameterValue:
        return policy.set_value(
            name=cmd.name,
            jurisdiction=cmd.jurisdiction,
            raw_value=cmd.value,
            legal_basis=cmd.legal_basis,
            ctx=cmd.meta.context,
        )

    return change_policy_items(app, cmds, change, batch=batch)


def confirm_parameters(app: CaseworkBase, cmds: Sequence[ConfirmParameter], *, batch: bool = True) -> None:
    """Confirm many series at once: all of them in one save, or none (an error names the item)."""

    def change(policy: Policy, cmd: ConfirmParameter) -> None:
        policy.confirm(
            name=cmd.name, jurisdiction=cmd.jurisdiction, confirmed_until=cmd.confirmed_until, ctx=cmd.meta.context
        )

    change_policy_items(app, cmds, change, batch=batch)


def change_policy_items(
    app: CaseworkBase, cmds: Sequence[C], change: Callable[[Policy, C], T], *, batch: bool
) -> list[T]:
    """Apply each command to one copy of the policy and save it once. In a batch, a refused item is
    named by its index (``items.3.value``), so one answer lists where the file or request is wrong."""
    for i, cmd in enumerate(cmds):
        with _item(i, batch):
            check_policy_jurisdiction(cmd.meta.actor, cmd.jurisdiction)

    def apply_all(policy: Policy) -> list[T]:
        out = []
        for i, cmd in enumerate(cmds):
            with _item(i, batch):
                out.append(change(policy, cmd))
        return out

    return change_policy(app, apply_all)


@contextmanager
def _item(index: int, batch: bool) -> Iterator[None]:
    """Re-raise a refusal of a batch's item with the item's index in its field and message."""
    try:
        yield
    except DomainError as e:
        if not batch:
            raise
        e.field = f"items.{index}.{e.field}" if e.field else f"items.{index}"
        e.message = f"item {index}: {e.message}"
        e.args = (e.message,)
        raise


def check_policy_jurisdiction(actor: Actor, jurisdiction: str) -> None:
    """An admin sets values for their own jurisdiction prefix or inside it: a province's (2 digits) or a
    city's (4) admin for the province or city and every division in it; a district's admin cannot set
    the province's value."""
    if actor.role is not Role.SYSTEM and not jurisdiction.startswith(actor.jurisdiction):
        raise OutsideJurisdiction(
            f"jurisdiction {jurisdiction} is outside the caller's {actor.jurisdiction}: the parameters of"
            f" {jurisdiction} are set and confirmed by an admin whose token names {jurisdiction} or a prefix of it",
            field="jurisdiction",
            rule="jurisdiction",
        )


def change_policy(app: CaseworkBase, change: Callable[[Policy], T]) -> T:
    """Apply the change to a fresh copy of the policy and save it once; retry a lost race."""
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
