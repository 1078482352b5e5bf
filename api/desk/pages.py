"""Households on the desk: search, the household through time (both clocks), and a decision explained.

These pages show names and (masked) ID numbers: each asks for a purpose first and logs the read with it
through ``api.deps.log_read(s)``, exactly as the API's household reads do.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import get_services, log_read, purpose
from api.desk.charts import step_chart
from api.desk.render import page
from api.desk.revisions import as_of_instant
from api.desk.session import DeskRoute, form_fields, signed_in
from api.problems import Problem
from api.routers.households import search_households
from application.audit import Recorded
from domain.enrolment import Enrolment, Status
from domain.household import Household
from domain.values import Actor, Program, first_of_next_month

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)
DIVISION = re.compile(r"^[0-9]{6}([0-9]{3}){0,2}$")
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")


def stated(text: str) -> str | None:
    """The purpose as the API's X-Purpose would record it; None when none was given."""
    cleaned = purpose(text)
    return None if cleaned == "not stated" else cleaned


FIELDS = ("id_number", "division", "program", "state")


@router.get("/households")
def households(
    request: Request,
    why: Annotated[str, Query(alias="purpose", max_length=200)] = "",
    division: Annotated[str, Query(max_length=12)] = "",
    program: Annotated[str, Query(max_length=32)] = "",
    state: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    """The search form; division, program and state may come in the query (an ID number only by POST)."""
    actor = signed_in(request, "search_households")
    return _search(request, actor, {"id_number": "", "division": division, "program": program, "state": state}, why)


@router.post("/households")
async def households_posted(request: Request) -> Response:
    """The search form posted: an ID number searched for stays out of URLs and the browser's history."""
    actor = signed_in(request, "search_households")
    form = await form_fields(request)
    asked = {k: form.get(k, "").strip() for k in FIELDS}
    return await run_in_threadpool(_search, request, actor, asked, form.get("purpose", ""))


def _search(request: Request, actor: Actor, asked: dict[str, str], why: str) -> Response:
    """Search within the caller's jurisdiction; the results name each head of household, so a purpose is asked."""
    context: dict[str, Any] = {"asked": asked, "purpose": why, "programs": list(Program), "states": list(Status)}
    if not any(asked.values()):
        return page(request, "search.html", **context)
    reason = stated(why[:200])
    if reason is None:
        return page(request, "search.html", missing_purpose=True, **context)
    division, program, state, id_number = asked["division"], asked["program"], asked["state"], asked["id_number"]
    if division and not DIVISION.match(division):
        raise Problem(422, "validation-error", "区划代码有误", "区划代码为 6、9 或 12 位数字")
    if id_number and not ID_NUMBER.match(id_number):
        raise Problem(422, "validation-error", "身份证号有误", "身份证号为 18 位")
    if program and program not in {p.value for p in Program}:
        raise Problem(422, "validation-error", "项目有误", f"unknown program {program[:32]!r}")
    if state and state not in {s.value for s in Status}:
        raise Problem(422, "validation-error", "状态有误", f"unknown state {state[:32]!r}")
    services = get_services(request)
    found = search_households(  # the API's own search: jurisdiction, person index, logging
        actor,
        services,
        reason,
        request.state.request_id,
        limit=100,
        offset=0,
        division=division or None,
        program=Program(program) if program else None,
        state=Status(state) if state else None,
        on=None,
        id_number=id_number or None,
    )
    return page(request, "search.html", found=found, **context)


def _months(first: date, last: date) -> list[date]:
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d)
        d = first_of_next_month(d)
    return out


def _enrolment_view(e: Enrolment, chart_e: Enrolment | None, on: date, today: date, in_effect: bool) -> dict[str, Any]:
    months = _months(e.applied_on, max(today, on))
    source = chart_e or e
    points = [(m, source.amount_on(m)) for m in months]
    return {
        "e": e,
        "status_on": e.status_on(on),
        "amount_on": e.amount_on(on),
        "steps": [s for s in e.steps if not in_effect or s.effective_on <= on],
        "chart": step_chart(points, marker=on, label=f"{e.program} 每月应发金额"),
        "months": points,
    }


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Problem(422, "validation-error", "日期有误", f"effective_on: {text!r} 不是日期") from None


def _instants(recorded: list[Recorded]) -> list[tuple[str, list[int], list[str]]]:
    """The recorded instants to choose "as known at" from: each with the versions and events recorded then."""
    by_instant: dict[str, tuple[list[int], list[str]]] = {}
    for r in recorded:
        versions, events = by_instant.setdefault(r.recorded_at.isoformat(), ([], []))
        versions.append(r.event.originator_version)
        events.append(type(r.event).__name__)
    return [(at, versions, events) for at, (versions, events) in by_instant.items()]


@router.get("/households/{household_id}")
def household(
    request: Request,
    household_id: UUID,
    why: Annotated[str, Query(alias="purpose", max_length=200)] = "",
    as_of: Annotated[str, Query(max_length=40)] = "",
    effective_on: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The household as believed at ``as_of`` and in effect on ``effective_on``, with its timeline."""
    actor = signed_in(request, "get_household")
    services = get_services(request)
    now_h = services.casework.read_household(household_id, actor)  # outside the jurisdiction: 404, as the API
    reason = stated(why)
    if reason is None:
        return page(request, "purpose.html", action=request.url.path, household_id=household_id)
    known_at, in_effect_on = as_of_instant(as_of), _day(effective_on)
    log_read(services, actor, household_id, reason, request.state.request_id)
    today = services.casework.clock().date()
    on = in_effect_on or today
    believed: Household = now_h
    if known_at is not None or in_effect_on is not None:
        believed = services.auditor.household_at(household_id, as_of=known_at, effective_on=in_effect_on)
    whole = services.auditor.household_at(household_id, as_of=known_at) if known_at is not None else now_h
    recorded = services.auditor.recorded_events(household_id)
    history = services.auditor.history(household_id)
    return page(
        request,
        "household.html",
        h=believed,
        purpose=reason,
        as_of=as_of,
        known_at=known_at,
        effective_on=effective_on,
        on=on,
        instants=_instants(recorded),
        enrolments=[
            _enrolment_view(e, whole.enrolments.get(eid), on, today, in_effect_on is not None)
            for eid, e in believed.enrolments.items()
        ],
        history=history,
    )


@router.get("/households/{household_id}/decisions/{decision_id}")
def decision(
    request: Request,
    household_id: UUID,
    decision_id: UUID,
    why: Annotated[str, Query(alias="purpose", max_length=200)] = "",
) -> Response:
    """One decision explained: facts, parameters with legal basis, outcome, decider, and the re-computation."""
    actor = signed_in(request, "explain_decision")
    services = get_services(request)
    services.casework.read_household(household_id, actor)
    reason = stated(why)
    if reason is None:
        return page(request, "purpose.html", action=request.url.path, household_id=household_id)
    log_read(services, actor, household_id, reason, request.state.request_id)
    explanation = services.auditor.explain(household_id, decision_id)
    return page(request, "decision.html", x=explanation, household_id=household_id, purpose=reason)
