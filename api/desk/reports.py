"""The bureau's figures on the desk: worklist, statistics for a period, a payroll month, and the audit.

None of these pages shows a name or an ID number (the payroll page gives totals and correction lines,
not the bank file), so none asks for a purpose; each shares its permission with the API operation named.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import get_services
from api.desk.charts import bar_chart, month_bars
from api.desk.render import PROGRAMS, page
from api.desk.revisions import as_of_instant, revised
from api.desk.session import DeskRoute, allowed, signed_in
from api.routers.payroll import PayrollMonthOut
from api.routers.reports import read_statistics
from application.months import month_text
from domain.values import first_of_next_month

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)
Month = Annotated[str, Query(max_length=7, pattern=r"^$|^[0-9]{4}-[0-9]{2}$")]
WORK = {
    "review_overdue": "复核逾期",
    "review_due": "复核将到期",
    "decision_late": "审批超时",
    "notice_ended": "公示期满待审批",
    "awaiting_decision": "待审批",
    "may_qualify": "可能符合条件",
}


def _last_month(today: date) -> date:
    return first_of_next_month(today.replace(day=1), -1)


@router.get("/worklist")
def worklist(request: Request, within_days: Annotated[int, Query(ge=0, le=366)] = 30) -> Response:
    """Reviews due or overdue, decisions late, notices ended, households that may qualify: the worklist."""
    actor = signed_in(request, "read_worklist")
    services = get_services(request)
    items: list[Any] = list(services.reports.worklist(actor, within_days))
    services.notices.follow()  # "may qualify" notices, brought up to date with the facts recorded
    items.extend(services.notices.items(actor.jurisdiction))
    today = services.reports.today()
    return page(request, "worklist.html", items=items, kinds=WORK, within_days=within_days, today=today)


def funds_chart(figures: dict[str, Any]) -> Any:
    """Funds in the period by program (万元), temporary assistance included; suppressed cells left out."""
    bars = [
        (PROGRAMS.get(p, p), Decimal(v["funds"]) / 10000)
        for p, v in figures.get("payments_by_program", {}).items()
        if v.get("funds") is not None
    ]
    grants = figures.get("temporary_assistance") or {}
    if grants.get("funds") is not None and Decimal(grants["funds"]) > 0:
        bars.append((PROGRAMS["temporary"], Decimal(grants["funds"]) / 10000))
    return bar_chart(bars, label="分项目资金（万元）")


def monthly_charts(series: list[dict[str, Any]]) -> dict[str, Any]:
    """Funds paid for each month by program (万元, stacked) and persons on roll at each month's end by program."""
    months = [(date.fromisoformat(m["month"] + "-01"), m) for m in series]
    funds = [(d, {p: Decimal(v) / 10000 for p, v in m["funds"].items()}) for d, m in months]
    persons = [(d, {p: Decimal(v) for p, v in m["persons"].items()}) for d, m in months]
    return {
        "funds": month_bars(funds, PROGRAMS, label="逐月分项目资金（万元）"),
        "persons": month_bars(persons, PROGRAMS, unit="人", label="逐月末在册人数", places=0),
    }


SPLITS = (
    ("dibao", "by_area_type", "urban", "城市低保"),
    ("dibao", "by_area_type", "rural", "农村低保"),
    ("tekun", "by_arrangement", "concentrated", "特困集中供养"),
    ("tekun", "by_arrangement", "dispersed", "特困分散供养"),
)


def splits_chart(figures: dict[str, Any]) -> Any:
    """Persons on roll at the period's end: dibao urban / rural, tekun concentrated / dispersed; suppressed left out."""
    programs = figures.get("on_roll", {}).get("programs", {})
    bars = []
    for program, split, key, name in SPLITS:
        persons = programs.get(program, {}).get(split, {}).get(key, {}).get("persons")
        if persons is not None:
            bars.append((name, Decimal(persons)))
    return bar_chart(bars, unit="人", label="期末在册人数（城乡低保、特困供养方式）", places=0)


