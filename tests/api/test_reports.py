"""Payroll, rolls, statistics and the worklist over HTTP: formats, Chinese headings, roles, bad input.

Clock: 2025-06-01. The approved household of three (``approved``) is paid 1050.00 a month from March
2024; its head is 王建国. Households are set up through the application (the endpoints under test only
read them), with ID numbers from ``tests.application.scenarios``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from api.cli import cli
from api.composition import SEED_ACTOR
from application.casework import Casework
from infrastructure.policy_seed import load_seed
from infrastructure.settings import Settings
from tests.api.helpers import API, BANK_FILE_COLUMNS, assert_problem, store_position
from tests.application.scenarios import enrol, household
from tests.support import fixed_clock

Auth = Callable[..., dict[str, str]]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # BOM: spreadsheet programs read the Chinese right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def approved(client: TestClient) -> str:
    """A household of three (head 王建国, wages 1200.00) on dibao at 1050.00 from March 2024; its enrolment id."""
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    return str(enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2)))


def pending(client: TestClient) -> str:
    """An application filed 2024-01-20, reviewed 2024-01-25 (notice until 2024-01-31), never decided."""
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    return str(enrol(app, household(app), applied_on=date(2024, 1, 20)))


@pytest.fixture
def paid(client: TestClient, auth: Auth) -> str:
    """An approved household and March 2024's payroll run once; returns the enrolment id."""
    eid = approved(client)
    r = client.post(f"{API}/payroll/2024-03", headers=auth("approver"))
    assert r.status_code == 200, r.text
    return eid


def test_payroll_runs_once_and_reads_back(client: TestClient, auth: Auth, paid: str) -> None:
    """A second run issues nothing and the totals stay; the auditor reads the month as JSON."""
    position = store_position(client)
    r = client.post(f"{API}/payroll/2024-03", headers=auth("approver"))
    assert r.status_code == 200
    body = r.json()
    assert (body["issued"], body["already_paid"], body["payable"]) == (0, 1, 1)
    assert body["totals"]["amount"] == "1050.00"
    assert store_position(client) == position
    r = client.get(f"{API}/payroll/2024-03", headers=auth("auditor"))
    assert r.status_code == 200
    assert r.json() == {
        "month": "2024-03",
        "division": "430112",
        "payments": 1,
        "persons": 3,
        "amount": "1050.00",
        "by_program": [{"program": "dibao", "payments": 1, "persons": 3, "amount": "1050.00"}],
        "corrections": [],  # late corrections' lines (none here)
        "arrears": "0.00",
        "recoveries": "0.00",
    }


