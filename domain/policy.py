"""Policy parameters: effective-dated values per jurisdiction prefix, kept as recorded facts.

A change in the law adds a dated value; nothing is edited. The longest jurisdiction prefix that
matches a household's division wins, then the latest ``effective_from`` on or before the date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleViolation
from domain.values import MAX_AMOUNT, Actor, jurisdiction_prefix


class ParameterKind(StrEnum):
    AMOUNT = "amount"  # yuan, 2 places
    RATIO = "ratio"  # a multiplier such as 1.5
    COUNT = "count"  # whole days, months, items
    CODES = "codes"  # a set of vocabulary codes


#: The catalogue: every parameter the rules read, its kind and meaning. New names are added here.
CATALOGUE: dict[str, tuple[ParameterKind, str]] = {
    "dibao.standard.urban": (ParameterKind.AMOUNT, "urban dibao standard, yuan per person per month"),
    "dibao.standard.rural": (ParameterKind.AMOUNT, "rural dibao standard, yuan per person per month"),
    "dibao.asset.financial_months": (
        ParameterKind.COUNT,
        "per-capita financial assets may not exceed this many months of the standard",
    ),
    "dibao.asset.vehicle_value_limit": (
        ParameterKind.AMOUNT,
        "total value of the household's motor vehicles may not exceed this",
    ),
    "dibao.asset.max_dwellings": (ParameterKind.COUNT, "number of dwellings the household may own"),
    "dibao.margin_multiplier": (
        ParameterKind.RATIO,
        "margin household: per-capita income below this multiple of the standard",
    ),
    "dibao.income.excluded_kinds": (ParameterKind.CODES, "income kinds not counted as household income"),
    "dibao.public_notice_days": (ParameterKind.COUNT, "days of public notice after the township opinion"),
    "dibao.benefit_start_months": (ParameterKind.COUNT, "benefits start this many months after the approval's month"),
    "dibao.gradual_exit_months": (ParameterKind.COUNT, "months of continued payment in gradual exit"),
    "dibao.review_months.stable": (ParameterKind.COUNT, "review interval where income is stable"),
    "dibao.review_months.other": (ParameterKind.COUNT, "review interval otherwise"),
    "decision.deadline_working_days": (ParameterKind.COUNT, "working days from application to decision"),
    "decision.extended_deadline_working_days": (
        ParameterKind.COUNT,
        "working days from application to decision where the deadline was extended (special cases)",
    ),
    "tekun.multiplier": (ParameterKind.RATIO, "tekun basic living as a multiple of the dibao standard"),
    "tekun.asset.financial_limit": (ParameterKind.AMOUNT, "tekun: financial assets may not exceed this"),
    "tekun.care.concentrated.self_care": (ParameterKind.AMOUNT, "tekun care subsidy, concentrated, self care"),
    "tekun.care.concentrated.partial": (ParameterKind.AMOUNT, "tekun care subsidy, concentrated, partial"),
    "tekun.care.concentrated.full": (ParameterKind.AMOUNT, "tekun care subsidy, concentrated, full"),
    "tekun.care.dispersed.self_care": (ParameterKind.AMOUNT, "tekun care subsidy, dispersed, self care"),
    "tekun.care.dispersed.partial": (ParameterKind.AMOUNT, "tekun care subsidy, dispersed, partial"),
    "tekun.care.dispersed.full": (ParameterKind.AMOUNT, "tekun care subsidy, dispersed, full"),
    "tekun.school_extension_age": (ParameterKind.COUNT, "a tekun student in full-time school stays until this age"),
    "tekun.review_months": (ParameterKind.COUNT, "review interval for tekun"),
    "children.review_months": (ParameterKind.COUNT, "review interval for orphans and unsupported children"),
    "children.school_extension_age": (ParameterKind.COUNT, "a child in full-time school stays enrolled until this age"),
    "orphan.rate.institutional": (ParameterKind.AMOUNT, "orphan rate, institutional placement, per month"),
    "orphan.rate.community": (ParameterKind.AMOUNT, "orphan rate, community placement, per month"),
    "unsupported_child.rate": (ParameterKind.AMOUNT, "unsupported-child rate per month (community orphan rate)"),
    "temporary.township_cap": (ParameterKind.AMOUNT, "largest temporary-assistance grant a township may approve"),
}


def policy_id() -> UUID:
    """The one policy aggregate of a deployment."""
    return uuid5(NAMESPACE_URL, "jiuzhu:policy")


def parse_parameter(name: str, raw: Any) -> Decimal | int | tuple[str, ...]:
    """Check a raw value against the catalogue and return it typed."""
    if name not in CATALOGUE:
        raise InvalidValue(f"unknown parameter {name!r}", field="name", rule="parameter-known")
    kind = CATALOGUE[name][0]
    if kind is ParameterKind.CODES:
        if not isinstance(raw, (list, tuple)) or not all(isinstance(c, str) and c for c in raw):
            raise InvalidValue(f"{name} takes a list of codes", field="value", rule="parameter-codes")
        return tuple(sorted(set(raw)))
    if kind is ParameterKind.COUNT:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise InvalidValue(f"{name} takes a non-negative integer", field="value", rule="parameter-count")
        return raw
    if isinstance(raw, (bool, float)):
        raise InvalidValue(f"{name} takes a decimal string", field="value", rule="parameter-decimal")
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise InvalidValue(f"{name} takes a decimal, got {raw!r}", field="value", rule="parameter-decimal") from None
    if not value.is_finite() or value < 0:
        raise InvalidValue(f"{name} must be a non-negative decimal", field="value", rule="parameter-decimal")
    if value > MAX_AMOUNT:
        raise InvalidValue(f"{name} exceeds {MAX_AMOUNT}", field="value", rule="money-too-large")
    if kind is ParameterKind.AMOUNT and value != value.quantize(Decimal("0.01")):
        raise InvalidValue(f"{name} has more than 2 decimal places", field="value", rule="money-cents")
    return value


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One dated value of one parameter in one jurisdiction, with the law that sets it."""

    name: str
    jurisdiction: str
    effective_from: date
    value: Decimal | int | tuple[str, ...]
    legal_basis: str