Start = Annotated[Month, Query(alias="from")]
End = Annotated[Month, Query(alias="to")]
Division = Annotated[str, Query(max_length=12)]
AsOf = Annotated[str, Query(max_length=40)]


def _period(request: Request, start: str, end: str) -> tuple[str, str]:
    today = get_services(request).reports.today()
    return start or f"{today.year}-01", end or month_text(_last_month(today))


@router.get("/statistics")
def statistics(
    request: Request,
    start: Start = "",
    end: End = "",
    division: Division = "",
    as_of: AsOf = "",
    print_: Annotated[str, Query(alias="print", max_length=1)] = "",
) -> Response:
    """The report figures for whole months, asked of the API's own statistics operation (same figures, same refusals);
    pinned to what was known at ``as_of``, with the revisions since (the figures now against then). The monthly
    charts are drawn for roles with personal access and figures as known now; ``print=1``: the bureau's
    printable layout, without navigation or form."""
    actor = signed_in(request, "read_statistics")
    services = get_services(request)
    start, end = _period(request, start, end)
    pinned = as_of_instant(as_of)
    figures = read_statistics(actor, services, start, end, division or None, "json", "en", pinned)
    revisions = None
    if pinned is not None:
        now = read_statistics(actor, services, start, end, division or None, "json", "en", None)
        revisions = revised(figures, now)
    series = services.reports.monthly(start, end, division or None, actor) if pinned is None else []
    return page(
        request,
        "statistics.html",
        f=figures,
        chart=funds_chart(figures),
        monthly=monthly_charts(series) if series else None,
        splits=splits_chart(figures),
        printing=print_ == "1",
        start=start,
        end=end,
        as_of=as_of,
        revisions=revisions,
    )


@router.get("/statistics.xlsx")
def statistics_xlsx(
    request: Request, start: Start = "", end: End = "", division: Division = "", as_of: AsOf = ""
) -> Response:
    """The same figures as a spreadsheet in the bureau's layout (the API's ``format=xlsx``)."""
    actor = signed_in(request, "read_statistics")
    start, end = _period(request, start, end)
    services = get_services(request)
    answer: Response = read_statistics(
        actor, services, start, end, division or None, "xlsx", "zh", as_of_instant(as_of)
    )
    return answer


@router.get("/payroll")
def payroll(request: Request, month: Month = "") -> Response:
    """A payroll month's totals by program and by township, the late corrections (补发 / 追回) apart."""
    actor = signed_in(request, "read_payroll")
    services = get_services(request)
    asked = month or month_text(_last_month(services.reports.today()))
    sheet = services.payroll.sheet(asked, actor.jurisdiction)
    out = PayrollMonthOut.of(sheet, actor.jurisdiction)
    return page(request, "payroll.html", p=out, month=asked, townships=by_township(sheet.rows))


def by_township(rows: Any) -> list[dict[str, Any]]:
    """The month's payments by township (the division code's first 9 digits): 户次, 人次, amount."""
    totals: dict[str, dict[str, Any]] = {}
    for r in rows:
        t = totals.setdefault(r.division_code[:9], {"payments": 0, "persons": 0, "amount": Decimal("0.00")})
        t["payments"] += 1
        t["persons"] += r.beneficiaries_count
        t["amount"] += r.amount
    return [{"township": code, **t} for code, t in sorted(totals.items())]


@router.get("/audit")
def audit(request: Request) -> Response:
    """The store's verification for the caller's jurisdiction, and the read-access log for those who may read it."""
    actor = signed_in(request, "verify_store")
    services = get_services(request)
    report = services.auditor.verify(jurisdiction=actor.jurisdiction)
    log = (
        services.auditor.access_log(limit=100, jurisdiction=actor.jurisdiction)
        if allowed(actor, "access_log")
        else None
    )
    return page(request, "audit.html", report=report, log=log)
