"""The national service's HTTP surface (``jiuzhu national-serve``): statistics, and "enrolled anywhere?".

Tokens are the same bearer tokens as the provinces' (same issuer settings). The national
jurisdiction is ``00``: a token for it sees every province; a province's token (``43``, ``4301``…)
sees its own province's rows only. Analysts get cells of fewer than ``min_cell`` households
suppressed, as in a province. The lookup, DCI-style, is for authorised agencies only — auditors and
admins with the national jurisdiction — and takes an ID number (hashed here under the national key,
never stored or logged) or the keyed hash itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Depends, FastAPI, Header, Query
from pydantic import BaseModel, ConfigDict, Field

from api.problems import Problem, install_problem_handlers
from application.months import last_day, parse_month
from application.national.messages import person_hash
from domain.values import Actor, IdNumber, Role
from infrastructure.national.model import NationalModel
from infrastructure.tokens import TokenInvalid, TokenIssuer

NATIONAL = "00"
STATISTICS_ROLES = frozenset({Role.ANALYST, Role.AUDITOR, Role.ADMIN})
LOOKUP_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})


class EnrolmentSearch(BaseModel):
    """Who to look for (one of the two) and on which day."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id_number: str | None = Field(default=None, max_length=18)
    person_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    on: date = Field(strict=False)


def create_national_app(model: NationalModel, tokens: TokenIssuer, key: bytes, *, min_cell: int = 5) -> FastAPI:
    app = FastAPI(title="jiuzhu national", version="1", docs_url="/national/docs", openapi_url="/national/openapi.json")
    install_problem_handlers(app)

    actor = _bearer(tokens)

    @app.get("/national/v1/statistics")
    def statistics(month: str = Query(pattern=r"^\d{4}-\d{2}$"), who: Actor = Depends(actor)) -> dict[str, Any]:
        """On roll at the month's last day and the month's payments, by province and program."""
        _allowed(who, STATISTICS_ROLES)
        return _statistics(model, who, month, min_cell)

    @app.post("/national/v1/enrolments/search")
    def search(body: EnrolmentSearch, who: Actor = Depends(actor)) -> dict[str, Any]:
        """Where the person is enrolled on the day: province, county, program, status, since."""
        _allowed(who, LOOKUP_ROLES)
        if who.jurisdiction != NATIONAL:
            raise Problem(403, "outside-jurisdiction", "Outside jurisdiction", "the lookup is national", field="token")
        hashed = _hash(body, key)
        found = model.enrolled(hashed, body.on)
        return {
            "person_hash": hashed,
            "on": body.on.isoformat(),
            "enrolments": [e.__dict__ | {"since": e.since.isoformat()} for e in found],
        }

    return app


def _bearer(tokens: TokenIssuer) -> Callable[..., Actor]:
    """The dependency that reads the caller from a bearer token (401 without a valid one)."""

    def actor(authorization: str | None = Header(default=None)) -> Actor:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(
                401, "unauthenticated", "Unauthenticated", "a bearer token is required", field="Authorization"
            )
        try:
            return tokens.verify(token)
        except TokenInvalid as e:
            raise Problem(401, "unauthenticated", "Unauthenticated", str(e), field="Authorization") from None

    return actor


def _statistics(model: NationalModel, who: Actor, month: str, min_cell: int) -> dict[str, Any]:
    """On roll at the month's last day and the month's payments, by province and program, small cells
    suppressed for analysts."""
    first = parse_month(month, "month")
    mine = _provinces(who)
    analyst = who.role is Role.ANALYST
    on_roll = [
        _cell(r.__dict__ | {"amount": str(r.amount)}, r.households, analyst, min_cell, ("persons", "amount"))
        for r in model.on_roll(last_day(first))
        if mine(r.province)
    ]
    paid = [
        _cell(
            r.__dict__ | {"funds": str(r.funds)},
            r.households,
            analyst,
            min_cell,
            ("household_months", "person_months", "funds"),
        )
        for r in model.paid(first, last_day(first))
        if mine(r.province)
    ]
    return {"month": month, "on": last_day(first).isoformat(), "on_roll": on_roll, "paid": paid}


def _allowed(who: Actor, roles: frozenset[Role]) -> None:
    if who.role not in roles:
        detail = f"role {who.role} may not use this; it needs one of {sorted(str(r) for r in roles)}"
        raise Problem(403, "forbidden", "Forbidden", detail, field="role", rule="role")


def _provinces(who: Actor) -> Any:
    own = who.jurisdiction[:2]
    return lambda province: who.jurisdiction == NATIONAL or province == own


def _cell(row: dict[str, Any], households: int, analyst: bool, min_cell: int, hide: tuple[str, ...]) -> dict[str, Any]:
    """A row as served: for analysts, a cell of fewer than ``min_cell`` households keeps only its keys."""
    if analyst and 0 < households < min_cell:
        return {**row, "households": None, **dict.fromkeys(hide), "suppressed": True}
    return row


def _hash(body: EnrolmentSearch, key: bytes) -> str:
    if (body.id_number is None) == (body.person_hash is None):
        raise Problem(
            422, "validation-error", "Invalid request", "give id_number or person_hash, one of them",
            field="id_number", rule="one-of",
        )  # fmt: skip
    if body.person_hash is not None:
        return body.person_hash
    return person_hash(key, IdNumber(body.id_number or "").value)  # InvalidValue: 422 naming the field and rule
