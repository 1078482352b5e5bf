"""Settling what changed after payment: arrears (补发) and recoveries (追回) found at payroll time.

A fact, a parameter or a decision recorded late can change what was due for months already paid
(a death reported after the payroll ran, a suspension dated back, a raise recorded late). The
household records the new entitlement at once (``EntitlementChanged``); the payroll of the next
month compares, for every month already paid, what each enrolment was paid (with what earlier
corrections settled) against what is due as now known, and records one ``PaymentsSettled`` per
enrolment whose months differ. Its lines are carried by that payroll, beside the month's payments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from application.casework import Casework
from application.views.projection import Views
from domain.enrolment import MonthCorrection
from domain.household import Household
from domain.values import Actor, Context

ZERO = Decimal("0.00")
REASON = "what was due for months already paid changed after payment (facts, parameters or decisions recorded late)"
Progress = Callable[[int, int], None]


def recorded_corrections(casework: Casework) -> Iterator[Household.PaymentsCorrected | Household.PaymentsSettled]:
    """Every recorded correction and settlement, from the notification log by topic (they are rare)."""
    topics = [get_topic(Household.PaymentsCorrected), get_topic(Household.PaymentsSettled)]
    start: int | None = None
    while True:
        page = casework.recorder.select_notifications(start, 500, topics=topics, inclusive_of_start=False)
        if not page:
            return
        for n in page:
            event = casework.mapper.to_domain_event(n)
            assert isinstance(event, Household.PaymentsCorrected | Household.PaymentsSettled)
            yield event
        start = page[-1].id


def settle_late_changes(
    casework: Casework, views: Views, first: date, actor: Actor, request_id: str | None = None
) -> list[UUID]:
    """Record the arrears and recoveries of every month before ``first`` already paid in the actor's
    jurisdiction whose amount due changed; their lines go to the payroll of ``first``."""
    views.catch_up()
    run_months = views.store.paid_months(first, actor.jurisdiction)
    paid, suspects = _suspects(casework, views, run_months, actor.jurisdiction)
    recorded: list[UUID] = []
    for hid, eid in sorted(suspects, key=lambda k: (str(k[0]), str(k[1]))):
        months = paid.get((hid, eid), {})

        def command(
            h: Household, _: list[Aggregate], eid: UUID = eid, months: dict[date, Decimal] = months
        ) -> UUID | None:
            e = h.enrolment(eid)
            lines = []
            for month in run_months:
                settled = e.corrected.get(month, months.get(month, ZERO))
                now = e.amount_on(month)
                if now != settled:
                    lines.append(MonthCorrection(month=month, paid=settled, due=now))
            if not lines:
                return None
            assessments = tuple(a for c in lines if (a := casework.priced(h, eid, c.month)) is not None)
            return h.settle_payments(
                eid,
                months=tuple(lines),
                assessments=assessments,
                amount_from=first,
                ctx=Context(lines[0].month, actor, REASON, request_id),
            )

        did, _ = casework._update(hid, None, actor, command)  # the one write path of every household command
        if did is not None:
            recorded.append(did)
    return recorded


Key = tuple[UUID, UUID]  # (household, enrolment)


def _suspects(
    casework: Casework, views: Views, run_months: list[date], jurisdiction: str
) -> tuple[dict[Key, dict[date, Decimal]], set[Key]]:
    """What each enrolment was paid per month run, and the enrolments whose due may differ from it:
    paid other than due, due but not paid, or settled before (a month settled may change again)."""
    store = views.store
    paid: dict[Key, dict[date, Decimal]] = defaultdict(dict)
    suspects: set[Key] = set()
    seen: set[Key] = set()
    for month in run_months:
        issued = {(r.household_id, r.enrolment_id): r.amount for r in store.sheet(month, jurisdiction)}
        due = {(r.household_id, r.enrolment_id): r.amount for r in store.payable_on(month, jurisdiction)}
        for key, amount in issued.items():
            paid[key][month] = amount
            if due.get(key, ZERO) != amount:
                suspects.add(key)
        suspects.update(key for key in due if key not in issued)
        seen.update(due)
    # a month settled before may have changed again since: its settlement, not the payment, is what it is held to
    here = set(paid) | seen  # enrolments paid or due in the jurisdiction: a settlement elsewhere is not ours
    suspects.update(
        k for event in recorded_corrections(casework) if (k := (event.originator_id, event.enrolment_id)) in here
    )
    return paid, suspects
