"""Households driven through the Casework application for the payroll and views tests.

ID numbers come from a counter of this module (area 430121, so they never meet the ones
``tests.support`` makes), so any number of households can be built in one store.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from application import commands
from application.casework import Casework
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.members import Member, Relation
from domain.values import AreaType, IdNumber, Program, id_check_character
from tests.application.steps import approve, review
from tests.support import CASEWORKER, COMMUNITY, by, payee_account

D = Decimal
_seq = itertools.count()


def person(relation: Relation = Relation.HEAD, birth: date = date(1980, 5, 1), name: str = "张三") -> Member:
    n = next(_seq)
    born = birth + timedelta(days=n // 900)
    first17 = f"430121{born:%Y%m%d}{100 + n % 900:03d}"
    return Member(
        person_id=uuid4(), name=name, id_number=IdNumber(first17 + id_check_character(first17)), relation=relation
    )


def household(
    app: Casework,
    *,
    size: int = 3,
    wages: str = "1200.00",
    area: AreaType = AreaType.URBAN,
    division: str = COMMUNITY,
    registered_on: date = date(2024, 1, 10),
    head_birth: date = date(1975, 3, 1),
    head_name: str = "王建国",
) -> UUID:
    """A household of ``size`` whose head earns ``wages`` a month from registration."""
    relations = [Relation.HEAD, Relation.SPOUSE, Relation.CHILD, Relation.CHILD, Relation.CHILD]
    births = [head_birth, date(1977, 8, 9), date(2012, 1, 20), date(2014, 6, 2), date(2016, 9, 9)]
    members = tuple(person(relations[i], births[i], head_name if i == 0 else f"成员{i}") for i in range(size))
    h = app.handle(
        commands.RegisterHousehold(
            area_type=area,
            division_code=division,
            address="望城区某街道1号",
            members=members,
            meta=by(CASEWORKER, registered_on),
        )
    )
    incomes = (IncomeItem(members[0].person_id, IncomeKind.WAGES, D(wages)),) if D(wages) else ()
    app.handle(
        commands.RecordCircumstances(
            household_id=h.id,
            circumstances=Circumstances(incomes=incomes, assets=Assets(financial=D("1000.00"))),
            meta=by(CASEWORKER, registered_on),
        )
    )
    return h.id


def enrol(app: Casework, hid: UUID, *, applied_on: date, approved_on: date | None = None, account: bool = True) -> UUID:
    """Record the head's bank account (unless one is, or not ``account``), apply for dibao for every
    member, record the township review 5 days later, approve on ``approved_on`` (after the 7-day
    notice) unless None."""
    members = tuple(app.get_household(hid).members)
    if account:
        record_account(app, hid, on=applied_on)
    eid, _ = app.handle(
        commands.FileApplication(
            household_id=hid, program=Program.DIBAO, beneficiaries=members, meta=by(CASEWORKER, applied_on)
        )
    )
    reviewed = applied_on + timedelta(days=5)
    review(app, hid, eid, reviewed, findings="入户调查属实")
    if approved_on is not None:
        approve(app, hid, eid, approved_on)
    return eid


def record_account(app: Casework, hid: UUID, *, on: date) -> None:
    """Credit the household's payments from ``on`` to an account held by its head (once: the payroll
    pays only a household with an account)."""
    h = app.get_household(hid)
    if not h.accounts:
        app.handle(payee_account(hid, next(iter(h.members.values())).person_id, on))


def raise_standards(app: Casework, on: date = date(2024, 7, 1)) -> int:
    """Run the re-computation job for the seed's dibao standards raised on ``on``; returns adjustments made."""
    made = 0
    for value in app.policy().values:
        if value.name.startswith("dibao.standard.") and value.effective_from == on and value.jurisdiction == "430112":
            made += len(app.recalculate(value).recorded)
    return made


def month_firsts(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out
