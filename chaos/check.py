"""Checks after a fault: the views against a full replay, and payments against enrolments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from application.casework import Casework
from application.views.projection import Views
from domain.payroll import PayrollMonth
from infrastructure.payroll_transcodings import register_payroll_transcodings
from infrastructure.settings import Settings
from infrastructure.view_schema import TABLES
from infrastructure.views import SQLViewStore

SEALED = {"households": ("head_name", "head_id_masked"), "members": ("name", "id_masked")}


def open_casework(database: str) -> Casework:
    """The casework application over a fault run's PostgreSQL database, whose tables `jiuzhu migrate` made."""
    settings = Settings(  # type: ignore[call-arg]
        database="postgres",
        postgres_dsn=f"postgresql://postgres@127.0.0.1:5432/{database}",
        create_tables=False,
        _env_file=None,
    )
    return Casework(env=settings.persistence_env())


@contextmanager
def casework_on(database: str) -> Iterator[Casework]:
    """``open_casework`` for the length of a ``with`` block, closed after it."""
    app = open_casework(database)
    try:
        yield app
    finally:
        app.close()


def dump_views(store: SQLViewStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view, personal columns decrypted (their ciphertexts differ at each write), sorted."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES:
        with store.read() as c:
            c.execute(f"SELECT * FROM {store.t(table)}")
            rows = [dict(r) if not isinstance(r, dict) else r for r in c.fetchall()]
        plain = [
            tuple(str(store.unseal(v) if k in SEALED.get(table, ()) else v) for k, v in sorted(r.items())) for r in rows
        ]
        out[table] = sorted(plain)
    return out


def views_equal_a_full_replay(casework: Casework) -> tuple[bool, int]:
    """Whether the views as the workers left them equal those of a rebuild from the whole log; rows compared."""
    views = Views(casework)
    try:
        views.catch_up()  # what the workers had not reached yet, if anything (they were stopped first)
        before = dump_views(views.store)
        views.rebuild()
        after = dump_views(views.store)
    finally:
        views.close()
    return before == after, sum(len(rows) for rows in after.values())


def payments_per_enrolment(casework: Casework, month: date) -> Counter[UUID]:
    """How many payments each enrolment received for ``month``, from the stored payroll events."""
    register_payroll_transcodings(casework.mapper.transcoder)
    paid: Counter[UUID] = Counter()
    topic = get_topic(PayrollMonth.PaymentsIssued)
    start: int | None = None
    while page := casework.recorder.select_notifications(start, 500, topics=[topic], inclusive_of_start=False):
        for n in page:
            event = casework.mapper.to_domain_event(n)
            assert isinstance(event, PayrollMonth.PaymentsIssued)
            paid.update(p.enrolment_id for p in event.payments if p.month == month)
        start = page[-1].id
    return paid
