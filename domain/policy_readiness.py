"""Is a jurisdiction ready? Every parameter the rules read, checked over a period before anyone applies.

Today a missing or unconfirmed parameter shows itself one refusal at a time, in the middle of a
township review. ``readiness`` answers the same question up front: for each parameter of the catalogue
(``CATALOGUE``, every parameter the rules of every program read), the values in force over the period
with the jurisdiction each is inherited from, and the days on which the rules would refuse — no value in
force (``missing``) or a value whose series is not confirmed that far (``unconfirmed``). A parameter the
law fixes (``STATUTORY_DEFAULTS``) is never missing: without a series, the law's value is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.policy import CATALOGUE, STATUTORY_DEFAULTS, ParameterSnapshot, ParameterValue, Policy


@dataclass(frozen=True, slots=True)
class Span:
    """The days ``start`` to ``end``, both included."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    """Days on which a value is in force but its series is not confirmed (``confirmed_until`` None: never)."""

    span: Span
    jurisdiction: str
    confirmed_until: date | None


@dataclass(frozen=True, slots=True)
class ParameterReadiness:
    """One parameter over the period: what is in force, from where, and on which days the rules would refuse."""

    name: str
    in_force: list[tuple[Span, ParameterValue]] = field(default_factory=list)
    missing: list[Span] = field(default_factory=list)
    unconfirmed: list[Unconfirmed] = field(default_factory=list)
    statutory_default: int | None = None

    @property
    def ready(self) -> bool:
        return not self.missing and not self.unconfirmed


def readiness(policy: Policy, division_code: str, start: date, end: date) -> list[ParameterReadiness]:
    """Every catalogued parameter for ``division_code`` (a division or a jurisdiction prefix) from
    ``start`` to ``end``, in the catalogue's order."""
    changes = sorted({start} | {v.effective_from for v in policy.values if start < v.effective_from <= end})
    spans = [
        Span(day, (changes[i + 1] - timedelta(days=1)) if i + 1 < len(changes) else end)
        for i, day in enumerate(changes)
    ]
    snapshots = [(span, policy.snapshot(division_code, span.start)) for span in spans]
    return [_one(name, snapshots, policy.confirmed) for name in CATALOGUE]


def _one(
    name: str, snapshots: list[tuple[Span, ParameterSnapshot]], confirmed: dict[tuple[str, str], date]
) -> ParameterReadiness:
    out = ParameterReadiness(name=name, statutory_default=STATUTORY_DEFAULTS.get(name))
    for span, snapshot in snapshots:
        value = snapshot.values.get(name)
        if value is None:
            if out.statutory_default is None:
                _extend(out.missing, span)
            continue
        if out.in_force and out.in_force[-1][1] == value:
            out.in_force[-1] = (Span(out.in_force[-1][0].start, span.end), value)
        else:
            out.in_force.append((span, value))
        until = confirmed.get((name, value.jurisdiction))
        if until is None or until < span.end:
            first = span.start if until is None else max(span.start, until + timedelta(days=1))
            gap = Unconfirmed(Span(first, span.end), value.jurisdiction, until)
            last = out.unconfirmed[-1] if out.unconfirmed else None
            if last and (last.jurisdiction, last.confirmed_until) == (gap.jurisdiction, until):
                gap = Unconfirmed(Span(last.span.start, span.end), value.jurisdiction, until)
                out.unconfirmed[-1] = gap
            else:
                out.unconfirmed.append(gap)
    return out


def _extend(spans: list[Span], span: Span) -> None:
    """Add a span, joining it to the last one when they touch."""
    if spans and spans[-1].end + timedelta(days=1) == span.start:
        spans[-1] = Span(spans[-1].start, span.end)
    else:
        spans.append(span)
