"""The DCI endpoints of the Integrated Beneficiary Registry standard (IBR 1.0.0), under ``/dci/ibr``:
``registry/sync/search`` and ``registry/sync/enrolled`` (docs/dci.md).

Order of checks: the bearer token (401) and the permission table (403, role ``agency`` only), both
before the body is read; then the body (400 ``err.request.bad``); then the client's entry in the agency
registry (403 for a client the bureau has not registered). Every answered lookup is logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from api.dci import answers
from api.dci.errors import FORBIDDEN, DciError
from api.dci.messages import (
    CriteriaInvalid,
    EnrolledEnvelope,
    SearchEnvelope,
    SearchItem,
    enrolled_query,
    parse,
    search_identifier,
)
from api.deps import RequestIdDep, Services, ServicesDep, current_actor
from api.problems import Problem
from application.dci import Asker, Lookup, find_enrolments, log_lookup
from domain.values import Actor

router = APIRouter(prefix="/dci/ibr/registry/sync", tags=["DCI (other agencies)"])


def dci_actor(request: Request, services: ServicesDep, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The calling client from its bearer token and the permission table, refused in the DCI error form."""
    try:
        return current_actor(request, services, authorization)
    except DciError:
        raise
    except Problem as e:
        raise DciError.of(e) from None


async def raw_body(request: Request) -> bytes:
    return await request.body()


ClientDep = Annotated[Actor, Depends(dci_actor)]
BodyDep = Annotated[bytes, Depends(raw_body)]


def registered(services: Services, actor: Actor) -> Asker:
    """The client's registered agency and purpose; a client the registry does not list is refused."""
    client = services.agencies.get(actor.user_id) if services.agencies is not None else None
    if client is None:
        detail = f"client {actor.user_id[:100]!r} is not in the agency registry: no purpose is recorded for it"
        raise DciError(403, FORBIDDEN, "forbidden-client", detail, field="Authorization", rule="agency-registered")
    return Asker(actor, client.agency, client.purpose, client.programmes)


def _body_schema(message: dict[str, Any]) -> dict[str, Any]:
    envelope = {
        "type": "object",
        "required": ["header", "message"],
        "properties": {"signature": {"type": "string"}, "header": {"type": "object"}, "message": message},
    }
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": envelope}}}}


_ANSWER = {200: {"description": "the DCI envelope: header and message", "content": {"application/json": {}}}}


@router.post(
    "/search",
    operation_id="dci_search",
    openapi_extra=_body_schema({"type": "object", "required": ["transaction_id", "search_request"]}),
    responses=_ANSWER,  # type: ignore[arg-type]
)
def dci_search(actor: ClientDep, body: BodyDep, services: ServicesDep, rid: RequestIdDep) -> JSONResponse:
    """IBR ``sync/search``: beneficiaries by ID number (``query_type`` idtype-value), with their programmes,
    enrolment states, dates and benefits; a batch of up to 50 searches."""
    request = parse(SearchEnvelope, body)
    asker = registered(services, actor)
    now = services.casework.clock()
    seen: set[str] = set()
    items = [_search_item(services, asker, item, now, seen, rid) for item in request.message.search_request]
    return JSONResponse(answers.envelope(request.header, request.message.transaction_id, items, now))


def _search_item(
    services: Services, asker: Asker, item: SearchItem, now: datetime, seen: set[str], rid: str
) -> dict[str, Any]:
    if item.reference_id in seen:
        return answers.rejected(item.reference_id, now, "rjct.reference_id.duplicate", "reference_id repeats")
    seen.add(item.reference_id)
    try:
        id_number = search_identifier(item.search_criteria)
    except CriteriaInvalid as e:
        log_lookup(services.casework, asker, "sync/search", Lookup("(invalid identifier)", [], []), 0, rid)
        return answers.rejected(item.reference_id, now, "rjct.search_criteria.invalid", str(e))
    on = now.date()
    lookup = find_enrolments(services.casework, id_number, asker, on)
    records = [answers.beneficiary(id_number, found, on) for found in lookup.enrolments]
    page = answers.Page.of(item.search_criteria.pagination)
    answer = answers.answered(item.reference_id, now, records, page)
    log_lookup(services.casework, asker, "sync/search", lookup, len(answer["data"]["reg_records"]), rid)
    return answer


@router.post(
    "/enrolled",
    operation_id="dci_enrolled",
    openapi_extra=_body_schema({"type": "object", "required": ["transaction_id", "enrolled_criteria"]}),
    responses=_ANSWER,  # type: ignore[arg-type]
)
def dci_enrolled(actor: ClientDep, body: BodyDep, services: ServicesDep, rid: RequestIdDep) -> JSONResponse:
    """IBR ``sync/enrolled``: the programmes a person is enrolled in (or whether in one programme)."""
    request = parse(EnrolledEnvelope, body)
    asker = registered(services, actor)
    now = services.casework.clock()
    reference = request.header.message_id  # one question: the message is its own reference
    try:
        id_number, program = enrolled_query(request.message.enrolled_criteria)
    except CriteriaInvalid as e:
        log_lookup(services.casework, asker, "sync/enrolled", Lookup("(invalid identifier)", [], []), 0, rid)
        item = answers.rejected(reference, now, "rjct.search_criteria.invalid", str(e))
    else:
        on = now.date()
        lookup = find_enrolments(services.casework, id_number, asker, on, program)
        records = [{"programme_identifier": answers.programme(found, on)} for found in lookup.enrolments]
        log_lookup(services.casework, asker, "sync/enrolled", lookup, len(records), rid)
        item = answers.answered(reference, now, records, answers.Page(max(len(records), 1), 1))
    return JSONResponse(answers.envelope(request.header, request.message.transaction_id, [item], now))