def test_the_bank_file_downloads_as_csv_and_xlsx_with_chinese_headings(
    client: TestClient, auth: Auth, paid: str
) -> None:
    """Head's name, masked ID number, masked account and the amount, in CSV and XLSX."""
    r = client.get(f"{API}/payroll/2024-03?format=csv&lang=zh", headers=auth("approver"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="payroll-2024-03.csv"' in r.headers["content-disposition"]
    (head, row) = csv_rows(r.content)
    assert head == [
        "户主姓名",
        "身份证号码（脱敏）",
        "银行账号",
        "救助项目",
        "金额（元）",
        "基本生活费（元）",
        "护理补贴（元）",
        "类别",
        "所属月份",
    ]
    assert row[0] == "王建国"
    assert row[1][:6] == "430121"  # the area code of the ID numbers tests.application.scenarios makes
    assert row[1][6:14] == "********"
    assert row[2][:10] == "**** **** "
    assert row[2][10:].isdigit()  # the account, masked (in full: the bank file)
    assert row[3:] == ["dibao", "1050.00", "", "", "payment", "2024-03"]  # the two parts are tekun's
    r = client.get(f"{API}/payroll/2024-03?format=xlsx", headers=auth("auditor"))
    assert r.status_code == 200
    rows = xlsx_rows(r.content)
    assert rows[0] == BANK_FILE_COLUMNS
    assert rows[1][0] == "王建国"
    assert rows[1][4] == 1050


def test_payroll_roles_are_enforced_and_refusals_write_nothing(client: TestClient, auth: Auth) -> None:
    """Caseworkers and auditors may not run payroll; analysts may not read it; nothing is written."""
    approved(client)
    position = store_position(client)
    for role in ("caseworker", "auditor", "analyst", "admin"):
        assert_problem(client.post(f"{API}/payroll/2024-03", headers=auth(role)), 403, "forbidden-role")
    for role in ("caseworker", "analyst"):
        assert_problem(client.get(f"{API}/payroll/2024-03", headers=auth(role)), 403, "forbidden-role")
    assert store_position(client) == position


@pytest.mark.parametrize(
    ("month", "rule"),
    [
        ("2024-13", "month-valid"),
        ("2024-00", "month-valid"),
        ("March", "month-format"),
        ("2030-01", "payroll-month-not-future"),
    ],
)
def test_a_month_that_does_not_exist_is_refused(client: TestClient, auth: Auth, month: str, rule: str) -> None:
    """2024-13, a month 00, a word or a far month: 422 naming the month and the rule; nothing written."""
    approved(client)
    position = store_position(client)
    r = client.post(f"{API}/payroll/{month}", headers=auth("approver"))
    assert_problem(r, 422, "invalid-value", field="month", rule=rule)
    assert store_position(client) == position


def test_an_unknown_format_or_language_is_refused(client: TestClient, auth: Auth, paid: str) -> None:
    """``?format=pdf`` and ``?lang=fr`` are validation errors, not a 500 or a silent default."""
    assert_problem(client.get(f"{API}/payroll/2024-03?format=pdf", headers=auth("approver")), 422, "validation-error")
    assert_problem(client.get(f"{API}/rolls/dibao?lang=fr", headers=auth("approver")), 422, "validation-error")


def test_the_roll_lists_each_beneficiary_with_masked_id(client: TestClient, auth: Auth, paid: str) -> None:
    """Approvers see names and masked ID numbers of the three beneficiaries on 1 March 2024."""
    r = client.get(f"{API}/rolls/dibao?on=2024-03-01", headers=auth("approver"))
    assert r.status_code == 200
    body = r.json()
    assert (body["households"], body["persons"], body["personal"]) == (1, 3, True)
    assert [row["name"] for row in body["rows"]] == ["王建国", "成员1", "成员2"]
    assert all(row["id_number_masked"][6:14] == "********" for row in body["rows"])
    assert {row["household_amount"] for row in body["rows"]} == {"1050.00"}
    assert client.get(f"{API}/rolls/dibao?on=2024-02-29", headers=auth("approver")).json()["persons"] == 0
    r = client.get(f"{API}/rolls/dibao?on=2024-03-01&format=csv&lang=zh", headers=auth("caseworker"))
    head, *rows = csv_rows(r.content)
    assert head[:6] == ["家庭编号", "行政区划代码", "城乡类别", "人员编号", "姓名", "身份证号码（脱敏）"]
    assert len(rows) == 3
    r = client.get(f"{API}/rolls/dibao?on=2024-03-01&format=xlsx&division=430112001", headers=auth("auditor"))
    assert len(xlsx_rows(r.content)) == 4


def test_analysts_get_the_roll_without_names_or_id_numbers(client: TestClient, auth: Auth, paid: str) -> None:
    """An analyst's roll has no row per person and no name or ID number, in JSON and in the files: one
    cell per division and area type, here suppressed (one household is fewer than k = 5)."""
    body = client.get(f"{API}/rolls/dibao?on=2024-03-01", headers=auth("analyst")).json()
    assert body["personal"] is False
    assert body["rows"] == []
    assert [(c["division_code"], c["suppressed"], c["households"]) for c in body["cells"]] == [
        ("430112001001", True, None)
    ]
    head, *rows = csv_rows(client.get(f"{API}/rolls/dibao?on=2024-03-01&format=csv", headers=auth("analyst")).content)
    assert "name" not in head
    assert "id_number_masked" not in head
    assert "household_id" not in head
    assert len(rows) == 1
    assert "王建国" not in str(rows)


@pytest.mark.parametrize(
    ("path", "status", "kind", "field"),
    [
        ("/rolls/pension", 422, "validation-error", None),
        ("/rolls/temporary", 422, "invalid-value", "program"),
        ("/rolls/dibao?division=430113", 403, "forbidden-jurisdiction", "division"),
        ("/rolls/dibao?division=43011", 422, "invalid-value", "division"),
        ("/rolls/dibao?on=2024-02-30", 422, "validation-error", None),
        ("/statistics?from=2024-06&to=2024-01", 422, "invalid-value", "from"),
        ("/statistics?from=2024-13&to=2024-12", 422, "invalid-value", "from"),
        ("/statistics?from=2024-01&to=2024-1", 422, "invalid-value", "to"),
        ("/statistics?from=2024-01", 422, "validation-error", None),
        ("/statistics?from=2024-01&to=2024-02&division=44", 403, "forbidden-jurisdiction", "division"),
        ("/worklist?within_days=-1", 422, "validation-error", None),
    ],
)
def test_bad_report_requests_get_a_problem(
    client: TestClient, auth: Auth, path: str, status: int, kind: str, field: str | None
) -> None:
    """Unknown program, no roll, divisions outside or malformed, impossible dates and periods: 4xx problems."""
    position = store_position(client)
    role = "caseworker" if path.startswith("/worklist") else "approver"
    assert_problem(client.get(f"{API}{path}", headers=auth(role)), status, kind, field=field)
    assert store_position(client) == position


def test_statistics_give_the_section_7_figures(client: TestClient, auth: Auth, paid: str) -> None:
    """March–June 2024 after one payroll: one household on roll, new, one payment of 1050.00 for 3 persons
    (read by an approver: an analyst's cells of fewer than 5 households are suppressed, test_disclosure.py)."""
    r = client.get(f"{API}/statistics?from=2024-03&to=2024-06", headers=auth("approver"))
    assert r.status_code == 200
    s = r.json()
    assert s["on_roll"]["on"] == "2024-06-30"
    assert s["on_roll"]["programs"]["dibao"]["by_area_type"]["urban"] == {"households": 1, "persons": 3}
    assert (s["new"]["households"], s["new"]["persons"], s["exits"]["households"]) == (1, 3, 0)
    assert (s["household_months"], s["person_months"], s["funds"], s["average_benefit"]) == (1, 3, "1050.00", "350.00")
    r = client.get(f"{API}/statistics?from=2024-03&to=2024-06&format=csv&lang=zh", headers=auth("auditor"))
    head, *rows = csv_rows(r.content)
    assert head == ["指标", "数值"]
    assert ["funds", "1050.00"] in rows
    assert_problem(
        client.get(f"{API}/statistics?from=2024-03&to=2024-06", headers=auth("system")), 403, "forbidden-role"
    )


def test_the_worklist_shows_late_decisions_ended_notices_and_overdue_reviews(client: TestClient, auth: Auth) -> None:
    """Undecided since January 2024: late, notice ended; approved: review overdue; other townships see none."""
    waiting, active = pending(client), approved(client)
    r = client.get(f"{API}/worklist", headers=auth("approver"))
    assert r.status_code == 200
    items = {(i["enrolment_id"], i["kind"]): i for i in r.json()["items"]}
    assert set(items) == {(waiting, "decision_late"), (waiting, "notice_ended"), (active, "review_overdue")}
    assert items[(waiting, "notice_ended")]["due"] == "2024-01-31"
    assert items[(waiting, "decision_late")]["due"] == "2024-03-01"  # 30 working days after 2024-01-20
    assert items[(active, "review_overdue")]["status"] == "active"
    other = client.get(f"{API}/worklist", headers=auth("caseworker", jurisdiction="430112002"))
    assert other.json()["items"] == []
    assert_problem(client.get(f"{API}/worklist", headers=auth("analyst")), 403, "forbidden-role")


def test_the_cli_runs_payroll_with_progress_and_rebuilds_the_views(tmp_path: Path) -> None:
    """``jiuzhu payroll 2024-03`` pays once (a rerun issues nothing); ``jiuzhu projections rebuild`` reprojects."""
    settings = Settings(database="sqlite", sqlite_path=tmp_path / "j.sqlite", _env_file=None)  # type: ignore[call-arg]
    app = Casework(env=settings.persistence_env(), clock=fixed_clock)
    try:
        app.seed_policy(load_seed(), SEED_ACTOR)
        for _ in range(3):
            enrol(app, household(app), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    finally:
        app.close()
    env = {"JIUZHU_DATABASE": "sqlite", "JIUZHU_SQLITE_PATH": str(tmp_path / "j.sqlite")}
    runner = CliRunner()
    first = runner.invoke(cli, ["payroll", "2024-03", "--batch-size", "2"], env=env)
    assert first.exit_code == 0, first.output
    assert "3 issued (3150.00 yuan) in 2 batches" in first.output
    again = runner.invoke(cli, ["payroll", "2024-03"], env=env)
    assert "0 issued (0.00 yuan) in 0 batches, 3 already paid" in again.output
    refused = runner.invoke(cli, ["payroll", "2024-13"], env=env)
    assert refused.exit_code == 2
    assert "month-valid" in refused.output
    rebuilt = runner.invoke(cli, ["projections", "rebuild"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "notifications projected" in rebuilt.output
