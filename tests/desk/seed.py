"""A small district for the desk's tests, built through the application on a clock that moves.

Six dibao households in community 430112001001 paid from March 2024 to May 2025; the first one's wages
rose from 1 April 2024, reported only after all that was paid (a late correction, recorded a day later
than everything else); one application filed in March 2025 still waits for the county (a late decision);
one household lives in another township (430112002001).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from api.deps import Services
from application import commands
from application.months import month_text
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from tests.application.scenarios import enrol, household, month_firsts
from tests.support import APPROVER, CASEWORKER, OTHER_TOWNSHIP_COMMUNITY, by, pay
from tests.support_clock import SteppingClock

HEADS = ("赵一鸣", "钱二强", "孙三立", "李四海", "周五福", "吴六顺")
LATE_HEAD = "郑七安"
FOREIGN_HEAD = "冯八方"
START = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class District:
    corrected: UUID  # the household whose wage rise was recorded late
    corrected_enrolment: UUID
    before_correction: datetime  # the instant the late correction was not yet known
    correction_at: datetime
    late: UUID  # the household whose application waits past the deadline
    foreign: UUID  # the household in another township
    names: tuple[str, ...]  # every member's name, for "no name on an analyst's page"


def seed(services: Services, clock: SteppingClock) -> District:
    app = services.casework
    ids = []
    for name in HEADS:
        hid = household(app, head_name=name)
        clock.advance(minutes=1)
        enrol(app, hid, applied_on=date(2024, 1, 20), approved_on=date(2024, 2, 5))
        clock.advance(minutes=1)
        ids.append(hid)
    for month in month_firsts(date(2024, 3, 1), date(2025, 5, 1)):
        services.payroll.handle(pay(month_text(month), APPROVER))
        clock.advance(minutes=1)
    late = household(app, head_name=LATE_HEAD, registered_on=date(2025, 2, 20))
    enrol(app, late, applied_on=date(2025, 3, 3))
    foreign = household(app, head_name=FOREIGN_HEAD, division=OTHER_TOWNSHIP_COMMUNITY)
    before = clock.advance(hours=1)
    clock.advance(days=1)
    corrected = ids[0]
    head = next(iter(app.get_household(corrected).members))
    app.handle(
        commands.RecordCircumstances(
            household_id=corrected,
            circumstances=Circumstances(
                incomes=(IncomeItem(head, IncomeKind.WAGES, Decimal("1500.00")),),
                assets=Assets(financial=Decimal("1000")),
            ),
            meta=by(CASEWORKER, date(2024, 4, 1), reason="工资自2024年4月起上涨，迟报"),
        )
    )
    correction_at = clock.now
    clock.advance(minutes=5)
    names = tuple(m.name for hid in (*ids, late, foreign) for m in app.get_household(hid).members.values())
    (eid,) = app.get_household(corrected).enrolments
    return District(corrected, eid, before, correction_at, late, foreign, names)
