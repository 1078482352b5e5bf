"""Reports: the roll of a program on a date, the statistics (docs/rules.md, "Reports") of a period, the worklist."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from api.deps import ActorDep, PurposeDep, RequestIdDep, ServicesDep, log_reads
from api.downloads import Format, Lang, download
from api.statistics_xlsx import statistics_xlsx
from application.national.findings import open_findings
from application.views.as_of import ViewsAsOf
from application.views.reports import Reports, Roll
from application.views.worklist import WorkItem
from domain.errors import InvalidValue
from domain.values import Program
from infrastructure.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE

router = APIRouter(prefix="/api/v1", tags=["reports"])
FILES: dict[int | str, dict[str, Any]] = {200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}}
Division = Annotated[str | None, Query(max_length=12, description="a division inside the caller's jurisdiction")]
FormatQ = Annotated[Format, Query(description="json, csv or xlsx")]
LangQ = Annotated[Lang, Query(description="column headings: en or zh")]
ROLL = ("household_id", "division_code", "area_type", "person_id", "name", "id_number_masked")
ROLL_TAIL = ("household_amount", "beneficiaries", "status")
ROLL_CELLS = ("division_code", "area_type", "households", "persons", "amount")
SUPPRESSED = "suppressed"  # a file's cell of fewer than k households


class RollRowOut(BaseModel):
    household_id: UUID
    division_code: str
    area_type: str
    person_id: UUID
    name: str | None
    id_number_masked: str | None
    household_amount: Decimal
    beneficiaries: int
    status: str


class RollCellOut(BaseModel):
    """Analysts' roll: one division and area type; counts and amount null when suppressed (fewer than k households)."""

    division_code: str
    area_type: str
    households: int | None
    persons: int | None
    amount: Decimal | None
    suppressed: bool


class RollOut(BaseModel):
    program: str
    on: date
    division: str
    personal: bool
    households: int | None  # null: suppressed for an analyst (fewer than k households)
    persons: int | None
    rows: list[RollRowOut]  # empty for analysts: they get the cells
    cells: list[RollCellOut] = []


@router.get("/rolls/{program}", operation_id="read_roll", response_model=RollOut, responses=FILES)
def read_roll(
    program: Program,
    actor: ActorDep,
    services: ServicesDep,
    purpose: PurposeDep,
    rid: RequestIdDep,
    on: date | None = None,
    division: Division = None,
    format: FormatQ = "json",
    lang: LangQ = "en",
) -> RollOut | Response:
    """One row per beneficiary on roll on ``on`` (default today); analysts get no names or ID numbers."""
    roll = services.reports.roll(program, on, division, actor)
    name = f"roll-{roll.program}-{roll.division}-{roll.on.isoformat()}"
    if not roll.personal:
        return _aggregate_roll(roll, format, lang, name)
    log_reads(services, actor, [r.household_id for r in roll.rows], purpose, rid)  # names, masked ID numbers
    if format != "json":
        rows = [
            (r.household_id, r.division_code, r.area_type, r.person_id, r.name, r.id_masked)
            + (r.household_amount, r.beneficiaries_count, r.status)
            for r in roll.rows
        ]
        return download(ROLL + ROLL_TAIL, rows, format, lang, name)
    return RollOut(
        program=str(roll.program),
        on=roll.on,
        division=roll.division,
        personal=roll.personal,
        households=len({r.household_id for r in roll.rows}),
        persons=len(roll.rows),
        rows=[
            RollRowOut(
                household_id=r.household_id,
                division_code=r.division_code,
                area_type=r.area_type,
                person_id=r.person_id,
                name=r.name if roll.personal else None,
                id_number_masked=r.id_masked if roll.personal else None,
                household_amount=r.household_amount,
                beneficiaries=r.beneficiaries_count,
                status=r.status,
            )
            for r in roll.rows
        ],
    )


