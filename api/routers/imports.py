"""An admin uploads a bureau's roll: ``POST /api/v1/imports/roll`` (the same import as ``jiuzhu import``).

The workbook is the request body itself (``Content-Type`` the XLSX type or ``application/octet-stream``),
streamed to a temporary file while its SHA-256 is taken — the hash the migration events name, so an
upload and the command line import the same file as the same source. ``dry_run=true`` records nothing.
The answer is the validation report: a JSON summary with every problem by row, or, asked for with
``Accept: <the XLSX type>``, the report workbook itself (the roll's rows with status and problems).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.deps import ActorDep, Services, ServicesDep
from api.problems import Problem
from application.roll_import import RollRequest, import_roll
from application.roll_report import counts, report_rows
from domain.values import Program, jurisdiction_prefix
from infrastructure.exports import XLSX_MEDIA_TYPE, to_xlsx
from infrastructure.workbook import read_sheet

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


@dataclass
class Upload:
    path: Path
    sha256: str
    size: int


async def streamed_upload(request: Request) -> Upload:
    """The body written to a temporary file chunk by chunk, hashed; refused beyond ``max_upload_bytes``."""
    limit = request.app.state.services.settings.max_upload_bytes
    fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="roll-")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as f:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Problem(413, "body-too-large", "Upload too large", f"the roll exceeds {limit} bytes")
                digest.update(chunk)
                f.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    if size == 0:
        os.unlink(name)
        raise Problem(422, "roll-missing", "No roll", "send the roll (.xlsx) as the request body", field="body")
    return Upload(Path(name), digest.hexdigest(), size)


class ProblemRowOut(BaseModel):
    row: int
    code: str
    zh: str
    en: str
    refuses: bool


class RollImportOut(BaseModel):
    dry_run: bool
    file_hash: str
    sheet: str
    rows: int
    households: int
    imported: int
    before: int
    skipped: int
    flagged: int
    rows_per_minute: float
    problems: list[ProblemRowOut]
    report: str


def _mapping(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    try:
        fields: Any = json.loads(text)
    except ValueError:
        fields = None
    if not isinstance(fields, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        raise Problem(
            422, "invalid-mapping", "Invalid mapping", "mapping is a JSON object: field → heading", field="mapping"
        )
    return fields


#: Documented as octet-stream (what a client that names no type sends); the XLSX type is read the same.
_BODY = {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}


@router.post(
    "/roll",
    operation_id="import_roll",
    response_model=RollImportOut,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
    openapi_extra={"requestBody": _BODY},
)
async def import_roll_upload(
    actor: ActorDep,
    services: ServicesDep,
    request: Request,
    division: Annotated[str, Query(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$")],
    as_of: Annotated[date, Query(description="the date the roll is true on")],
    program: Program = Program.DIBAO,
    dry_run: bool = False,
    sheet: Annotated[str | None, Query(max_length=31)] = None,
    mapping: Annotated[str | None, Query(max_length=4000, description="JSON: field → the roll's heading")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Import a bureau's roll (admins): check every row, record the valid households as migrated enrolments
    unless ``dry_run``, and answer the validation report; re-sending the same file records nothing twice."""
    ask = RollRequest(program, jurisdiction_prefix(division), as_of, actor, dry_run)
    xlsx = accept is not None and XLSX_MEDIA_TYPE in accept
    upload = await streamed_upload(request)  # after the token and the query were checked
    try:
        return await run_in_threadpool(_import, services, upload, ask, sheet, mapping, xlsx)
    finally:
        with contextlib.suppress(OSError):
            upload.path.unlink()


def _import(
    services: Services, upload: Upload, ask: RollRequest, sheet: str | None, mapping: str | None, xlsx: bool
) -> Response:
    dry_run = ask.dry_run
    fields = _mapping(mapping)
    try:
        roll = read_sheet(upload.path, sheet)
    except Exception:  # not a workbook, a sheet it lacks, a damaged file: the reader's own errors vary
        detail = "the body is not an .xlsx workbook with that sheet"
        raise Problem(422, "roll-unreadable", "Unreadable roll", detail, field="body") from None
    started = time.perf_counter()
    plan, outcome = import_roll(services.casework, roll, upload.sha256, ask, fields)
    seconds = max(time.perf_counter() - started, 1e-6)
    if xlsx:
        body = to_xlsx(*report_rows(roll, plan, outcome, dry_run=dry_run), title="校验报告")
        return Response(
            body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": 'attachment; filename="report.xlsx"'}
        )
    c = counts(roll, plan, outcome, dry_run=dry_run)
    problems = [
        ProblemRowOut(row=row, code=p.code, zh=p.zh, en=p.en, refuses=p.refuses)
        for row, found in sorted(plan.problems.items())
        for p in found
    ]
    out = RollImportOut(
        **asdict(c),
        dry_run=dry_run,
        file_hash=upload.sha256,
        sheet=roll.name,
        rows_per_minute=round(c.rows / seconds * 60, 1),
        problems=problems,
        report=f"the same request with Accept: {XLSX_MEDIA_TYPE} answers the report workbook",
    )
    return JSONResponse(out.model_dump(mode="json"))
