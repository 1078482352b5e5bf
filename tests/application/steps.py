"""One casework step a call: the commands the application tests send again and again, with the
values those tests share as defaults (a caseworker files and reviews, an approver approves; a
household registered in the community on 2024-01-10).

Each helper sends exactly one command (``approved``: two) and returns what ``Casework.handle``
returns, so a test reads as its story and still checks what the application did.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from application import commands
from application.casework import Casework
from domain.circumstances import Circumstances, IncomeItem, IncomeKind
from domain.enrolment import TownshipOpinion
from domain.household import Household
from domain.members import Member
from domain.rules.children import ParentStatus
from domain.values import Actor, AreaType, Program
from tests.support import APPROVER, CASEWORKER, COMMUNITY, by

REGISTERED_ON = date(2024, 1, 10)
IN_COMMUNITY: dict[str, Any] = {"placement": "community"}  # the terms of a child cared for in the community


def register(
    app: Casework,
    *members: Member,
    area: AreaType = AreaType.URBAN,
    on: date = REGISTERED_ON,
    address: str = "某街道1号",
    **meta: Any,
) -> Household:
    """Register ``members`` as a household in the test community (``meta``: request id, reason…)."""
    return app.handle(
        commands.RegisterHousehold(
            area_type=area,
            division_code=COMMUNITY,
            address=address,
            members=members,
            meta=by(CASEWORKER, on, **meta),
        )
    )


def record(app: Casework, hid: UUID, circumstances: Circumstances, on: date = REGISTERED_ON, **meta: Any) -> None:
    app.handle(
        commands.RecordCircumstances(household_id=hid, circumstances=circumstances, meta=by(CASEWORKER, on, **meta))
    )


def earning(member: Member, amount: str, kind: IncomeKind = IncomeKind.WAGES, **more: Any) -> Circumstances:
    """Circumstances in which ``member`` alone has an income of ``amount`` a month."""
    return Circumstances(incomes=(IncomeItem(member.person_id, kind, Decimal(amount)),), **more)


def parents(
    app: Casework,
    hid: UUID,
    child: Member,
    father: tuple[ParentStatus, ...],
    mother: tuple[ParentStatus, ...],
    on: date = date(2024, 1, 11),
) -> None:
    app.handle(
        commands.RecordParents(
            household_id=hid, person_id=child.person_id, father=father, mother=mother, meta=by(CASEWORKER, on)
        )
    )


def apply_for(
    app: Casework,
    hid: UUID,
    program: Program,
    *beneficiaries: Member | UUID,
    on: date,
    terms: dict[str, Any] | None = None,
    actor: Actor = CASEWORKER,
) -> UUID:
    """File an application for ``beneficiaries``; returns the new enrolment's id."""
    eid, _ = app.handle(
        commands.FileApplication(
            household_id=hid,
            program=program,
            beneficiaries=tuple(b if isinstance(b, UUID) else b.person_id for b in beneficiaries),
            terms=terms,
            meta=by(actor, on),
        )
    )
    return eid


def review(
    app: Casework,
    hid: UUID,
    eid: UUID,
    on: date,
    *,
    findings: str = "属实",
    opinion: TownshipOpinion = TownshipOpinion.APPROVE,
    investigated_on: date | None = None,
) -> None:
    """The township's opinion recorded on ``on``, after an investigation that day unless ``investigated_on``."""
    app.handle(
        commands.RecordTownshipReview(
            household_id=hid,
            enrolment_id=eid,
            investigated_on=investigated_on or on,
            findings=findings,
            opinion=opinion,
            meta=by(CASEWORKER, on),
        )
    )


def approve(app: Casework, hid: UUID, eid: UUID, on: date, actor: Actor = APPROVER) -> None:
    app.handle(commands.Approve(household_id=hid, enrolment_id=eid, meta=by(actor, on)))


def approved(app: Casework, hid: UUID, eid: UUID, reviewed: date, approved_on: date) -> None:
    """A favourable township review on ``reviewed``, then the approval on ``approved_on``."""
    review(app, hid, eid, reviewed, findings="入户调查属实")
    approve(app, hid, eid, approved_on)
