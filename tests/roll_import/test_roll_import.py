"""Importing a bureau's roll: the report names exactly the planted faults, the import brings exactly
the valid households as migrated enrolments, a second run adds nothing, and what is due is the
roll's amount (``docs/operations.md``, "Importing a bureau's roll")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from application.audit import Auditor
from application.casework import Casework
from application.payroll import Payroll
from application.roll_import import Outcome, RollRequest, import_roll
from application.roll_report import counts, report_rows
from application.roll_validation import Plan
from application.views.projection import Views
from domain.enrolment import Status
from domain.household import Household
from domain.members import Relation
from domain.values import Actor, Program, Role
from infrastructure.workbook import file_hash, read_sheet, write_table
from tests.application.scenarios import record_account
from tests.roll_import.roll_workbook import ACCOUNT, Planted, write_roll
from tests.support import APPROVER, pay

AS_OF = date(2024, 1, 1)
EARLIER = 2  # households of an earlier roll, imported first
ADMIN = Actor("admin-1", Role.ADMIN, "430112")


def request(*, dry_run: bool = False) -> RollRequest:
    return RollRequest(Program.DIBAO, "430112", AS_OF, ADMIN, dry_run=dry_run, batch_size=50)


def run(app: Casework, path: Path, *, dry_run: bool = False) -> Plan:
    return run_with_outcome(app, path, dry_run=dry_run)[0]


def run_with_outcome(app: Casework, path: Path, *, dry_run: bool = False) -> tuple[Plan, Outcome]:
    return import_roll(app, read_sheet(path), file_hash(path), request(dry_run=dry_run))


def found(plan: Plan) -> set[tuple[int, str]]:
    return {(row, p.code) for row, problems in plan.problems.items() for p in problems}


@pytest.fixture
def roll(app: Casework, tmp_path: Path) -> tuple[Path, Planted]:
    """300 households with three of each fault; two people of an earlier roll, already enrolled, are
    added to households of this one."""
    earlier = tmp_path / "earlier.xlsx"
    enrolled = write_roll(earlier, households=EARLIER, seed=99, per_kind=0)
    run(app, earlier)
    people = [(name, number) for number, name in _names(earlier) if number in enrolled.people][:2]
    path = tmp_path / "roll.xlsx"
    return path, write_roll(path, households=300, seed=7, per_kind=3, extra=people)


def _names(path: Path) -> list[tuple[str, str]]:
    sheet = read_sheet(path)
    return [(cells[3], cells[2]) for _, cells in sheet.rows]


def test_the_dry_run_names_exactly_the_planted_faults_and_writes_nothing(
    app: Casework, roll: tuple[Path, Planted], tmp_path: Path
) -> None:
    path, planted = roll
    position = app.recorder.max_notification_id()
    plan = run(app, path, dry_run=True)
    assert found(plan) == planted.faults
    assert app.recorder.max_notification_id() == position
    sheet = read_sheet(path)
    report = tmp_path / "report.xlsx"
    write_table(report, *report_rows(sheet, plan, Outcome(), dry_run=True))
    book = load_workbook(report, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0][-3:] == ("状态 / status", "问题代码 / problem codes", "问题 / problems")
    assert len(rows) == 1 + len(sheet.rows)
    flagged = {(sheet.rows[i][0], row[-2]) for i, row in enumerate(rows[1:]) if row[-2]}
    assert flagged == planted.faults  # one fault per row in this roll
    check_digit = next(row for row in rows[1:] if row[-2] == "id-number-check-character")
    assert "校验位" in check_digit[-1]
    assert "check character" in check_digit[-1]


def test_the_import_brings_exactly_the_valid_households_and_a_second_run_adds_nothing(
    app: Casework, roll: tuple[Path, Planted]
) -> None:
    path, planted = roll
    plan = run(app, path)
    households = {h.key: h.source.household_id() for h in plan.households}
    imported = {key for key, hid in households.items() if app.recorder.select_events(hid, limit=1)}
    assert imported == planted.valid
    h = app.get_household(households[sorted(planted.valid)[0]])
    (e,) = h.enrolments.values()
    assert e.status_on(AS_OF) is Status.ACTIVE
    assert e.amount_on(AS_OF) == planted.amounts[h_key(plan, h)]
    assert e.decisions[next(iter(e.decisions))] == "EnrolmentMigrated"
    assert e.next_review_due is not None
    assert e.next_review_due >= AS_OF
    position = app.recorder.max_notification_id()
    again, outcome = run_with_outcome(app, path)
    assert app.recorder.max_notification_id() == position
    assert not outcome.imported
    assert outcome.before == {households[key] for key in planted.valid}
    c = counts(read_sheet(path), again, outcome, dry_run=False)
    assert (c.imported, c.before, c.skipped) == (0, len(planted.valid), planted.households - len(planted.valid))


def test_the_roll_s_bank_columns_become_the_payee_account_of_the_household(
    app: Casework, roll: tuple[Path, Planted]
) -> None:
    """开户银行 / 银行账号 are recorded with the household (PayeeAccountRecorded, in the migration's batch),
    paid to the head; a household whose account number is not 12–30 digits is imported without one."""
    path, planted = roll
    plan = run(app, path)
    assert planted.without_account
    for p in plan.households:
        if p.key not in planted.valid:
            continue
        h = app.get_household(p.source.household_id())
        account = h.account_on(AS_OF)
        if p.key in planted.without_account:
            assert account is None, p.key
            assert [pr.code for pr in plan.problems[p.source.row]] == ["account-invalid"]
            assert not plan.refused(p)
            continue
        assert account is not None, p.key
        assert (account.bank, account.account_number) == ("农商银行", ACCOUNT)
        head = next(m for m in h.members.values() if m.relation is Relation.HEAD)
        assert account.payee_id == head.person_id
        recorded = [e for e in app.repository.event_store.get(h.id) if isinstance(e, Household.PayeeAccountRecorded)]
        assert [e.effective_on for e in recorded] == [AS_OF]


def h_key(plan: Plan, h: Household) -> str:
    return next(p.key for p in plan.households if p.source.household_id() == h.id)


def test_the_migration_is_explained_as_not_a_decision_of_the_service(app: Casework, roll: tuple[Path, Planted]) -> None:
    path, planted = roll
    plan = run(app, path)
    hid = next(p.source.household_id() for p in plan.households if p.key in planted.valid)
    event = next(e for e in app.repository.event_store.get(hid) if isinstance(e, Household.EnrolmentMigrated))
    assert (event.as_of, event.source_sheet, event.imported_by) == (AS_OF, plan.sheet, "admin-1")
    assert event.source_file_hash == file_hash(path)
    explained = Auditor(app).explain(hid, event.decision_id)
    assert explained["event"] == "EnrolmentMigrated"
    assert "not a decision this service took" in explained["summary"] + explained["migrated"]
    assert explained["decision"]["approved_on"] == event.approved_on.isoformat()
    assert explained["recomputation"] is None  # no rule ran: nothing to reproduce


def record_accounts(app: Casework, views: Views) -> None:
    """An account for every household on the roll in February (the payroll pays only households with one)."""
    views.catch_up()
    for row in views.store.payable_on(date(2024, 2, 1), "430112"):
        record_account(app, row.household_id, on=app.get_household(row.household_id).registered_on)


def test_payroll_of_the_month_after_the_as_of_date_pays_exactly_the_recorded_amounts(
    app: Casework, roll: tuple[Path, Planted]
) -> None:
    path, planted = roll
    plan = run(app, path)
    expected = {p.source.household_id(): planted.amounts[p.key] for p in plan.households if p.key in planted.valid}
    views = Views(app)
    try:
        record_accounts(app, views)  # for the households whose account cell was wrong (and the earlier roll's)
        payroll = Payroll(app, views)
        report = payroll.handle(pay("2024-02", APPROVER))
        assert report.issued == len(expected) + EARLIER  # and the earlier roll's households
        paid = {row.household_id: row.amount for row in payroll.sheet("2024-02", "430112").rows}
        assert {hid: paid[hid] for hid in expected} == expected
        # the July raise does not change a migrated amount: only a review re-runs the rules
        august = payroll.handle(pay("2024-08", APPROVER))
        assert {row.household_id: row.amount for row in payroll.sheet("2024-08", "430112").rows} == paid
        assert august.issued == report.issued
    finally:
        views.close()
