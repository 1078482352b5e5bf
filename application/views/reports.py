"""Rolls, the statistics and the worklist (``application.views.worklist``), answered from the views after they catch up.

Every question is asked within a division: the caller's own jurisdiction by default, or a division
inside it; one outside it is refused. Definitions (docs/rules.md, "Reports", in detail):

- on roll at D: enrolments ``active`` or ``gradual_exit`` on D; persons are the beneficiaries in
  force on D; households are distinct households. ``suspended`` is counted separately.
- new in P: enrolments whose first day in effect (benefits_from, when an approval turns active)
  falls in P. A re-approval after termination is a new enrolment and counts again.
- exits in P: enrolments whose termination takes effect in P (a termination decision, a review
  ending in termination, or the end of a gradual exit), by reason code.
- household-months, person-months and funds: the payments issued for months in P; average benefit =
  funds ÷ person-months. Late corrections (arrears, overpayments) are not in these figures yet.
  ``payments_by_area_type`` splits them by program and the household's area type (城市 / 农村).
- temporary assistance in P: grants made in P (人次 = grants), funds, district / township split.
- the statistics' counts come from monthly summaries the projection keeps stale-marked
  (``ViewStore.summaries``; docs/scaling.md); ``recount=True`` counts the view rows instead, the
  exact oracle the summaries equal (tests/application/test_summaries.py).
- every figure is "as known now"; with an ``as_of`` instant the API computes the same figures on
  views fed only what was recorded by then (``application.views.as_of.ViewsAsOf``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from application.errors import OutsideJurisdiction
from application.months import last_day, month_text, parse_month
from application.views.disability_stats import disability_figures
from application.views.disclosure import RollCell, roll_cells, suppress_statistics
from application.views.ports import Counts
from application.views.projection import Views
from application.views.rows import Count, RollRow
from application.views.worklist import WorkItem, worklist
from domain.errors import InvalidValue
from domain.values import Actor, Program, Role, first_of_next_month, jurisdiction_prefix

PAYABLE = ("active", "gradual_exit")
SPLITS = ("area_type", "arrangement", "care_level", "placement")
PERSONAL_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER, Role.AUDITOR})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Roll:
    program: Program
    on: date
    division: str
    personal: bool  # False: aggregates only (analysts): no rows, the cells below
    rows: list[RollRow]
    cells: list[RollCell] = field(default_factory=list)  # by division and area type, small cells suppressed
    total: RollCell | None = None


class Reports:
    def __init__(self, views: Views, clock: Callable[[], Any], *, min_cell: int = 5, recount: bool = False):
        self.views = views
        self.clock = clock
        self.min_cell = min_cell  # analysts: cells of fewer households are suppressed (disclosure.py)
        self.recount = recount  # True: count the view rows themselves (the exact oracle the summaries equal)

    def counts(self, prefix: str) -> Counts:
        """Where the statistics' figures come from: the monthly summaries, or (``recount``) the view rows."""
        store = self.views.store
        return store if self.recount else store.summaries(prefix)

    def today(self) -> date:
        today: date = self.clock().date()
        return today

    def division(self, actor: Actor, division: str | None) -> str:
        """The division asked about: the caller's jurisdiction, or a division inside it."""
        try:
            prefix = jurisdiction_prefix(division) if division is not None else actor.jurisdiction
        except InvalidValue as e:
            raise InvalidValue(e.message, field="division", rule=e.rule) from None
        if not prefix.startswith(actor.jurisdiction):
            raise OutsideJurisdiction(
                f"division {prefix} is outside the caller's jurisdiction {actor.jurisdiction}",
                field="division",
                rule="jurisdiction",
            )
        return prefix

    # ------------------------------------------------------------------ rolls

    def roll(self, program: Program, on: date | None, division: str | None, actor: Actor) -> Roll:
        """One row per beneficiary on roll on a date; analysts get aggregates only (small cells suppressed)."""
        prefix = self.division(actor, division)
        if Program(program) is Program.TEMPORARY:
            raise InvalidValue(
                "temporary assistance is a one-off grant and has no roll", field="program", rule="program-has-roll"
            )
        day = on or self.today()
        self.views.catch_up()
        rows = self.views.store.roll(str(program), day, prefix)
        if actor.role not in PERSONAL_ROLES:
            cells, total = roll_cells(rows, self.min_cell)
            return Roll(Program(program), day, prefix, False, [], cells, total)
        return Roll(Program(program), day, prefix, True, rows)

    # ------------------------------------------------------------- statistics

    def statistics(self, start: str, end: str, division: str | None, actor: Actor) -> dict[str, Any]:
        """The report figures for whole months [start, end] in a division."""
        first, last = parse_month(start, "from"), last_day(parse_month(end, "to"))
        if first > last:
            raise InvalidValue(f"from {start} is after to {end}", field="from", rule="period-order")
        prefix = self.division(actor, division)
        self.views.catch_up()
        store = self.counts(prefix)
        exits = store.count_ended(first, last, prefix, ("program", "exit_reason"))
        basic, care = store.parts_paid(first, last, prefix)
        small = None if actor.role in PERSONAL_ROLES else self.min_cell  # analysts: small cells suppressed
        figures = {
            "division": prefix,
            "from": month_text(first),
            "to": month_text(last),
            "period_start": first.isoformat(),
            "period_end": last.isoformat(),
            "as_known_at": self.clock().isoformat(),
            "on_roll": {
                "on": last.isoformat(),
                **self._breakdown(lambda by: store.count_on(last, prefix, PAYABLE, by)),
            },
            "suspended": {
                "on": last.isoformat(),
                **self._breakdown(lambda by: store.count_on(last, prefix, ("suspended",), by)),
            },
            "new": self._breakdown(lambda by: store.count_started(first, last, prefix, by), ("area_type",)),
            "exits": {
                "households": store.count_ended(first, last, prefix)[0].households,
                "enrolments": sum(c.enrolments for c in exits),
                "by_program": _nested(exits),
            },
            **_paid_totals(store.count_payments(first, last, prefix, households=False)[0]),
            "temporary_assistance": self._grants(store, first, last, prefix),
            "payments_by_program": self._paid_by_program(store, first, last, prefix, basic, care),
            "payments_by_area_type": self._paid_by_area(store, first, last, prefix),
            "tekun_funds": {"basic_living": str(basic), "care_subsidy": str(care)},
            "disability": disability_figures(self.views, first, last, prefix, small),  # by grade, category
        }
        if actor.role in PERSONAL_ROLES:
            return figures
        paid_households = {"": store.count_payments(first, last, prefix)[0].households} | {
            str(c.key[0]): c.households for c in store.count_payments(first, last, prefix, ("program",))
        }
        return suppress_statistics(figures, self.min_cell, paid_households)

    @staticmethod
    def _paid_by_program(
        store: Counts, first: date, last: date, prefix: str, basic: Decimal, care: Decimal
    ) -> dict[str, Any]:
        """Payments for months in the period by program; tekun's with its two parts, as bureaus publish them."""
        by_program: dict[str, Any] = {
            str(c.key[0]): {"household_months": c.enrolments, "person_months": c.persons, "funds": str(c.amount)}
            for c in store.count_payments(first, last, prefix, ("program",), households=False)
        }
        if "tekun" in by_program:  # 基本生活费 and 护理补贴
            by_program["tekun"]["basic_living"] = str(basic)
            by_program["tekun"]["care_subsidy"] = str(care)
        return by_program

    def monthly(self, start: str, end: str, division: str | None, actor: Actor) -> list[dict[str, Any]]:
        """Month by month over [start, end]: funds paid for the month and persons on roll at its last day, by
        program. Only for roles with personal access: a month and program may describe a household or two, and
        the months of a cell are its period's total split up, so the analysts' suppression does not cover them."""
        first, last = parse_month(start, "from"), last_day(parse_month(end, "to"))
        if first > last:
            raise InvalidValue(f"from {start} is after to {end}", field="from", rule="period-order")
        prefix = self.division(actor, division)
        if actor.role not in PERSONAL_ROLES:
            return []
        self.views.catch_up()
        store = self.counts(prefix)
        out: list[dict[str, Any]] = []
        month = first
        while month <= last:
            end_of_month = last_day(month)
            paid = store.count_payments(month, end_of_month, prefix, ("program",), households=False)
            roll = store.count_on(end_of_month, prefix, PAYABLE, ("program",))
            out.append(
                {
                    "month": month_text(month),
                    "funds": {str(c.key[0]): c.amount for c in paid},
                    "persons": {str(c.key[0]): c.persons for c in roll},
                }
            )
            month = first_of_next_month(month)
        return out

    @staticmethod
    def _paid_by_area(store: Counts, first: date, last: date, prefix: str) -> dict[str, Any]:
        """Payments for months in the period by program and area type: households paid, 户次, 人次, funds."""
        out: dict[str, Any] = {}
        for c in store.count_payments(first, last, prefix, ("program", "area_type")):
            out.setdefault(str(c.key[0]), {})[str(c.key[1])] = {
                "households": c.households,
                "household_months": c.enrolments,
                "person_months": c.persons,
                "funds": str(c.amount),
            }
        return out

    @staticmethod
    def _grants(store: Counts, first: date, last: date, prefix: str) -> dict[str, Any]:
        total = store.count_grants(first, last, prefix)[0]
        return {
            "grants": total.enrolments,
            "funds": str(total.amount),
            "average_per_grant": str((total.amount / total.enrolments).quantize(CENT, ROUND_HALF_UP))
            if total.enrolments
            else None,
            "by_level": {
                str(c.key[0]): {"grants": c.enrolments, "funds": str(c.amount)}
                for c in store.count_grants(first, last, prefix, ("level",))
            },
        }

    @staticmethod
    def _breakdown(count: Callable[[tuple[str, ...]], list[Count]], splits: tuple[str, ...] = SPLITS) -> dict[str, Any]:
        total = count(())[0]
        programs: dict[str, dict[str, Any]] = {
            str(c.key[0]): {"households": c.households, "persons": c.persons} for c in count(("program",))
        }
        for split in splits:
            for c in count(("program", split)):
                if c.key[1] is not None:
                    entry = programs[str(c.key[0])].setdefault(f"by_{split}", {})
                    entry[str(c.key[1])] = {"households": c.households, "persons": c.persons}
        return {"households": total.households, "persons": total.persons, "programs": programs}

    # --------------------------------------------------------------- worklist

    def worklist(self, actor: Actor, within_days: int = 30) -> list[WorkItem]:
        """Reviews overdue or due within ``within_days``, late decisions, notices ended awaiting a decision."""
        return worklist(self.views, self.division(actor, None), self.today(), within_days)


def _paid_totals(paid: Count) -> dict[str, Any]:
    """The period's payments: 户次 (payments, not households), 人次, funds in yuan and 万元, the average."""
    persons = paid.persons
    average = str((paid.amount / persons).quantize(CENT, ROUND_HALF_UP)) if persons else None
    return {
        "household_months": paid.enrolments,
        "person_months": persons,
        "funds": str(paid.amount),
        "funds_wan": str((paid.amount / 10000).quantize(CENT, ROUND_HALF_UP)),
        "average_benefit": average,
    }


def _nested(counts: list[Count]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in counts:
        entry = out.setdefault(str(c.key[0]), {"households": 0, "by_reason": {}})
        entry["households"] += c.households
        entry["by_reason"][str(c.key[1])] = c.households
    return out
