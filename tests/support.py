"""Builders shared by the tests: valid ID numbers, actors, members, a fixed clock."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from application.commands import Meta, RecordPayeeAccount, RunPayroll
from application.months import parse_month
from domain.members import Member, Relation
from domain.values import Actor, IdNumber, Role, id_check_character

DISTRICT = "430112"
COMMUNITY = "430112001001"
OTHER_TOWNSHIP_COMMUNITY = "430112002001"
TODAY = date(2025, 6, 1)

CASEWORKER = Actor("cw-1", Role.CASEWORKER, DISTRICT)
CASEWORKER_2 = Actor("cw-2", Role.CASEWORKER, DISTRICT)
APPROVER = Actor("ap-1", Role.APPROVER, DISTRICT)


def by(actor: Actor, on: date, **more: Any) -> Meta:
    """A command's metadata: ``actor`` asks, with effect from ``on`` (``reason``, ``expected_version``… in ``more``)."""
    return Meta(actor=actor, effective_on=on, **more)


def pay(month: str | date, actor: Actor, **more: Any) -> RunPayroll:
    """The command to run a month's payroll (``YYYY-MM`` or any day of it) as ``actor``."""
    first = parse_month(month) if isinstance(month, str) else month
    return RunPayroll(meta=Meta(actor=actor, effective_on=first, **more))


def fixed_clock() -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, 9, 0, tzinfo=UTC)


_issued: Counter[tuple[str, date]] = Counter()  # numbers handed out per area and birth date in this run


def id_number(birth: date, area: str = DISTRICT) -> str:
    """A valid GB 11643 number for a birth date (never repeated within a run: 900 per date, then the next area)."""
    n = _issued[(area, birth)]
    _issued[(area, birth)] += 1
    if n >= 900:
        area = f"{area[:4]}{(int(area[4:6]) + n // 900) % 100:02d}"
    first17 = f"{area}{birth:%Y%m%d}{100 + n % 900:03d}"
    return first17 + id_check_character(first17)


def member(relation: Relation = Relation.HEAD, birth: date = date(1980, 5, 1), **kw: Any) -> Member:
    return Member(
        person_id=uuid4(), name=kw.pop("name", "张三"), id_number=IdNumber(id_number(birth)), relation=relation, **kw
    )


def member_json(relation: str = "head", birth: date = date(1980, 5, 1), **kw: Any) -> dict[str, Any]:
    return {"name": kw.pop("name", "张三"), "id_number": id_number(birth), "relation": relation, **kw}


def skip_if_missing(reason: str | None, required_by: str) -> None:
    """Skip the test when a tool it needs is missing (``reason`` says which), or fail it where the environment
    variable ``required_by`` is 1: a CI job that promises the tool must not go green by skipping."""
    import pytest  # here: the benchmarks import this module too, and they run without pytest

    if reason:
        if os.environ.get(required_by) == "1":
            pytest.fail(f"{required_by}=1 but {reason}")
        pytest.skip(reason)


_accounts = itertools.count(1)


def payee_account(household_id: UUID, payee_id: UUID, on: date, actor: Actor = CASEWORKER) -> RecordPayeeAccount:
    """The command crediting a household's payments from ``on`` to a fresh account held by ``payee_id``
    (the payroll pays only a household with an account)."""
    return RecordPayeeAccount(
        household_id=household_id,
        payee_id=payee_id,
        bank="中国农业银行长沙望城支行",
        account_number=f"622848{next(_accounts):013d}",
        meta=by(actor, on),
    )


@contextmanager
def scratch_database(server: dict[str, Any], prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database on ``server`` (host, port, user), dropped afterwards, also on failure:
    what the test run and every benchmark stand their stores in."""
    import psycopg  # only where PostgreSQL is wanted

    name = f"{prefix}_{uuid4().hex[:12]}"
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
