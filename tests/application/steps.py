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
from domain.disability import DisabilityCertificate
from domain.enrolment import TownshipOpinion
from domain.household import Household
from domain.members import Member, Relation, RemovalCause
from domain.rules.children import ParentSituation, ParentStatus
from domain.rules.temporary import ApprovalLevel, GrantKind
from domain.values import Actor, AreaType, Program
from tests.support import APPROVER, CASEWORKER, COMMUNITY, by, member, payee_account

REGISTERED_ON = date(2024, 1, 10)
IN_COMMUNITY: dict[str, Any] = {"placement": "community"}  # the terms of a child cared for in the community


def register(
    app: Casework,
    *members: Member,
    area: AreaType = AreaType.URBAN,
    on: date = REGISTERED_ON,
    address: str = "某街道1号",
    actor: Actor = CASEWORKER,
    **meta: Any,
) -> Household:
    """Register ``members`` as a household in the test community (``meta``: request id, reason…)."""
    return app.handle(
        commands.RegisterHousehold(
            area_type=area,
            division_code=COMMUNITY,
            address=address,
            members=members,
            meta=by(actor, on, **meta),
        )
    )


def record(app: Casework, hid: UUID, circumstances: Circumstances, on: date = REGISTERED_ON, **meta: Any) -> None:
    app.handle(
        commands.RecordCircumstances(household_id=hid, circumstances=circumstances, meta=by(CASEWORKER, on, **meta))
    )


def earning(member: Member | UUID, amount: str, kind: IncomeKind = IncomeKind.WAGES, **more: Any) -> Circumstances:
    """Circumstances in which ``member`` alone has an income of ``amount`` a month (``more``: assets, costs)."""
    person = member if isinstance(member, UUID) else member.person_id
    return Circumstances(incomes=(IncomeItem(person, kind, Decimal(amount)),), **more)


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


def decide(
    app: Casework,
    decision: type[commands.Suspend | commands.Reject | commands.Terminate],
    hid: UUID,
    eid: UUID,
    on: date,
    reason_code: str,
    reason: str,
    actor: Actor = APPROVER,
) -> None:
    """An approver's decision that states a coded reason and a free-text one (suspension, rejection, termination)."""
    meta = by(actor, on, reason=reason)
    app.handle(decision(household_id=hid, enrolment_id=eid, reason_code=reason_code, meta=meta))


def moved_away(app: Casework, hid: UUID, eid: UUID, on: date, reason: str = "迁出", actor: Actor = APPROVER) -> None:
    """Terminate the enrolment from ``on`` because the household moved out of the district."""
    decide(app, commands.Terminate, hid, eid, on, "MOVED_AWAY", reason, actor)


def removed(
    app: Casework, hid: UUID, person: UUID, on: date, cause: RemovalCause = RemovalCause.DEATH, **meta: Any
) -> None:
    """Remove a member from ``on``: died, unless ``cause`` says otherwise."""
    app.handle(commands.RemoveMember(household_id=hid, person_id=person, cause=cause, meta=by(CASEWORKER, on, **meta)))


def grant(
    app: Casework,
    hid: UUID,
    level: ApprovalLevel,
    amount: str,
    on: date,
    *,
    kind: GrantKind = GrantKind.EMERGENCY,
    reason: str = "火灾",
    actor: Actor = CASEWORKER,
) -> None:
    """A one-off temporary grant: an emergency after a fire unless ``kind`` and ``reason`` say otherwise."""
    meta = by(actor, on, reason=reason)
    app.handle(commands.GrantTemporary(household_id=hid, kind=kind, level=level, amount=Decimal(amount), meta=meta))


def certify(app: Casework, hid: UUID, person_id: UUID, certificate: DisabilityCertificate, on: date) -> None:
    """Record a member's disability certificate from ``on``."""
    meta = by(CASEWORKER, on)
    app.handle(
        commands.RecordDisabilityCertificate(household_id=hid, person_id=person_id, certificate=certificate, meta=meta)
    )


def first_with(app: Casework, hid: UUID, relation: Relation) -> Member:
    """The household's first member of ``relation`` (its head, its spouse…)."""
    return next(m for m in app.get_household(hid).members.values() if m.relation is relation)


def orphan_enrolled(app: Casework, born: date) -> tuple[Household, Member, UUID]:
    """A grandparent (born 1960) and a grandchild born ``born`` whose parents died in 2010, on orphan benefit
    in community care: applied 2024-01-15, reviewed the 16th, approved the 17th. Returns (household, child,
    enrolment id)."""
    guardian, child = member(Relation.HEAD, date(1960, 1, 1)), member(Relation.GRANDCHILD, born)
    h = register(app, guardian, child)
    app.handle(payee_account(h.id, guardian.person_id, date(2024, 1, 10)))  # paid to the guardian's account
    lost = (ParentStatus(ParentSituation.DEAD, date(2010, 1, 1)),)
    parents(app, h.id, child, lost, lost)
    eid = apply_for(app, h.id, Program.ORPHAN, child, on=date(2024, 1, 15), terms=IN_COMMUNITY)
    review(app, h.id, eid, date(2024, 1, 16))
    approve(app, h.id, eid, date(2024, 1, 17))
    return h, child, eid


def change(
    app: Casework, hid: UUID, person: UUID, changes: dict[str, Any], on: date, actor: Actor = CASEWORKER
) -> None:
    """Change some of a member's facts (``changes``: field → new value) from ``on``."""
    app.handle(commands.ChangeMember(household_id=hid, person_id=person, changes=changes, meta=by(actor, on)))
