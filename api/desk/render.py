"""Jinja2 templates and the filters the pages share: money, months and instants the way people read them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
PROGRAMS = {
    "dibao": "低保",
    "tekun": "特困供养",
    "orphan": "孤儿",
    "unsupported_child": "事实无人抚养儿童",
    "temporary": "临时救助",
    "elderly_allowance": "高龄津贴",
    "home_care_subsidy": "居家养老服务补贴",
    "disability_living": "困难残疾人生活补贴",
    "disability_care": "重度残疾人护理补贴",
}
STATUSES = {
    "applied": "已申请",
    "reviewed": "乡镇已审核",
    "approved": "已批准",
    "rejected": "不予批准",
    "withdrawn": "已撤回",
    "active": "享受中",
    "suspended": "暂停",
    "gradual_exit": "渐退期",
    "terminated": "已终止",
}
EVENTS = {
    "Registered": "登记",
    "AmountAdjusted": "金额调整",
    "ApplicationApproved": "县级批准",
    "ApplicationFiled": "提出申请",
    "ApplicationRejected": "不予批准",
    "ApplicationWithdrawn": "撤回申请",
    "BenefitResumed": "恢复发放",
    "BenefitSuspended": "暂停发放",
    "CareAssessed": "护理等级评估",
    "CircumstancesRecorded": "收入财产申报",
    "DecisionDeadlineExtended": "延长审核确认期限",
    "EnrolmentTerminated": "终止",
    "EntitlementChanged": "应发金额变化",
    "MemberAdded": "增加成员",
    "MemberChanged": "成员信息变更",
    "MemberRemoved": "减少成员",
    "ParentsRecorded": "父母情况",
    "PaymentsCorrected": "更正（补发/追回）",
    "PaymentsIssued": "发放",
    "PaymentsSettled": "迟报变化结算",
    "ReviewCompleted": "定期复核",
    "TemporaryAssistanceGranted": "临时救助",
    "TownshipReviewRecorded": "乡镇审核",
}
ROLES = {
    "caseworker": "经办人",
    "approver": "审核确认",
    "auditor": "审计",
    "analyst": "统计",
    "admin": "管理员",
    "agency": "外部机构",
}


def yuan(value: Any) -> str:
    """``1234.5`` → ``1,234.50``."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)):,.2f}"


def wan(value: Any) -> str:
    """Yuan as 万元 with two decimals."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)) / 10000:,.2f}"


def month_zh(value: date | str) -> str:
    """A month as people read it: 2024年7月."""
    d = date.fromisoformat(f"{value}-01" if isinstance(value, str) and len(value) == 7 else str(value)[:10])
    return f"{d.year}年{d.month}月"


def date_zh(value: date | str | None) -> str:
    if value is None:
        return "—"
    d = date.fromisoformat(str(value)[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def instant_zh(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M:%S} UTC"


def dig(data: Any, path: str) -> Any:
    """``dig(figures, "on_roll.programs.dibao.households")``: the value there; 0 where the figures have no such
    cell (nobody counted); None where the cell is there but suppressed (an analyst's small cell)."""
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return 0
        data = data[key]
    return data


def count(value: Any) -> str:
    """A count, or a dash for a figure suppressed or absent."""
    return "—" if value is None else str(value)


RECOMPUTED = re.compile(r"^re-computed for (\d{4})-(\d{2}): (.*?)(?: \(after: (.*)\))?$", re.S)
DRIVERS = (
    (re.compile(r"^parameter (\S+) = (\S+)"), "参数 {0} 调为 {1}"),
    (re.compile(r"turns (\d+) on"), "成员年满 {0} 周岁"),
    (re.compile(r"^(\w+) effective "), "{0}"),
)


def reason_zh(reason: Any) -> Markup | str:
    """A reason for people: the re-computation's English ("re-computed for 2024-07: …") read as 重新核算 2024年7月,
    with its driver and what set it off where the desk knows their words; the English whole in the title.
    Other reasons as given."""
    if not reason:
        return ""
    found = RECOMPUTED.match(str(reason))
    if found is None:
        return str(reason)
    year, month, driver, after = found.groups()
    words = []
    for pattern, text in DRIVERS:
        hit = pattern.search(driver)
        if hit is not None:
            words.append(text.format(*(EVENTS.get(g, g) for g in hit.groups())))
            break
    if words and words[0] not in EVENTS.values() and re.fullmatch(r"[\x00-\x7f]*", words[0]):
        words.clear()  # a driver the desk has no words for: the title keeps it
    if after and EVENTS.get(after, after) not in words:
        words.append(f"起因：{EVENTS.get(after, after)}")
    detail = f"（{'；'.join(words)}）" if words else ""
    return Markup('<span class="recomputed" title="{}">重新核算 {}年{}月{}</span>').format(
        str(reason), year, int(month), detail
    )


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters.update(yuan=yuan, wan=wan, month_zh=month_zh, date_zh=date_zh, instant_zh=instant_zh)
    env.filters["program"] = lambda p: PROGRAMS.get(str(p), str(p))
    env.filters["status"] = lambda s: STATUSES.get(str(s), str(s) if s else "—")
    env.filters["event"] = lambda e: EVENTS.get(str(e), str(e))
    env.filters["role"] = lambda r: ROLES.get(str(r), str(r))
    env.globals.update(nav_for=nav_for, dig=dig)
    env.filters["count"] = count
    env.filters["reason"] = reason_zh
    return env


#: Nothing runs or loads but the page itself: no script at all, the page's own style and inline SVG, forms
#: posted only here, never framed; no Referer to another site (URLs carry purposes, perhaps an ID number searched).
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render one page; ``actor`` (who is signed in) comes from the request when the desk knows it."""
    context.setdefault("actor", getattr(request.state, "desk_actor", None))
    html = environment().get_template(template).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)


NAV = (
    ("search_households", "/desk/households", "户查询"),
    ("read_worklist", "/desk/worklist", "待办"),
    ("read_statistics", "/desk/statistics", "统计"),
    ("read_payroll", "/desk/payroll", "发放"),
    ("verify_store", "/desk/audit", "审计"),
)


def nav_for(actor: Any) -> list[tuple[str, str]]:
    """The pages this person's role may open, in the permission table's words."""
    from api.permissions import PERMISSIONS

    if actor is None:
        return []
    return [(href, label) for op, href, label in NAV if actor.role in PERMISSIONS[op]]
