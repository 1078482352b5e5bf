"""The DCI requests this service reads: the envelope (``signature``, ``header``, ``message``) of IBR 1.0.0's
``sync/search`` (a batch of identifier searches) and ``sync/enrolled`` (one person, perhaps one programme).

Models follow the standard's schemas, lax where its own examples are (``total_count`` sent as "1"), and
allow the members the standard lets a sender add. A body that does not parse is refused as a whole with
``err.request.bad``; a search item whose criteria this registry cannot answer is rejected on its own
(``rjct.search_criteria.invalid``) while the rest of the batch is answered.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.dci.errors import BAD_REQUEST, ENCRYPTION_INVALID, VERSION_NOT_SUPPORTED, DciError
from domain.errors import InvalidValue
from domain.values import IdNumber, Program

#: The most search items one request may carry.
MAX_BATCH = 50
#: The most records one page may hold.
MAX_PAGE_SIZE = 100
#: Identifier types that name a 居民身份证号码 (national ID number): the only identifier this registry keys on.
ID_TYPES = frozenset({"NID", "UIN", "ID", "RIC", "idcard"})
VERSION = "1.0.0"

Text = Annotated[str, Field(min_length=1, max_length=99)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class MsgHeader(_Open):
    version: str = VERSION
    message_id: Text
    message_ts: datetime
    action: Literal["search"]
    sender_id: Annotated[str, Field(min_length=1, max_length=200)]
    receiver_id: str | None = Field(default=None, max_length=200)
    total_count: Annotated[int, Field(ge=0, le=MAX_BATCH)]
    is_msg_encrypted: bool = False


class Pagination(_Open):
    page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
    page_number: Annotated[int, Field(ge=1, le=100_000)] = 1


class SearchCriteria(_Open):
    version: str | None = None
    query_type: Annotated[str, Field(max_length=40)]
    query: Any
    pagination: Pagination | None = None


class SearchItem(_Open):
    reference_id: Text
    timestamp: datetime
    search_criteria: SearchCriteria
    locale: str | None = Field(default=None, max_length=10)


class SearchMessage(_Open):
    transaction_id: Annotated[str, Field(max_length=99)]
    search_request: Annotated[list[SearchItem], Field(min_length=1, max_length=MAX_BATCH)]


class EnrolledCriteria(_Open):
    query_type: str | None = Field(default=None, max_length=40)
    response_entity: str | None = Field(default=None, max_length=40)
    query: dict[str, Any]


class EnrolledMessage(_Open):
    transaction_id: Annotated[str, Field(max_length=99)]
    enrolled_criteria: EnrolledCriteria


class SearchEnvelope(_Open):
    signature: str | None = None
    header: MsgHeader
    message: SearchMessage


class EnrolledEnvelope(_Open):
    signature: str | None = None
    header: MsgHeader
    message: EnrolledMessage


Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], body: bytes) -> Model:
    """The request as ``model``, or a ``err.request.bad`` refusal naming the first field that is wrong."""
    try:
        data = json.loads(body) if body else None
    except ValueError:
        raise DciError(400, BAD_REQUEST, "dci-bad-request", "the body is not valid JSON", rule="json") from None
    _check_header(data)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "body"
        detail = f"{field}: {first.get('msg', 'invalid')}"
        raise DciError(400, BAD_REQUEST, "dci-bad-request", detail, field=field, rule=first.get("type")) from None


def _check_header(data: Any) -> None:
    """Refuse what the standard has codes of its own for: an encrypted message, another version."""
    header = data.get("header") if isinstance(data, dict) else None
    if not isinstance(header, dict):
        return
    if header.get("is_msg_encrypted") is True:
        detail = "encrypted messages are not accepted: send the message in clear over TLS"
        raise DciError(400, ENCRYPTION_INVALID, "dci-bad-request", detail, field="header.is_msg_encrypted")
    version = header.get("version", VERSION)
    if version != VERSION:
        detail = f"messaging version {str(version)[:20]!r} is not supported; use {VERSION}"
        raise DciError(400, VERSION_NOT_SUPPORTED, "dci-bad-request", detail, field="header.version")


class CriteriaInvalid(Exception):
    """The criteria of one search item (or of an enrolled query) cannot be answered: rejected on its own."""


def search_identifier(criteria: SearchCriteria) -> IdNumber:
    """The ID number an ``idtype-value`` search asks about."""
    if criteria.query_type != "idtype-value":
        raise CriteriaInvalid(f"query_type {criteria.query_type!r} is not supported: search by idtype-value")
    query = criteria.query
    kind = query.get("type") if isinstance(query, dict) else None
    if not isinstance(kind, str) or kind not in ID_TYPES:
        raise CriteriaInvalid(f"query.type must name the national ID number ({', '.join(sorted(ID_TYPES))})")
    return _id_number(query.get("value"))


def enrolled_query(criteria: EnrolledCriteria) -> tuple[IdNumber, Program | None]:
    """The person (and perhaps the programme) an enrolled query asks about. Two spellings are read:
    the standard's example, ``{"person_identifier": {"eq": …}, "programme_identifier": {"eq": "dibao"}}``,
    and an expression ``{"attribute_name": "person_identifier", "operator": "eq", "attribute_value": …}``."""
    query = criteria.query
    if query.get("attribute_name") is not None:
        if query.get("attribute_name") != "person_identifier" or query.get("operator") != "eq":
            raise CriteriaInvalid("the expression must be person_identifier eq <ID number>")
        return _id_number(query.get("attribute_value")), None
    person = query.get("person_identifier")
    if not isinstance(person, dict) or set(person) != {"eq"}:
        raise CriteriaInvalid('query.person_identifier must be {"eq": <ID number>}')
    programme = query.get("programme_identifier")
    if programme is None:
        return _id_number(person["eq"]), None
    code = programme.get("eq") if isinstance(programme, dict) and set(programme) == {"eq"} else None
    if not isinstance(code, str) or code not in {p.value for p in Program}:
        known = ", ".join(p.value for p in Program)
        raise CriteriaInvalid(f'query.programme_identifier must be {{"eq": <programme>}}, one of {known}')
    return _id_number(person["eq"]), Program(code)


def _id_number(value: Any) -> IdNumber:
    if not isinstance(value, str):
        raise CriteriaInvalid("the identifier value must be an 18-character ID number as a string")
    try:
        return IdNumber(value.strip().upper())
    except InvalidValue as e:
        raise CriteriaInvalid(f"the identifier is not a valid ID number: {e.message}") from None
