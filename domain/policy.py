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
from domain.values import MAX_AMOUNT, Actor, Context, jurisdiction_prefix


class ParameterKind(StrEnum):
    AMOUNT = "amount"  # yuan, 2 places
    RATIO = "ratio"  # a multiplier such as 1.5
    COUNT = "count"  # whole days, months, items
    CODES = "codes"  # a set of vocabulary codes


#: Every parameter the rules read, with its kind (how a value is checked and typed) and unit. This is
#: all the domain needs; each parameter's description and legal basis sit beside its dated values in
#: the seed file (``infrastructure/seed/parameters.yaml``), which a test holds to these kinds and units.
CATALOGUE: dict[str, tuple[ParameterKind, str]] = {
    "dibao.standard.urban": (ParameterKind.AMOUNT, "yuan per person per month"),
    "dibao.standard.rural": (ParameterKind.AMOUNT, "yuan per person per month"),
    "dibao.asset.financial_months": (ParameterKind.COUNT, "months of the standard"),
    "dibao.asset.vehicle_value_limit": (ParameterKind.AMOUNT, "yuan"),
    "dibao.asset.max_dwellings": (ParameterKind.COUNT, "dwellings"),
    "dibao.margin_multiplier": (ParameterKind.RATIO, "times the standard"),
    "register.expense_share": (ParameterKind.RATIO, "times the gross income"),
    "dibao.income.excluded_kinds": (ParameterKind.CODES, "income kinds"),
    "dibao.public_notice_days": (ParameterKind.COUNT, "days"),
    "dibao.benefit_start_months": (ParameterKind.COUNT, "months"),
    "dibao.gradual_exit_months": (ParameterKind.COUNT, "months"),
    "dibao.review_months.stable": (ParameterKind.COUNT, "months"),
    "dibao.review_months.other": (ParameterKind.COUNT, "months"),
    "decision.deadline_working_days": (ParameterKind.COUNT, "working days"),
    "decision.extended_deadline_working_days": (ParameterKind.COUNT, "working days"),
    "tekun.multiplier": (ParameterKind.RATIO, "times the dibao standard"),
    "tekun.asset.financial_limit": (ParameterKind.AMOUNT, "yuan"),
    "tekun.care.concentrated.self_care": (ParameterKind.AMOUNT, "yuan per month"),
    "tekun.care.concentrated.partial": (ParameterKind.AMOUNT, "yuan per month"),
    "tekun.care.concentrated.full": (ParameterKind.AMOUNT, "yuan per month"),
    "tekun.care.dispersed.self_care": (ParameterKind.AMOUNT, "yuan per month"),
    "tekun.care.dispersed.partial": (ParameterKind.AMOUNT, "yuan per month"),
    "tekun.care.dispersed.full": (ParameterKind.AMOUNT, "yuan per month"),
    "tekun.school_extension_age": (ParameterKind.COUNT, "years of age"),
    "tekun.review_months": (ParameterKind.COUNT, "months"),
    "children.review_months": (ParameterKind.COUNT, "months"),
    "children.school_extension_age": (ParameterKind.COUNT, "years of age"),
    "children.min_months": (ParameterKind.COUNT, "whole months"),
    "orphan.rate.institutional": (ParameterKind.AMOUNT, "yuan per month"),
    "orphan.rate.community": (ParameterKind.AMOUNT, "yuan per month"),
    "unsupported_child.rate": (ParameterKind.AMOUNT, "yuan per month"),
    "temporary.township_cap": (ParameterKind.AMOUNT, "yuan"),
    "person.adult_age": (ParameterKind.COUNT, "years of age"),
    "person.elderly_age": (ParameterKind.COUNT, "years of age"),
    "person.working_age": (ParameterKind.COUNT, "years of age"),
    "household.death_review_months": (ParameterKind.COUNT, "months"),
    "elderly_allowance.age.band_1": (ParameterKind.COUNT, "years of age"),
    "elderly_allowance.age.band_2": (ParameterKind.COUNT, "years of age"),
    "elderly_allowance.age.band_3": (ParameterKind.COUNT, "years of age"),
    "elderly_allowance.amount.band_1": (ParameterKind.AMOUNT, "yuan per month"),
    "elderly_allowance.amount.band_2": (ParameterKind.AMOUNT, "yuan per month"),
    "elderly_allowance.amount.band_3": (ParameterKind.AMOUNT, "yuan per month"),
    "elderly_allowance.verification_months": (ParameterKind.COUNT, "months"),
    "elderly_allowance.verification_grace_days": (ParameterKind.COUNT, "days"),
    "elderly_allowance.automatic_enrolment": (ParameterKind.COUNT, "0 no, 1 yes"),
    "home_care.min_age": (ParameterKind.COUNT, "years of age"),
    "home_care.amount.partial": (ParameterKind.AMOUNT, "yuan per month"),
    "home_care.amount.full": (ParameterKind.AMOUNT, "yuan per month"),
    "home_care.review_months": (ParameterKind.COUNT, "months"),
    "disability_living.amount.grade_1": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_living.amount.grade_2": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_living.amount.grade_3": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_living.amount.grade_4": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_care.amount.grade_1": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_care.amount.grade_2": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_care.amount.grade_3": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_care.amount.grade_4": (ParameterKind.AMOUNT, "yuan per month"),
    "disability_living.household_kinds": (ParameterKind.CODES, "household kinds"),
    "disability_care.lesser_grade_categories": (ParameterKind.CODES, "disability categories"),
    "disability_living.review_months": (ParameterKind.COUNT, "months"),
    "disability_care.review_months": (ParameterKind.COUNT, "months"),
}