@dataclass
class ParameterSnapshot:
    """The parameters in force for one division on one date; remembers what was read."""

    division_code: str
    on: date
    values: dict[str, ParameterValue]
    used: dict[str, ParameterValue] = field(default_factory=dict)
    #: (name, jurisdiction) → the date up to which that series is confirmed; None: not checked (re-computations)
    confirmed: dict[tuple[str, str], date] | None = None

    def get(self, name: str) -> ParameterValue:
        try:
            value = self.values[name]
        except KeyError:
            raise RuleViolation(
                f"parameter {name} has no value in force for {self.division_code} on {self.on}",
                field=name,
                rule="parameter-missing",
            ) from None
        if self.confirmed is not None:
            until = self.confirmed.get((name, value.jurisdiction))
            if until is None or until < self.on:
                raise RuleViolation(
                    f"parameter {name} for {value.jurisdiction} is confirmed only until {until}, not for {self.on}:"
                    " an admin must confirm it further or set a new value",
                    field=name,
                    rule="parameter-not-confirmed",
                )
        self.used[name] = value
        return value

    def decimal(self, name: str) -> Decimal:
        return Decimal(self.get(name).value)  # type: ignore[arg-type]

    def count(self, name: str) -> int:
        return int(self.get(name).value)  # type: ignore[arg-type]

    def codes(self, name: str) -> frozenset[str]:
        return frozenset(self.get(name).value)  # type: ignore[arg-type]

    def used_values(self) -> tuple[ParameterValue, ...]:
        return tuple(self.used[k] for k in sorted(self.used))


class Policy(Aggregate):
    """Every parameter value ever set, in the order it was recorded."""

    class Created(Aggregate.Created):
        pass

    class ValueSet(Aggregate.Event):
        """A parameter value was set for a jurisdiction from a date, under a legal basis."""

        value: ParameterValue
        actor: Actor
        effective_on: date
        reason: str
        request_id: str | None

        def apply(self, aggregate: Policy) -> None:
            aggregate.values.append(self.value)

    class SeriesConfirmed(Aggregate.Event):
        """An admin confirmed that a parameter series holds, unchanged, up to a date."""

        name: str
        jurisdiction: str
        confirmed_until: date
        actor: Actor
        effective_on: date
        reason: str
        request_id: str | None

        def apply(self, aggregate: Policy) -> None:
            aggregate.confirmed[(self.name, self.jurisdiction)] = self.confirmed_until

    def __init__(self) -> None:
        self.values: list[ParameterValue] = []
        self.confirmed: dict[tuple[str, str], date] = {}

    def confirm(
        self,
        *,
        name: str,
        jurisdiction: str,
        confirmed_until: date,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> None:
        """Confirm a series up to a date; only series with a value can be confirmed."""
        if not any(v.name == name and v.jurisdiction == jurisdiction for v in self.values):
            raise InvalidValue(f"no value of {name} is set for {jurisdiction}", field="name", rule="series-known")
        self.trigger_event(
            self.SeriesConfirmed,
            name=name,
            jurisdiction=jurisdiction,
            confirmed_until=confirmed_until,
            actor=actor,
            effective_on=confirmed_until,
            reason=reason,
            request_id=request_id,
        )

    @classmethod
    def create(cls) -> Policy:
        return cls._create(cls.Created, id=policy_id())

    def set_value(
        self,
        *,
        name: str,
        jurisdiction: str,
        effective_from: date,
        raw_value: Any,
        legal_basis: str,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
    ) -> ParameterValue:
        if not legal_basis or not legal_basis.strip():
            raise InvalidValue(
                "every parameter value names its legal basis", field="legal_basis", rule="legal-basis-required"
            )
        value = ParameterValue(
            name=name,
            jurisdiction=jurisdiction_prefix(jurisdiction),
            effective_from=effective_from,
            value=parse_parameter(name, raw_value),
            legal_basis=legal_basis.strip(),
        )
        self.trigger_event(
            self.ValueSet, value=value, actor=actor, effective_on=effective_from, reason=reason, request_id=request_id
        )
        return value

    def snapshot(self, division_code: str, on: date) -> ParameterSnapshot:
        best: dict[str, ParameterValue] = {}
        for v in self.values:  # recorded order: a later record of the same key corrects an earlier one
            if not division_code.startswith(v.jurisdiction) or v.effective_from > on:
                continue
            cur = best.get(v.name)
            if cur is None or (len(v.jurisdiction), v.effective_from) >= (len(cur.jurisdiction), cur.effective_from):
                best[v.name] = v
        return ParameterSnapshot(division_code=division_code, on=on, values=best, confirmed=dict(self.confirmed))
