"""After the migration: the roll's amount is due until a review re-runs the rules, and from then on the
rules decide as for any enrolment; the CLI's dry run writes its report and records nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from api.cli import cli
from application import commands
from application.casework import Casework
from application.roll_import import RollRequest, import_roll
from domain.circumstances import Assets, Circumstances
from domain.errors import InvalidValue, RuleViolation
from domain.values import Actor, Program, Role
from infrastructure.workbook import file_hash, read_sheet
from tests.roll_import.roll_workbook import write_roll
from tests.support import CASEWORKER, by

AS_OF = date(2024, 1, 1)
REVIEWED = date(2024, 3, 10)
ADMIN = Actor("admin-1", Role.ADMIN, "430112")


def test_a_review_replaces_the_rolls_amount_with_what_the_rules_give(app: Casework, tmp_path: Path) -> None:
    path = tmp_path / "roll.xlsx"
    planted = write_roll(path, households=12, seed=3, per_kind=0)
    plan, outcome = import_roll(
        app, read_sheet(path), file_hash(path), RollRequest(Program.DIBAO, "430112", AS_OF, ADMIN)
    )
    key = next(h.key for h in plan.households if len(h.rows) == 1)  # the head alone: the rules count them
    hid = next(h.source.household_id() for h in plan.households if h.key == key)
    assert hid in outcome.imported
    (eid,) = app.get_household(hid).enrolments
    declared = Circumstances(assets=Assets(financial=Decimal("1000.00")))  # no income
    app.handle(commands.RecordCircumstances(household_id=hid, circumstances=declared, meta=by(CASEWORKER, REVIEWED)))
    assert app.get_household(hid).enrolments[eid].amount_on(date(2024, 4, 1)) == planted.amounts[key]
    did, h = app.handle(commands.Review(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, REVIEWED)))
    e = h.enrolments[eid]
    review = next(ev for ev in app.repository.event_store.get(hid) if getattr(ev, "decision_id", None) == did)
    assert e.amount_on(date(2024, 3, 1)) == planted.amounts[key]  # March: still the roll's amount
    assert e.amount_on(date(2024, 4, 1)) == review.assessment.monthly_amount  # type: ignore[attr-defined]
    assert review.assessment.eligible, review.assessment.reason_codes  # type: ignore[attr-defined]


def test_the_cli_dry_run_writes_the_report_and_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, report, store = tmp_path / "roll.xlsx", tmp_path / "report.xlsx", tmp_path / "store.sqlite"
    planted = write_roll(path, households=20, seed=5, per_kind=1)
    monkeypatch.setenv("JIUZHU_DATABASE", "sqlite")
    monkeypatch.setenv("JIUZHU_SQLITE_PATH", str(store))
    args = ["import-roll", str(path), "--division", "430112", "--as-of", "2024-01-01", "--report", str(report)]
    result = CliRunner().invoke(cli, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    book = load_workbook(report, read_only=True)
    codes = [row[-2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row[-2]]
    book.close()
    assert sorted(codes) == sorted(code for _, code in planted.faults)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"{len(planted.valid)} imported" in result.output


def test_a_mapping_file_names_the_columns_a_bureau_heads_differently(app: Casework, tmp_path: Path) -> None:
    path = tmp_path / "roll.xlsx"
    planted = write_roll(path, households=5, seed=11, per_kind=0)
    book = load_workbook(path)
    ws = book.active
    for cell in ws[2]:
        cell.value = {"身份证号码": "公民身份证", "月保障金额": "每月发放（元）"}.get(cell.value, cell.value)
    book.save(path)
    sheet = read_sheet(path)
    request = RollRequest(Program.DIBAO, "430112", AS_OF, ADMIN)
    mapping = {"id_number": "公民身份证", "amount": "每月发放(元)"}
    plan, outcome = import_roll(app, sheet, file_hash(path), request, mapping)
    assert not plan.problems
    assert len(outcome.imported) == len(planted.valid) == 5


def test_a_district_without_the_review_parameters_is_refused_naming_one(app: Casework, tmp_path: Path) -> None:
    """No household could be given its next review there: refused before a row is read."""
    path = tmp_path / "roll.xlsx"
    write_roll(path, households=2, seed=1, per_kind=0)
    anhui = RollRequest(Program.DIBAO, "340102", date(2023, 1, 1), Actor("admin-2", Role.ADMIN, "340102"))
    with pytest.raises(RuleViolation) as refused:
        import_roll(app, read_sheet(path), file_hash(path), anhui)
    assert (refused.value.rule, refused.value.field) == ("parameter-missing", "dibao.review_months.stable")
    tekun = RollRequest(Program.TEKUN, "430112", AS_OF, ADMIN)
    with pytest.raises(InvalidValue) as not_yet:
        import_roll(app, read_sheet(path), file_hash(path), tekun)
    assert not_yet.value.rule == "program-migratable"


def test_jiuzhu_import_takes_a_roll_as_the_issue_spells_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jiuzhu import roll.xlsx --program dibao --division … --as-of …` is the roll import (a backup stays a backup)."""
    path, store = tmp_path / "roll.xlsx", tmp_path / "store.sqlite"
    planted = write_roll(path, households=12, seed=8, per_kind=1)
    monkeypatch.setenv("JIUZHU_DATABASE", "sqlite")
    monkeypatch.setenv("JIUZHU_SQLITE_PATH", str(store))
    args = ["import", str(path), "--program", "dibao", "--division", "430112", "--as-of", "2024-01-01"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"{len(planted.valid)} imported" in result.output
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"0 imported, {len(planted.valid)} imported before" in result.output
    result = CliRunner().invoke(cli, ["import", str(path), "--division", "430112"])
    assert result.exit_code == 2
    assert "--as-of" in result.output
