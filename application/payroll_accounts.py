"""The bank's side of the payroll: which payable enrolments have an account to credit, and the bank file.

A payment is credited to the account recorded for the household on the month's first day
(``Household.account_on``). A run issues the payments of households that have one and lists the
others (``RunReport.without_account``) without marking them paid, so a later run of the same month
pays them once the account is recorded with effect from that day or earlier.

The bank file is the batch layout banks take for social-assistance credits (docs/money.md,
"The bank file"): 序号, 户名, 账号, 金额, 摘要 — sequence, account holder, full account number, amount
and memo (``2024年03月 低保金``). It is the one place the full number is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from application.base import CaseworkBase
from application.payroll_reports import MonthSheet, WithoutAccount
from application.views.rows import PayableRow
from domain.household import Household
from domain.payee import PayeeAccount

#: the bank file's columns, in order, as the bank reads them
BANK_FILE_COLUMNS = ("序号", "户名", "账号", "金额", "摘要")

#: what each program's payment is called on a bank statement (the memo's second part)
MEMO: dict[str, str] = {
    "dibao": "低保金",
    "tekun": "特困供养金",
    "orphan": "孤儿基本生活费",
    "unsupported_child": "事实无人抚养儿童基本生活费",
    "temporary": "临时救助金",
    "elderly_allowance": "高龄津贴",
    "home_care_subsidy": "居家养老服务补贴",
    "disability_living": "困难残疾人生活补贴",
    "disability_care": "重度残疾人护理补贴",
}


@dataclass(frozen=True, slots=True)
class BankLine:
    """One credit of the bank file."""

    sequence: int
    holder: str
    account_number: str
    amount: Decimal
    memo: str

    def cells(self) -> tuple[object, ...]:
        return (self.sequence, self.holder, self.account_number, self.amount, self.memo)


class Accounts:
    """The accounts of the households a bank file or a payment sheet names, each household loaded once
    (a run needs none: ``split`` decides from the views)."""

    def __init__(self, casework: CaseworkBase):
        self.casework = casework
        self._households: dict[UUID, Household] = {}

    def household(self, household_id: UUID) -> Household:
        if household_id not in self._households:
            self._households[household_id] = self.casework.get_household(household_id)
        return self._households[household_id]

    def on(self, household_id: UUID, first: date) -> PayeeAccount | None:
        return self.household(household_id).account_on(first)

    @staticmethod
    def split(rows: Iterable[PayableRow], first: date) -> tuple[list[PayableRow], list[WithoutAccount]]:
        """The rows with an account to credit on ``first``, and those without one (listed, not paid).

        Decided from the views (``PayableRow.account_since``), loading no household: accounts are only
        recorded or replaced, never removed, so a household has one on ``first`` exactly when its
        earliest account is in effect by then (``Household.account_on``)."""
        payable: list[PayableRow] = []
        missing: list[WithoutAccount] = []
        for row in rows:
            if row.account_since is not None and row.account_since <= first:
                payable.append(row)
            else:
                missing.append(WithoutAccount(row.household_id, row.enrolment_id, row.program, row.division_code))
        return payable, missing


def memo(first: date, program: str) -> str:
    return f"{first.year}年{first.month:02d}月 {MEMO.get(program, program)}"


def bank_lines(casework: CaseworkBase, sheet: MonthSheet) -> list[BankLine]:
    """The month's credits to the account in effect on the month's first day: one per payment issued,
    then one per arrears line (补发) a late correction assigned to this month. Recoveries (追回) are not
    bank credits: the payment sheet lists them for the bureau to collect.

    A payment is issued only to a household with an account (``Accounts.split``); a line without one
    (an arrears line of a household whose account was since taken back) has an empty account, for the
    bank to reject and the bureau to see."""
    accounts = Accounts(casework)
    credits = [(r.household_id, r.amount, memo(sheet.month, r.program)) for r in sheet.rows]
    for c in sheet.corrections:
        if c.amount > 0:
            program = str(accounts.household(c.household_id).enrolment(c.enrolment_id).program)
            credits.append((c.household_id, c.amount, memo(c.corrected_month, program) + " 补发"))
    lines = []
    for i, (household_id, amount, text) in enumerate(credits, start=1):
        h = accounts.household(household_id)
        account = h.account_on(sheet.month)
        holder = h.payee_name(account) if account else ""
        lines.append(BankLine(i, holder, account.account_number if account else "", amount, text))
    return lines