#: The values national law fixes for the parameters added after stores were first seeded. A store (or a
#: hand-built policy) with no value in force for one of these reads this value instead, and records no
#: parameter for it; a store that has the series reads and records the series (docs/rules.md).
STATUTORY_DEFAULTS: dict[str, int] = {
    "person.adult_age": 18,  # 《民法典》第十七条: 十八周岁以上的自然人为成年人
    "person.elderly_age": 60,  # 《老年人权益保障法》第二条; 《特困人员认定办法》年满60周岁
    "person.working_age": 16,  # 《劳动法》第十五条: 禁止用人单位招用未满十六周岁的未成年人
    "children.min_months": 6,  # 民发〔2019〕62号: 失联、限制人身自由六个月以上
    "household.death_review_months": 3,  # 民发〔2021〕57号: 家庭成员死亡的及时核查
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
                how_far = "is never confirmed" if until is None else f"is confirmed only until {until}"
                raise RuleViolation(
                    f"parameter {name} for {value.jurisdiction} {how_far}, not for {self.on}:"
                    " an admin must confirm it further or set a new value",
                    field=name,
                    rule="parameter-not-confirmed",
                )
        self.used[name] = value
        return value

    def decimal(self, name: str) -> Decimal:
        return Decimal(self.get(name).value)  # type: ignore[arg-type]

    def count(self, name: str) -> int:
        if name not in self.values and name in STATUTORY_DEFAULTS:
            return STATUTORY_DEFAULTS[name]  # a store without the series: the law's value, not recorded
        return int(self.get(name).value)  # type: ignore[arg-type]

    def count_in_force(self, name: str) -> int:
        """A count in force (or its statutory default) for a question asked outside a rule run — which
        birthdays matter, when a child ages out: neither recorded as used nor held to the confirmation."""
        value = self.values.get(name)
        return STATUTORY_DEFAULTS[name] if value is None else int(value.value)  # type: ignore[arg-type]

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

    def confirm(self, *, name: str, jurisdiction: str, confirmed_until: date, ctx: Context) -> None:
        """Confirm a series up to a date; only series with a value can be confirmed. The event takes
        effect on ``confirmed_until`` (``ctx.effective_on`` is the day of confirming, which it does not record)."""
        if not any(v.name == name and v.jurisdiction == jurisdiction for v in self.values):
            raise InvalidValue(f"no value of {name} is set for {jurisdiction}", field="name", rule="series-known")
        self.trigger_event(
            self.SeriesConfirmed,
            name=name,
            jurisdiction=jurisdiction,
            confirmed_until=confirmed_until,
            **_event_fields(ctx, effective_on=confirmed_until),
        )

    @classmethod
    def create(cls) -> Policy:
        return cls._create(cls.Created, id=policy_id())

    def set_value(
        self, *, name: str, jurisdiction: str, raw_value: Any, legal_basis: str, ctx: Context
    ) -> ParameterValue:
        """Record a value in force from ``ctx.effective_on``; it must name its legal basis."""
        if not legal_basis or not legal_basis.strip():
            raise InvalidValue(
                "every parameter value names its legal basis", field="legal_basis", rule="legal-basis-required"
            )
        value = ParameterValue(
            name=name,
            jurisdiction=jurisdiction_prefix(jurisdiction),
            effective_from=ctx.effective_on,
            value=parse_parameter(name, raw_value),
            legal_basis=legal_basis.strip(),
        )
        self.trigger_event(self.ValueSet, value=value, **_event_fields(ctx, effective_on=ctx.effective_on))
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


def _event_fields(ctx: Context, *, effective_on: date) -> dict[str, Any]:
    """The four fields every policy event carries; its ``reason`` is a string (empty when none was given)."""
    return {"actor": ctx.actor, "effective_on": effective_on, "reason": ctx.reason or "", "request_id": ctx.request_id}
