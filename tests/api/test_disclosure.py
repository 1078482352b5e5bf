"""Analysts get aggregates (issue #12, point 15): no row per beneficiary, and no cell describing
fewer than k households (default 5), neither in the roll nor in the statistics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import API
from tests.application.scenarios import enrol, household
from tests.support import fixed_clock

Auth = Callable[..., dict[str, str]]
A, B, C = "430112001001", "430112001002", "430112002001"


def on_roll(client: TestClient, division: str, n: int) -> None:
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    for _ in range(n):
        enrol(app, household(app, division=division), applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))


def test_analyst_roll_is_cells_with_small_ones_suppressed(client: TestClient, auth: Auth) -> None:
    """6, 5 and 1 households: the 1 is suppressed, and the 5 with it (else total − 6 − 5 gives the 1); no ids."""
    on_roll(client, A, 6)
    on_roll(client, B, 5)
    on_roll(client, C, 1)
    r = client.get(f"{API}/rolls/dibao?on=2024-03-01", headers=auth("analyst", user="an-1"))
    body = r.json()
    cells = {c["division_code"]: (c["households"], c["persons"], c["suppressed"]) for c in body["cells"]}
    assert cells == {A: (6, 18, False), B: (None, None, True), C: (None, None, True)}
    assert (body["households"], body["persons"], body["rows"]) == (12, 36, [])
    assert "household_id" not in r.text
    assert "person_id" not in r.text
    csv = client.get(f"{API}/rolls/dibao?on=2024-03-01&format=csv", headers=auth("analyst", user="an-1"))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == [
        f"{A},urban,6,18,6300.00",
        f"{B},urban,suppressed,suppressed,",
        f"{C},urban,suppressed,suppressed,",
    ]


def test_analyst_statistics_suppress_small_cells_approver_sees_them(client: TestClient, auth: Auth) -> None:
    """With one household paid, an analyst sees no count or money of it; an approver sees the figures."""
    on_roll(client, A, 1)
    assert client.post(f"{API}/payroll/2024-03", headers=auth("approver")).status_code == 200
    period = "from=2024-03&to=2024-06"
    s = client.get(f"{API}/statistics?{period}", headers=auth("analyst", user="an-1")).json()
    assert s["on_roll"]["households"] is None
    assert s["on_roll"]["suppressed"] is True
    assert s["on_roll"]["programs"]["dibao"]["by_area_type"]["urban"]["persons"] is None
    assert (s["funds"], s["average_benefit"], s["household_months"]) == (None, None, None)
    assert s["payments_by_program"]["dibao"]["funds"] is None
    seen = client.get(f"{API}/statistics?{period}", headers=auth("approver")).json()
    assert (seen["on_roll"]["households"], seen["funds"]) == (1, "1050.00")


@pytest.fixture
def k1_client() -> Iterator[TestClient]:
    """The API with JIUZHU_ANALYST_MIN_CELL=1: no cell is small."""
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, analyst_min_cell=1, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as c:
        yield c


def test_the_threshold_is_a_setting(k1_client: TestClient) -> None:
    """With k = 1 an analyst's single-household cell is shown (still without names or ids)."""
    on_roll(k1_client, A, 1)
    token = k1_client.app.state.services.tokens.issue("an-1", Role.ANALYST, "430112")  # type: ignore[attr-defined]
    body = k1_client.get(f"{API}/rolls/dibao?on=2024-03-01", headers={"Authorization": f"Bearer {token}"}).json()
    assert [(c["households"], c["suppressed"]) for c in body["cells"]] == [(1, False)]
