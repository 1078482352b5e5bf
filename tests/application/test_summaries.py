"""The statistics read from the monthly summaries equal the full recount of the view rows.

The recount (``Reports(recount=True)``, the view store's ``count_*``) is the oracle; the summaries
must give the very same figures — every count of every grouping, the statistics and the monthly
series — for random histories (the seeded demo district, and hypothesis's household stories across
divisions, paid by the payroll), random periods of whole months and random jurisdictions, on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.composition import SEED_ACTOR
from application.casework import Casework
from application.demo import District
from application.months import last_day, month_text
from application.payroll import Payroll
from application.views.projection import Views
from application.views.reports import PAYABLE, Reports
from domain.values import Actor, Role, first_of_next_month
from infrastructure.policy_seed import load_seed
from infrastructure.views_summary_rows import LEVELS_HOUSEHOLDS, LEVELS_ON
from tests.application.test_views_agree import STORY, play
from tests.conftest import _postgres_env
from tests.support import fixed_clock, pay

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
PREFIXES = ["43", "4301", "430112", "430112001", "430112002", "430112001001", "430112003001", "430113", "44"]
DIVISIONS = ["430112001001", "430112001002", "430112002001", "430112003001", "430112002", "430112"]
PAYROLL = Actor("ap-county", Role.APPROVER, "4301")
PERIOD = st.tuples(st.integers(0, 30), st.integers(0, 14))  # months after 2023-06, and how many more


def _env(backend: str, request: pytest.FixtureRequest, folder: str) -> dict[str, str]:
    if backend == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{folder}/store.sqlite"}
    return _postgres_env(request.getfixturevalue("postgres_database"))


def _months(offset: int, length: int) -> tuple[str, str]:
    first = first_of_next_month(date(2023, 6, 1), offset)
    return month_text(first), month_text(first_of_next_month(first, length))


def assert_summaries_equal_recount(views: Views, start: str, end: str, prefix: str) -> None:
    """Every count, statistics and monthly series agree for one period and jurisdiction."""
    views.catch_up()
    store = views.store
    summaries = store.summaries(prefix)
    first, last = date.fromisoformat(start + "-01"), last_day(date.fromisoformat(end + "-01"))
    same = lambda a, b: sorted(a, key=repr) == sorted(b, key=repr)  # noqa: E731
    for statuses in (PAYABLE, ("suspended",)):
        for by in LEVELS_ON:
            assert same(summaries.count_on(last, prefix, statuses, by), store.count_on(last, prefix, statuses, by)), by
    for name, levels in (("count_payments", "paid"), ("count_started", "new"), ("count_ended", "exits")):
        for by in LEVELS_HOUSEHOLDS[levels]:
            got = getattr(summaries, name)(first, last, prefix, by)
            assert same(got, getattr(store, name)(first, last, prefix, by)), (name, by)
    for by in LEVELS_HOUSEHOLDS["grants"]:
        assert same(summaries.count_grants(first, last, prefix, by), store.count_grants(first, last, prefix, by))
    assert summaries.parts_paid(first, last, prefix) == store.parts_paid(first, last, prefix)
    for role in (Role.ANALYST, Role.CASEWORKER):
        actor = Actor("someone", role, prefix[:2])
        fast, exact = Reports(views, fixed_clock), Reports(views, fixed_clock, recount=True)
        assert fast.statistics(start, end, prefix, actor) == exact.statistics(start, end, prefix, actor)
        assert fast.monthly(start, end, prefix, actor) == exact.monthly(start, end, prefix, actor)


@pytest.fixture(scope="module", params=BACKENDS)
def district(request: pytest.FixtureRequest) -> Iterator[Views]:
    """The demo district (seeded), a year of its life with the payroll every month."""
    with tempfile.TemporaryDirectory() as folder:
        app = Casework(env=_env(request.param, request, folder), clock=fixed_clock)
        app.seed_policy(load_seed(), SEED_ACTOR)
        views = Views(app)
        District(app, payroll=Payroll(app, views), seed=7, households=80).run()
        yield views
        views.close()
        app.close()


@settings(max_examples=30, deadline=None)
@given(period=PERIOD, prefix=st.sampled_from(PREFIXES))
def test_the_demo_districts_statistics_from_summaries_equal_the_recount(
    district: Views, period: tuple[int, int], prefix: str
) -> None:
    assert_summaries_equal_recount(district, *_months(*period), prefix)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=7, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stories=st.lists(STORY, min_size=1, max_size=5),
    divisions=st.lists(st.sampled_from(DIVISIONS), min_size=5, max_size=5),
    paid=st.lists(st.integers(0, 14), max_size=4),
    asked=st.lists(st.tuples(PERIOD, st.sampled_from(PREFIXES)), min_size=1, max_size=4),
)
def test_random_histories_statistics_from_summaries_equal_the_recount(
    request: pytest.FixtureRequest,
    backend: str,
    stories: list[dict[str, Any]],
    divisions: list[str],
    paid: list[int],
    asked: list[tuple[tuple[int, int], str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = Casework(env=_env(backend, request, folder), clock=fixed_clock)
        app.seed_policy(load_seed(), SEED_ACTOR)
        views = Views(app)
        try:
            payroll = Payroll(app, views)
            for story, division in zip(stories, divisions, strict=False):
                play(app, {**story, "division": division})
                for month in sorted(set(paid)):  # paid in between: later pages mark the summaries stale again
                    payroll.handle(pay(month_text(first_of_next_month(date(2024, 1, 1), month)), PAYROLL))
                assert_summaries_equal_recount(views, *_months(*asked[0][0]), asked[0][1])
            for period, prefix in asked:
                assert_summaries_equal_recount(views, *_months(*period), prefix)
        finally:
            views.close()
            app.close()


def test_the_demo_district_has_something_to_count(district: Views) -> None:
    """The equality above is not an agreement on zeros: the year has payments, starts, exits and grants."""
    figures = Reports(district, fixed_clock).statistics("2024-01", "2024-12", "43", Actor("a", Role.CASEWORKER, "43"))
    assert figures["household_months"] > 0
    assert figures["new"]["households"] > 0
    assert figures["exits"]["households"] > 0
    assert figures["on_roll"]["households"] > 0
    assert figures["temporary_assistance"]["grants"] > 0
