"""The register of households in difficulty (低收入人口) read: who is in it on a date, and its figures.

``Register`` answers who is in the register on a date — as now known, or as known at an ``as_of``
instant (each household replayed from what was recorded by then, as ``Auditor.household_at`` does;
the parameters as now known) — and the register's figures for a period. The register is a view
computed from the facts, the enrolments and the caseworkers' decisions (``domain.rules.register``):
nothing is stored beside them, so it has a history at every date without a table of its own. The
cost is a replay of each household of the division per question (docs/rules.md says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from application.audit import Auditor
from application.base import CaseworkBase
from application.views.projection import Views
from application.views.rows import HouseholdQuery
from domain.assessment import Reason
from domain.errors import NotFound
from domain.facts import facts_on
from domain.household import Household
from domain.policy import Policy
from domain.rules.register import GROUNDS, Standing, standing
from domain.values import first_of_next_month


@dataclass(frozen=True)
class Entry:
    """One household in the register on a date, with its grounds and the reasons (legal basis included)."""

    household_id: UUID
    division_code: str
    persons: int
    grounds: tuple[str, ...]
    reasons: tuple[Reason, ...]


class Register:
    """Who is in the register on a date, and its figures for a period, within a division."""

    def __init__(self, casework: CaseworkBase, auditor: Auditor, views: Views, clock: Callable[[], datetime]):
        self.casework, self.auditor, self.views, self.clock = casework, auditor, views, clock

    def household_ids(self, prefix: str) -> Iterator[UUID]:
        """Every household registered in the division (from the views, after they catch up)."""
        self.views.catch_up()
        today, offset = self.clock().date(), 0
        while page := self.views.store.search(HouseholdQuery(prefix, today, limit=500, offset=offset)):
            yield from (UUID(str(r["household_id"])) for r in page)
            offset += len(page)

    def standing_of(self, h: Household, on: date, policy: Policy | None = None) -> Standing:
        """The household's place in the register on ``on``, from its facts in effect then."""
        params = self.casework.pricing_params(h.division_code, on, policy)
        return standing(facts_on(h, on), h.register_decisions, on, params)

    def entries(self, prefix: str, on: date, as_of: datetime | None = None) -> list[Entry]:
        """The households of the division in the register on ``on``, as known now or at ``as_of``."""
        policy = self.casework.policy()
        out = []
        for hid in self.household_ids(prefix):
            try:
                h = (
                    self.auditor.household_at(hid, as_of=as_of)
                    if as_of is not None
                    else self.casework.get_household(hid)
                )
            except NotFound:  # not yet known at as_of
                continue
            if on < h.registered_on:
                continue
            found = self.standing_of(h, on, policy)
            if found.registered:
                persons = len(facts_on(h, on).members)
                out.append(Entry(hid, h.division_code, persons, found.grounds, found.reasons))
        return out

    def statistics(self, prefix: str, start: date, end: date) -> dict[str, Any]:
        """Households and persons in the register at the period's end (by ground), entered and left in it."""
        policy = self.casework.policy()
        totals = {"households": 0, "persons": 0, "entered": 0, "left": 0}
        by_ground = dict.fromkeys(GROUNDS, 0)
        for hid in self.household_ids(prefix):
            h = self.casework.get_household(hid)
            if end < h.registered_on:
                continue
            was = start > h.registered_on and self.standing_of(h, start - timedelta(days=1), policy).registered
            for d in _change_dates(h, policy, start, end):
                now = self.standing_of(h, d, policy).registered
                totals["entered"] += int(now and not was)
                totals["left"] += int(was and not now)
                was = now
            last = self.standing_of(h, end, policy)
            if last.registered:
                totals["households"] += 1
                totals["persons"] += len(facts_on(h, end).members)
                for g in last.grounds:
                    by_ground[g] += 1
        return {**totals, "by_ground": by_ground}


def _change_dates(h: Household, policy: Policy, start: date, end: date) -> list[date]:
    """The dates in the period on which the household's standing may change: the facts', the decisions',
    its enrolments' steps (and the days benefits start or a gradual exit ends), the parameters' values."""
    dates = {max(start, h.registered_on)}
    dates.update(d for d, _, _ in h.fact_log)
    dates.update(d.effective_on for d in h.register_decisions)
    for e in h.enrolments.values():
        dates.update(s.effective_on for s in e.steps)
        dates.update(first_of_next_month(s.effective_on) for s in e.steps)
        dates.update(d for d in (e.benefits_from, e.exit_until) if d is not None)
    dates.update(v.effective_from for v in policy.values if h.division_code.startswith(v.jurisdiction))
    return sorted(d for d in dates if start <= d <= end and d >= h.registered_on)