def _aggregate_roll(roll: Roll, fmt: Format, lang: Lang, name: str) -> RollOut | Response:
    """An analyst's roll: cells by division and area type, small ones suppressed (no person, no household id)."""
    cells = [RollCellOut(**vars(c)) for c in roll.cells]
    if fmt != "json":
        rows = [
            (c.division_code, c.area_type)
            + ((SUPPRESSED, SUPPRESSED, "") if c.suppressed else (c.households, c.persons, c.amount))
            for c in cells
        ]
        return download(ROLL_CELLS, rows, fmt, lang, name)
    total = roll.total
    return RollOut(
        program=str(roll.program),
        on=roll.on,
        division=roll.division,
        personal=False,
        households=total.households if total else 0,
        persons=total.persons if total else 0,
        rows=[],
        cells=cells,
    )


@router.get("/statistics", operation_id="read_statistics", responses=FILES)
def read_statistics(
    actor: ActorDep,
    services: ServicesDep,
    start: Annotated[str, Query(alias="from", max_length=16, description="first month, YYYY-MM")],
    end: Annotated[str, Query(alias="to", max_length=16, description="last month, YYYY-MM")],
    division: Division = None,
    format: FormatQ = "json",
    lang: LangQ = "en",
    as_of: Annotated[datetime | None, Query(description="the figures as known at this instant")] = None,
) -> Any:
    """The report figures for the whole months [from, to] in a division, as known now or at ``as_of``; as XLSX in
    the bureau's layout (merged program headings, units in the headings, the period and instant below)."""
    if as_of is None:
        figures = services.reports.statistics(start, end, division, actor)
    else:
        as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        if as_of > services.casework.clock():
            raise InvalidValue("as_of lies in the future", field="as_of", rule="as-of-not-future")
        pinned = ViewsAsOf(services.casework, as_of)
        try:
            pinned_reports = Reports(pinned, lambda: as_of, min_cell=services.reports.min_cell)
            figures = pinned_reports.statistics(start, end, division, actor)
        finally:
            pinned.close()
    figures["corrections"] = services.payroll.corrections_between(
        date.fromisoformat(figures["period_start"]),
        date.fromisoformat(figures["period_end"]),
        figures["division"],
        recorded_by=as_of,
    )  # late corrections, shown apart: the payments above stay as they were paid
    if format == "json":
        return figures
    name = f"statistics-{figures['division']}-{figures['from']}-{figures['to']}"
    if format == "xlsx":  # the bureau's layout (api.statistics_xlsx); CSV stays one figure a line
        disposition = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
        return Response(statistics_xlsx(figures), media_type=XLSX_MEDIA_TYPE, headers=disposition)
    return download(("figure", "value"), list(_flatten(figures)), format, lang, name)


def _flatten(value: Any, prefix: str = "") -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    else:
        yield (prefix, value)


class WorklistOut(BaseModel):
    today: date
    within_days: int
    jurisdiction: str
    items: list[WorkItem]


@router.get("/worklist", operation_id="read_worklist", response_model=WorklistOut)
def read_worklist(
    actor: ActorDep,
    services: ServicesDep,
    within_days: Annotated[int, Query(ge=0, le=366, description="reviews due within this many days")] = 30,
) -> WorklistOut:
    """Reviews overdue or due soon, decisions late (after `decision.deadline_working_days`, or an extension
    to `decision.extended_deadline_working_days`), notices ended awaiting a decision, and people the nation
    found on dibao or tekun in another province too (`cross_province_duplicate`, with the finding's id), and
    households that may qualify for a program they are not enrolled in (`may_qualify`, with the notice's id:
    the notices are brought up to date with the facts recorded first)."""
    items = services.reports.worklist(actor, within_days)
    services.notices.follow()
    items.extend(services.notices.items(services.reports.division(actor, None)))
    if services.national_findings is not None:
        for f, division in open_findings(services.casework, services.national_findings, actor):
            items.append(
                WorkItem(
                    kind=f.kind,
                    due=None,
                    enrolment_id=f.enrolment_id,
                    household_id=f.household_id,
                    division_code=division,
                    program=f.program,
                    status="open",
                    detail=f.detail,
                    finding_id=f.finding_id,
                )
            )
    return WorklistOut(
        today=services.reports.today(), within_days=within_days, jurisdiction=actor.jurisdiction, items=items
    )
