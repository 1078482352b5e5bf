"""The bank (issue 17, section 3): a household's payee and account recorded as a fact, masked
everywhere but the payroll's bank file, changed only with a reason; a payroll pays only households
with an account, lists the others, and a later run pays them once their account is recorded."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from application.casework import Casework
from application.commands import RecordCircumstances
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from tests.api.helpers import API, assert_problem, etag, household_path
from tests.application.scenarios import enrol, household
from tests.support import CASEWORKER, by

Auth = Callable[..., dict[str, str]]
NUMBER = "6228 4801 2345 6789 012"
DIGITS = NUMBER.replace(" ", "")
BANK = "中国农业银行长沙望城支行"


def casework(client: TestClient) -> Casework:
    app: Casework = client.app.state.services.casework  # type: ignore[attr-defined]
    return app


def put_account(client: TestClient, auth: Auth, hid: str, **body: Any) -> Any:
    current = client.get(household_path(hid), headers=auth("caseworker"))
    head = next(m for m in current.json()["members"] if m["relation"] == "head")
    payload = {"payee_id": head["person_id"], "bank": BANK, "account_number": NUMBER, "effective_on": "2024-01-10"}
    headers = {**auth("caseworker"), "If-Match": f'"{etag(current)}"'}
    return client.put(f"{household_path(hid)}/payee-account", json={**payload, **body}, headers=headers)


def test_the_account_is_recorded_and_shown_masked(client: TestClient, auth: Auth) -> None:
    hid = str(household(casework(client), head_name="赵大"))
    r = put_account(client, auth, hid)
    assert r.status_code == 200, r.text
    account = r.json()["payee_account"]
    assert account["account_masked"] == "**** **** 9012"
    assert account["bank"] == BANK
    assert account["payee_name"] == "赵大"
    got = client.get(household_path(hid), headers=auth("auditor"))
    assert got.json()["payee_account"]["account_masked"] == "**** **** 9012"
    assert DIGITS not in got.text
    history = client.get(f"{household_path(hid)}/history", headers=auth("auditor")).json()["events"]
    recorded = [e for e in history if e["event"] == "PayeeAccountRecorded"]
    assert recorded
    assert recorded[-1]["changes"]["account_number"] == "**** **** 9012"
    assert DIGITS not in str(history)


def test_a_change_of_account_states_its_reason(client: TestClient, auth: Auth) -> None:
    hid = str(household(casework(client)))
    assert put_account(client, auth, hid).status_code == 200
    refused = put_account(client, auth, hid, account_number="6217002920000000001")
    assert_problem(refused, 422, "invalid-value", field="reason", rule="reason-required")
    changed = put_account(client, auth, hid, account_number="6217002920000000001", reason="户主更换开户银行")
    assert changed.status_code == 200, changed.text
    assert changed.json()["payee_account"]["account_masked"] == "**** **** 0001"
    history = client.get(f"{household_path(hid)}/history", headers=auth("auditor")).json()["events"]
    assert [e["reason"] for e in history if e["event"] == "PayeeAccountRecorded"][-1] == "户主更换开户银行"


def test_a_malformed_account_or_a_stranger_as_payee_is_refused(client: TestClient, auth: Auth) -> None:
    hid = str(household(casework(client)))
    for number in ("12345", "6228-48AB-2345-6789", "1" * 31):
        bad = put_account(client, auth, hid, account_number=number)
        assert_problem(bad, 422, "invalid-value", field="account_number", rule="account-number-format")
    stranger = put_account(client, auth, hid, payee_id="00000000-0000-4000-8000-000000000000")
    assert_problem(stranger, 422, "not-found", field="payee_id", rule="member-known")


def test_only_approvers_download_the_bank_file(client: TestClient, auth: Auth) -> None:
    for role in ("caseworker", "auditor", "analyst"):
        assert client.get(f"{API}/payroll/2024-03/bank-file", headers=auth(role)).status_code == 403


def bank_csv(client: TestClient, auth: Auth, month: str) -> list[list[str]]:
    r = client.get(f"{API}/payroll/{month}/bank-file?format=csv", headers=auth("approver"))
    assert r.status_code == 200, r.text
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_the_payroll_pays_households_with_an_account_and_lists_the_others(client: TestClient, auth: Auth) -> None:
    """Two households due in March: the one with an account is paid and in the bank file with its full
    number; the other is listed, not paid, and a later run of March pays it once its account is recorded."""
    app = casework(client)
    paid, waiting = household(app, head_name="钱一"), household(app, head_name="孙二")
    enrol(app, paid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))  # with the head's account
    enrol(app, waiting, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2), account=False)
    first = client.post(f"{API}/payroll/2024-03", headers=auth("approver"))
    assert first.status_code == 200, first.text
    assert first.json()["issued"] == 1
    assert [w["household_id"] for w in first.json()["without_account"]] == [str(waiting)]
    head, *lines = bank_csv(client, auth, "2024-03")
    assert head == ["序号", "户名", "账号", "金额", "摘要"]
    (line,) = lines
    number = app.get_household(paid).accounts[-1][2].account_number
    assert line == ["1", "钱一", number, line[3], "2024年03月 低保金"]
    assert line[3] == str(first.json()["issued_amount"])

    assert put_account(client, auth, str(waiting)).status_code == 200  # effective 2024-01-10
    second = client.post(f"{API}/payroll/2024-03", headers=auth("approver")).json()
    assert second["issued"] == 1
    assert second["without_account"] == []
    head, *lines = bank_csv(client, auth, "2024-03")
    assert [line[0] for line in lines] == ["1", "2"]
    assert sorted((line[1], line[2]) for line in lines) == sorted([("钱一", number), ("孙二", DIGITS)])
    third = client.post(f"{API}/payroll/2024-03", headers=auth("approver")).json()
    assert third["issued"] == 0  # each enrolment is paid once a month


def test_the_bank_file_as_xlsx_keeps_the_account_number_as_text(client: TestClient, auth: Auth) -> None:
    app = casework(client)
    hid = household(app, head_name="周五")
    enrol(app, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2), account=False)
    assert put_account(client, auth, str(hid)).status_code == 200
    assert client.post(f"{API}/payroll/2024-03", headers=auth("approver")).json()["issued"] == 1
    r = client.get(f"{API}/payroll/2024-03/bank-file?format=xlsx", headers=auth("approver"))
    assert r.status_code == 200, r.text
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "户名", "账号", "金额", "摘要")
    assert rows[1][:3] == (1, "周五", DIGITS)
    assert rows[1][4] == "2024年03月 低保金"
    sheet = client.get(f"{API}/payroll/2024-03?format=csv", headers=auth("approver"))
    assert DIGITS not in sheet.text
    assert "**** **** 9012" in sheet.text  # the payment sheet shows it masked


def test_arrears_of_a_late_correction_are_credited_by_the_next_bank_file(client: TestClient, auth: Auth) -> None:
    """Wages found lower from March after March was paid: April's bank file credits April and March's arrears."""
    app = casework(client)
    hid = household(app, head_name="吴六")
    enrol(app, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    assert client.post(f"{API}/payroll/2024-03", headers=auth("approver")).json()["issued"] == 1
    head = next(iter(app.get_household(hid).members))
    lower = Circumstances(incomes=(IncomeItem(head, IncomeKind.WAGES, Decimal("600.00")),), assets=Assets())
    app.handle(RecordCircumstances(household_id=hid, circumstances=lower, meta=by(CASEWORKER, date(2024, 3, 1))))
    assert client.post(f"{API}/payroll/2024-04", headers=auth("approver")).status_code == 200
    _, april, arrears = bank_csv(client, auth, "2024-04")
    assert april[4] == "2024年04月 低保金"
    assert arrears[0] == "2"
    assert arrears[1:3] == april[1:3]  # the same holder and account
    assert arrears[4] == "2024年03月 低保金 补发"
    assert Decimal(arrears[3]) == Decimal("600.00")  # 200.00 more per capita for three persons
