"""The monthly payroll (发放): one payment per enrolment payable on the month's first day, never two.

``handle`` runs the ``RunPayroll`` command: it asks the enrolment view which enrolments are
``active`` or ``gradual_exit`` on the first day of the month in the caller's jurisdiction, sets
aside (and lists) those whose household has no bank account on that day
(``application.payroll_accounts``), then, county by county, issues the payments the county's
``PayrollMonth`` does not hold yet, in batches saved one by one. A run that loses a race (another
run saved the same month first) reloads the month and continues with what is still unpaid; a run
that crashes is finished by the next. Running a month again issues nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.casework import Casework
from application.commands import RunPayroll
from application.errors import ConcurrentUpdate
from application.months import month_text, parse_month
from application.payroll_accounts import Accounts
from application.payroll_reports import ZERO, MonthSheet, RunReport
from application.settlement import recorded_corrections, settle_late_changes
from application.views.projection import Views
from application.views.rows import PayableRow
from domain.errors import InvalidValue
from domain.household import Household
from domain.payroll import CorrectionLine, Payment, PayrollMonth, payroll_id
from domain.values import AreaType, Context, Program, first_of_next_month

REASON = "monthly payroll: enrolments active or in gradual exit on the first day of the month"
MAX_CONFLICTS = 50
Progress = Callable[[int, int], None]  # (enrolments handled, enrolments payable)
Source = Callable[[date, str], list[PayableRow]]


class Payroll:
    """Runs and reads the monthly payroll of a Casework application's store."""

    def __init__(self, casework: Casework, views: Views, *, batch_size: int = 500, source: Source | None = None):
        if batch_size < 1:
            raise ValueError("batch_size is at least 1")
        self.casework = casework
        self.views = views
        self.batch_size = batch_size
        self.source = source

    def month(self, text: str | date) -> date:
        """The first day of a month payroll may be run for: not after next month."""
        first = parse_month(text) if isinstance(text, str) else text.replace(day=1)
        if first > first_of_next_month(self.casework.clock().date()):
            raise InvalidValue(
                f"payroll for {month_text(first)} cannot be run before the month before it",
                field="month",
                rule="payroll-month-not-future",
            )
        return first

    def handle(self, cmd: RunPayroll, progress: Progress | None = None) -> RunReport:
        """Run the payroll of the month ``cmd.meta.effective_on`` lies in: settle the late changes,
        then issue, county by county, every payment due not issued yet and carry the corrections."""
        meta = cmd.meta
        first, actor = self.month(meta.effective_on), meta.actor
        if self.source is None:
            self.views.catch_up()
            payable = self.views.store.payable_on(first, actor.jurisdiction)
            settle_late_changes(self.casework, self.views, first, actor, meta.request_id)
        else:
            payable = self.source(first, actor.jurisdiction)
        settled = self.settled_months()  # months a correction already settled are not paid again
        payable = [r for r in payable if (r.enrolment_id, first) not in settled]
        payable, without_account = Accounts.split(payable, first)  # listed, not paid
        report = RunReport(month=first, run_id=uuid4(), payable=len(payable), without_account=without_account)
        ctx = Context(first, actor, meta.reason or REASON, meta.request_id)
        by_county: dict[str, list[PayableRow]] = defaultdict(list)
        for row in payable:
            by_county[row.division_code[:6]].append(row)
        lines = self.correction_lines(first, actor.jurisdiction)
        for county in sorted(set(by_county) | {line.division_code[:6] for line in lines}):
            report.counties.append(county)
            self._run_county(first, county, by_county[county], report, ctx, progress)
            here = tuple(line for line in lines if line.division_code.startswith(county))
            if here:
                self._settle(first, county, here, report, replace(ctx, reason=REASON))
        report.already_paid = report.payable - report.issued
        if self.source is None:
            self.views.catch_up()
        return report

    def _corrections(self) -> Iterator[Household.PaymentsCorrected | Household.PaymentsSettled]:
        return recorded_corrections(self.casework)

    def settled_months(self) -> set[tuple[UUID, date]]:
        """(enrolment, month) pairs a correction has settled: a later run of that month does not pay them."""
        return {(event.enrolment_id, c.month) for event in self._corrections() for c in event.months}

    def correction_lines(
        self, first: date, jurisdiction: str, recorded_by: datetime | None = None
    ) -> list[CorrectionLine]:
        """The arrears and overpayments that late corrections assigned to this month's payroll."""
        lines: list[CorrectionLine] = []
        for event in self._corrections():
            if event.amount_from != first:
                continue
            if recorded_by is not None and self._recorded_at(event) > recorded_by:
                continue
            division = self.casework.get_household(event.originator_id).division_code
            if division.startswith(jurisdiction):
                lines.extend(
                    CorrectionLine(
                        household_id=event.originator_id,
                        enrolment_id=event.enrolment_id,
                        correction_id=event.decision_id,
                        corrected_month=c.month,
                        amount=c.difference,
                        division_code=division,
                    )
                    for c in event.months
                    if c.difference
                )
        return lines

    def corrections_between(
        self, first: date, last: date, jurisdiction: str, recorded_by: datetime | None = None
    ) -> dict[str, object]:
        """Arrears and recoveries carried by the payrolls of the months in [first, last], by month corrected."""
        arrears, recoveries, lines = ZERO, ZERO, 0
        month = first.replace(day=1)
        while month <= last:
            for line in self.correction_lines(month, jurisdiction, recorded_by):
                lines += 1
                if line.amount > 0:
                    arrears += line.amount
                else:
                    recoveries -= line.amount
            month = first_of_next_month(month)
        return {"lines": lines, "arrears": str(arrears), "recoveries": str(recoveries)}

    def _recorded_at(self, event: Household.Event) -> datetime:
        rows = self.casework.ledger.select_ledger(event.originator_id)
        return next(
            (r.recorded_at for r in rows if r.originator_version == event.originator_version),
            datetime.max.replace(tzinfo=UTC),
        )

    def _settle(
        self,
        first: date,
        county: str,
        lines: tuple[CorrectionLine, ...],
        report: RunReport,
        ctx: Context,
    ) -> None:
        """Carry the correction lines not carried yet; on a lost race reload and try again."""
        while True:
            pm = self._load(first, county) or PayrollMonth.open(first, county, ctx=ctx)
            todo = tuple(line for line in lines if (line.correction_id, line.corrected_month) not in pm.settled)
            if not todo:
                return
            pm.settle(
                todo, run_id=report.run_id, ctx=replace(ctx, reason="arrears and overpayments of late corrections")
            )
            try:
                self.casework.save(pm)
            except IntegrityError:
                self._conflict(report)
                continue
            report.corrections += len(todo)
            return

    def _load(self, first: date, county: str) -> PayrollMonth | None:
        try:
            month: object = self.casework.repository.get(payroll_id(first, county))
        except AggregateNotFoundError:
            return None
        assert isinstance(month, PayrollMonth)
        return month

    def _run_county(
        self,
        first: date,
        county: str,
        rows: list[PayableRow],
        report: RunReport,
        ctx: Context,
        progress: Progress | None,
    ) -> None:
        issued_here, amount_here = 0, ZERO
        pm: PayrollMonth | None = None
        while True:
            if pm is None:
                pm = self._load(first, county) or PayrollMonth.open(first, county, ctx=ctx)
            todo = [r for r in rows if r.enrolment_id not in pm.paid]
            if not todo:
                break
            batch = tuple(_payment(r, first) for r in todo[: self.batch_size])
            pm.issue(batch, run_id=report.run_id, ctx=ctx)
            try:
                self.casework.save(pm)
            except IntegrityError:  # another run saved this month first: reload and skip what it paid
                pm = None
                self._conflict(report)
                continue
            issued_here += len(batch)
            amount_here += sum((p.amount for p in batch), ZERO)
            report.batches += 1
            if progress:
                progress(report.issued + issued_here, report.payable)
        report.issued += issued_here
        report.issued_amount += amount_here
        if issued_here:
            self._complete(pm, first, county, report, issued_here, amount_here, ctx)

    def _complete(
        self,
        pm: PayrollMonth | None,
        first: date,
        county: str,
        report: RunReport,
        issued: int,
        amount: Decimal,
        ctx: Context,
    ) -> None:
        """Record that the run finished, with the month's totals; on a lost race reload and record again."""
        while True:
            pm = pm or self._load(first, county)
            assert pm is not None
            pm.complete_run(
                run_id=report.run_id,
                issued=issued,
                issued_amount=amount,
                ctx=ctx,
            )
            try:
                self.casework.save(pm)
                return
            except IntegrityError:
                pm = None
                self._conflict(report)

    @staticmethod
    def _conflict(report: RunReport) -> None:
        report.conflicts += 1
        if report.conflicts > MAX_CONFLICTS:
            raise ConcurrentUpdate("the payroll kept changing while saving; retry", field="month", rule="retry")

    def sheet(self, month: str | date, jurisdiction: str) -> MonthSheet:
        """The month's payments in a jurisdiction, from the payments view brought up to date."""
        first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
        self.views.catch_up()
        rows = self.views.store.sheet(first, jurisdiction)
        counts = self.views.store.count_payments(first, first, jurisdiction, by=("program",), households=False)
        lines: list[CorrectionLine] = []
        for county in sorted({line.division_code[:6] for line in self.correction_lines(first, jurisdiction)}):
            pm = self._load(first, county)
            if pm is not None:
                lines.extend(v for v in pm.settled.values() if v.division_code.startswith(jurisdiction))
        return MonthSheet(first, rows, counts, lines)


def _payment(r: PayableRow, first: date) -> Payment:
    return Payment(
        household_id=r.household_id,
        enrolment_id=r.enrolment_id,
        program=Program(r.program),
        month=first,
        amount=r.amount,
        beneficiaries=r.beneficiaries,
        division_code=r.division_code,
        area_type=AreaType(r.area_type),
        parts=dict(r.parts),
    )
