"""Reads of names leave a trace (issue #12, point 3): a household search, a roll with names in any
format and the payroll bank file each log one access entry per household, with the caller's purpose."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import API
from tests.application.scenarios import enrol, household

Auth = Callable[..., dict[str, str]]
PURPOSE = {"X-Purpose": "annual-check"}


def on_roll(client: TestClient) -> str:
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    hid = household(app)
    enrol(app, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    return str(hid)


def entries(client: TestClient, auth: Auth) -> list[tuple[str, str, str]]:
    log = client.get(f"{API}/audit/access-log", headers=auth("auditor", user="au-1")).json()
    return [(e["user_id"], e["household_id"], e["purpose"]) for e in log]


def test_household_search_is_logged_per_household_found(client: TestClient, auth: Auth) -> None:
    """A search that names a head logs that household once, with the purpose."""
    hid = on_roll(client)
    r = client.get(f"{API}/households?division=430112", headers={**auth("caseworker", user="cw-1"), **PURPOSE})
    assert [h["household_id"] for h in r.json()["households"]] == [hid]
    assert entries(client, auth) == [("cw-1", hid, "annual-check")]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_roll_with_names_is_logged_in_every_format(client: TestClient, auth: Auth, fmt: str) -> None:
    """An approver's roll (names, masked ID numbers) logs each household on it, whatever the format."""
    hid = on_roll(client)
    r = client.get(
        f"{API}/rolls/dibao?on=2024-03-15&format={fmt}", headers={**auth("approver", user="ap-1"), **PURPOSE}
    )
    assert r.status_code == 200, r.text
    assert entries(client, auth) == [("ap-1", hid, "annual-check")]


def test_analyst_roll_without_names_is_not_a_personal_read(client: TestClient, auth: Auth) -> None:
    """An analyst's roll carries no names, so nothing is logged as a read of personal data."""
    on_roll(client)
    assert client.get(f"{API}/rolls/dibao?on=2024-03-15", headers=auth("analyst", user="an-1")).status_code == 200
    assert entries(client, auth) == []


def test_payroll_bank_file_is_logged(client: TestClient, auth: Auth) -> None:
    """The bank file names the heads: reading it logs each paid household."""
    hid = on_roll(client)
    ap = {**auth("approver", user="ap-1"), **PURPOSE}
    assert client.post(f"{API}/payroll/2024-03", headers=ap).status_code == 200
    assert client.get(f"{API}/payroll/2024-03?format=csv", headers=ap).status_code == 200
    assert entries(client, auth) == [("ap-1", hid, "annual-check")]
