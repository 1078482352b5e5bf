"""Payroll: run a month (idempotent) and read it, as JSON or as the bank file (CSV/XLSX)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel

from api.deps import ActorDep, PurposeDep, RequestIdDep, ServicesDep, log_reads
from api.downloads import Format, Lang, download
from application.commands import Meta, RunPayroll
from application.months import month_text
from application.payroll_accounts import BANK_FILE_COLUMNS, Accounts, bank_lines
from application.payroll_reports import MonthSheet
from domain.members import Relation
from infrastructure.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx

router = APIRouter(prefix="/api/v1/payroll", tags=["payroll"])
BankFormat = Literal["csv", "xlsx"]
MonthPath = Annotated[str, Path(max_length=16, description="YYYY-MM")]
BANK_FILE = (
    "head_name",
    "id_number_masked",
    "account",
    "program",
    "amount",
    "basic_living",  # tekun's two parts, as bureaus publish 基本生活费 and 护理补贴 apart
    "care_subsidy",
    "line",
    "for_month",
)


class ProgramTotal(BaseModel):
    program: str
    payments: int
    persons: int
    amount: Decimal


class CorrectionLineOut(BaseModel):
    household_id: UUID
    enrolment_id: UUID
    correction_id: UUID
    corrected_month: str
    amount: Decimal  # positive: arrears (补发); negative: overpayment to recover (追回)


class PayrollMonthOut(BaseModel):
    month: str
    division: str
    payments: int
    persons: int
    amount: Decimal
    by_program: list[ProgramTotal]
    corrections: list[CorrectionLineOut] = []
    arrears: Decimal = Decimal("0.00")
    recoveries: Decimal = Decimal("0.00")

    @classmethod
    def of(cls, sheet: MonthSheet, division: str) -> PayrollMonthOut:
        return cls(
            month=month_text(sheet.month),
            division=division,
            payments=sheet.payments,
            persons=sheet.persons,
            amount=sheet.amount,
            by_program=[
                ProgramTotal(program=str(c.key[0]), payments=c.enrolments, persons=c.persons, amount=c.amount)
                for c in sheet.by_program
            ],
            corrections=[
                CorrectionLineOut(
                    household_id=c.household_id,
                    enrolment_id=c.enrolment_id,
                    correction_id=c.correction_id,
                    corrected_month=month_text(c.corrected_month),
                    amount=c.amount,
                )
                for c in sheet.corrections
            ],
            arrears=sum((c.amount for c in sheet.corrections if c.amount > 0), Decimal("0.00")),
            recoveries=sum((-c.amount for c in sheet.corrections if c.amount < 0), Decimal("0.00")),
        )


class WithoutAccountOut(BaseModel):
    """A payable enrolment the run left unpaid: its household has no valid account on the month's first day."""

    household_id: UUID
    enrolment_id: UUID
    program: str
    division_code: str


class PayrollRunOut(BaseModel):
    month: str
    first_day: date
    run_id: UUID
    payable: int
    issued: int
    issued_amount: Decimal
    already_paid: int
    batches: int
    totals: PayrollMonthOut
    without_account: list[WithoutAccountOut] = []  # left unpaid until an account is recorded


@router.post("/{month}", operation_id="run_payroll", response_model=PayrollRunOut)
def run_payroll(
    month: MonthPath, actor: ActorDep, services: ServicesDep, rid: RequestIdDep, request: Request
) -> PayrollRunOut:
    """Issue the month's payments in the caller's jurisdiction; a second run issues only what is new."""
    first = services.payroll.month(month)
    progress = request.app.state.metrics.payroll_progress(first)  # /metrics shows it
    report = services.payroll.handle(RunPayroll(meta=Meta(actor=actor, effective_on=first, request_id=rid)), progress)
    progress(report.payable, report.payable)  # done: what was already paid and what this run issued
    sheet = services.payroll.sheet(report.month, actor.jurisdiction)
    totals = PayrollMonthOut.of(sheet, actor.jurisdiction)
    shown = asdict(report) | {"month": month_text(report.month), "first_day": report.month, "totals": totals}
    return PayrollRunOut.model_validate(shown)  # the report's other counts (conflicts, counties) are not shown


@router.get(
    "/{month}",
    operation_id="read_payroll",
    response_model=PayrollMonthOut,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
)
def read_payroll(
    month: MonthPath,
    actor: ActorDep,
    services: ServicesDep,
    purpose: PurposeDep,
    rid: RequestIdDep,
    format: Annotated[Format, Query(description="json, or the bank file as csv or xlsx")] = "json",
    lang: Annotated[Lang, Query(description="column headings: en or zh")] = "en",
) -> PayrollMonthOut | Response:
    """The month's totals, or its payment sheet: head of household, masked ID number, masked account, amount
    (the bank's own batch file, with the full account numbers, is ``GET …/bank-file``)."""
    sheet = services.payroll.sheet(month, actor.jurisdiction)
    if format == "json":
        return PayrollMonthOut.of(sheet, actor.jurisdiction)
    this_month = month_text(sheet.month)
    accounts = Accounts(services.casework)
    rows: list[tuple[object, ...]] = []
    for r in sheet.rows:
        account = accounts.on(r.household_id, sheet.month)
        masked = account.masked() if account else ""
        parts = (r.basic_living, r.care_subsidy)
        rows.append((r.head_name, r.head_id_masked, masked, r.program, r.amount, *parts, "payment", this_month))
    for c in sheet.corrections:  # late corrections: separate lines, arrears positive, recoveries negative
        h = services.casework.get_household(c.household_id)
        head = next((m for m in h.members.values() if m.relation is Relation.HEAD), next(iter(h.members.values())))
        rows.append(
            (
                head.name,
                head.id_number.masked(),
                "",
                str(h.enrolment(c.enrolment_id).program),
                c.amount,
                None,
                None,
                "arrears" if c.amount > 0 else "recovery",
                month_text(c.corrected_month),
            )
        )
    read = [r.household_id for r in sheet.rows] + [c.household_id for c in sheet.corrections]
    log_reads(services, actor, read, purpose, rid)  # the bank file names each head of household
    return download(BANK_FILE, rows, format, lang, f"payroll-{this_month}")


@router.get(
    "/{month}/bank-file",
    operation_id="download_bank_file",
    responses={200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
)
def download_bank_file(
    month: MonthPath,
    actor: ActorDep,
    services: ServicesDep,
    purpose: PurposeDep,
    rid: RequestIdDep,
    format: Annotated[BankFormat, Query(description="csv or xlsx")] = "csv",
) -> Response:
    """The bank's batch file of the month's payments: 序号, 户名, 账号, 金额, 摘要, with the full account
    numbers (the one place they are shown: approvers hand it to the bank; docs/money.md)."""
    sheet = services.payroll.sheet(month, actor.jurisdiction)
    lines = bank_lines(services.casework, sheet)
    log_reads(services, actor, [r.household_id for r in sheet.rows], purpose, rid)  # each line names a payee
    body = (to_csv if format == "csv" else to_xlsx)(BANK_FILE_COLUMNS, [line.cells() for line in lines])
    filename = f"bank-{month_text(sheet.month)}.{format}"
    media = CSV_MEDIA_TYPE if format == "csv" else XLSX_MEDIA_TYPE
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
