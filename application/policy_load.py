"""Loading a parameter file (the seed's YAML shape) into a running store: first a diff, then one save.

A new jurisdiction needs every parameter the rules read; setting them one request at a time is how a
district once met 31 refusals. ``plan_load`` compares the file with the policy — each dated value (name,
jurisdiction, effective_from) is new, changed (another value or legal basis) or unchanged — and
``load_parameters`` records the new and changed values and the confirmations the file extends, all
in one save or none. A value is never edited: a changed row is recorded again and, being recorded
later, corrects the earlier record of the same key (``Policy.snapshot``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from application.base import CaseworkBase
from application.policy_service import change_policy, check_policy_jurisdiction
from domain.errors import DomainError, InvalidValue
from domain.policy import ParameterValue, Policy, parse_parameter
from domain.values import Actor, Context, jurisdiction_prefix

REASON = "loaded from a parameter file"


@dataclass(frozen=True, slots=True)
class Confirmation:
    name: str
    jurisdiction: str
    before: date | None  # None: never confirmed
    until: date


@dataclass
class LoadPlan:
    """What loading a file changes: the rows by kind, and the series whose confirmation it extends."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[ParameterValue, dict[str, Any]]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.confirmations)


def plan_load(policy: Policy, rows: Iterable[dict[str, Any]]) -> LoadPlan:
    """Compare the file's rows (``infrastructure.policy_seed.load_seed``) with what the policy holds."""
    recorded: dict[tuple[str, str, date], ParameterValue] = {}
    for v in policy.values:  # the later record of a key corrects the earlier
        recorded[(v.name, v.jurisdiction, v.effective_from)] = v
    plan = LoadPlan()
    wanted: dict[tuple[str, str], date] = {}
    for i, row in enumerate(rows):
        with _row(i, row):
            jurisdiction = jurisdiction_prefix(row["jurisdiction"])
            typed = parse_parameter(row["name"], row["value"])
            if not str(row["legal_basis"] or "").strip():
                raise InvalidValue(
                    "every parameter value names its legal basis", field="legal_basis", rule="legal-basis-required"
                )
            row = {**row, "jurisdiction": jurisdiction, "row": i}
            old = recorded.get((row["name"], jurisdiction, row["effective_from"]))
            if old is None:
                plan.new.append(row)
            elif (old.value, old.legal_basis) != (typed, str(row["legal_basis"] or "").strip()):
                plan.changed.append((old, row))
            else:
                plan.unchanged.append(row)
            key = (row["name"], jurisdiction)
            wanted[key] = max(wanted.get(key, date.min), row["confirmed_until"])
    for (name, jurisdiction), until in sorted(wanted.items()):
        before = policy.confirmed.get((name, jurisdiction))
        if before is None or before < until:
            plan.confirmations.append(Confirmation(name, jurisdiction, before, until))
    return plan


def load_parameters(app: CaseworkBase, rows: list[dict[str, Any]], actor: Actor, *, dry_run: bool) -> LoadPlan:
    """Record what ``plan_load`` finds new or changed, and extend the confirmations, in one save (none on a
    dry run, which still checks every row: a refused row is named by its index, name and jurisdiction)."""
    for i, row in enumerate(rows):
        with _row(i, row):
            check_policy_jurisdiction(actor, str(row["jurisdiction"]))

    def apply(policy: Policy) -> LoadPlan:
        plan = plan_load(policy, rows)
        for row in sorted([*plan.new, *(r for _, r in plan.changed)], key=lambda r: int(r["row"])):
            with _row(int(row["row"]), row):
                policy.set_value(
                    name=row["name"],
                    jurisdiction=row["jurisdiction"],
                    raw_value=row["value"],
                    legal_basis=str(row["legal_basis"]),
                    ctx=Context(row["effective_from"], actor, REASON),
                )
        for c in plan.confirmations:
            policy.confirm(
                name=c.name, jurisdiction=c.jurisdiction, confirmed_until=c.until, ctx=Context(c.until, actor, REASON)
            )
        return plan

    return apply(app.load_policy()) if dry_run else change_policy(app, apply)


@contextmanager
def _row(index: int, row: dict[str, Any]) -> Iterator[None]:
    """Name the file's row in a refusal: its index, parameter, jurisdiction and date."""
    try:
        yield
    except DomainError as e:
        where = f"row {index} ({row.get('name')} for {row.get('jurisdiction')} from {row.get('effective_from')})"
        e.message = f"{where}: {e.message}"
        e.args = (e.message,)
        e.field = f"items.{index}.{e.field}" if e.field else f"items.{index}"
        raise
