"""Object-level authorization (issue #12, points 1, 2 and 4): a caller outside a jurisdiction neither
writes there, reads its audit trail, nor learns whether a household id exists there."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import cli
from tests.api.helpers import API, IN_COMMUNITY, enrolled, household_path, orphan_household, register

Auth = Callable[..., dict[str, str]]
NEIGHBOUR = "430111"  # another county: its approver and auditor have no business in 430112


def orphan_ageing_out(client: TestClient, auth: Auth) -> tuple[str, str]:
    """A household in 430112 with an approved orphan enrolment of a child who turns 18 in May 2024."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    hid, child = orphan_household(client, cw)
    eid = enrolled(client, cw, ap, hid, [child], approved_on="2024-01-21", program="orphan", terms=IN_COMMUNITY)
    return hid, eid


def test_calendar_job_of_a_foreign_approver_touches_and_reports_nothing_here(client: TestClient, auth: Auth) -> None:
    """An approver of 430111 running the tick neither terminates nor lists a 430112 enrolment; 430112's own does."""
    hid, _ = orphan_ageing_out(client, auth)
    foreign = client.post(
        f"{API}/jobs/tick?date=2024-06-01", headers=auth("approver", user="ap-x", jurisdiction=NEIGHBOUR)
    )
    assert foreign.status_code == 200, foreign.text
    assert foreign.json() == {"households": 0, "recorded": [], "skipped": []}
    cw = auth("caseworker", user="cw-1")
    assert client.get(household_path(hid), headers=cw).json()["enrolments"][0]["status"] != "terminated"
    history = client.get(f"{household_path(hid)}/history", headers=cw).json()["events"]
    assert all(e["actor"]["user_id"] != "ap-x" for e in history)
    own = client.post(f"{API}/jobs/tick?date=2024-06-01", headers=auth("approver", user="ap-1"))
    assert own.json()["households"] == 1
    assert [r["what"] for r in own.json()["recorded"]] == ["AGED_OUT_18"]


def test_unattended_tick_runs_as_the_system_over_the_whole_store(client: TestClient, auth: Auth) -> None:
    """``Casework.tick`` without an actor (what ``jiuzhu tick`` calls) closes the enrolment as system:jobs."""
    hid, _ = orphan_ageing_out(client, auth)
    report = client.app.state.services.casework.tick(date(2024, 6, 1))  # type: ignore[attr-defined]
    assert [what for _, _, what in report.recorded] == ["AGED_OUT_18"]
    history = client.get(f"{household_path(hid)}/history", headers=auth("caseworker", user="cw-1")).json()["events"]
    assert history[-1]["actor"]["user_id"] == "system:jobs"


def read_with_purpose(client: TestClient, auth: Auth) -> str:
    """A 430112 household, read once by its caseworker with a stated purpose (one access-log entry)."""
    cw = auth("caseworker", user="cw-1")
    hid: str = register(client, cw)["household_id"]
    assert client.get(household_path(hid), headers={**cw, "X-Purpose": "income-check"}).status_code == 200
    return hid


def test_access_log_shows_a_foreign_auditor_nothing(client: TestClient, auth: Auth) -> None:
    """An auditor of 430111 sees no 430112 entry, by list or by user; ?household_id= is answered as unknown."""
    hid = read_with_purpose(client, auth)
    foreign = auth("auditor", user="au-x", jurisdiction=NEIGHBOUR)
    assert client.get(f"{API}/audit/access-log", headers=foreign).json() == []
    assert client.get(f"{API}/audit/access-log?user_id=cw-1", headers=foreign).json() == []
    r = client.get(f"{API}/audit/access-log?household_id={hid}", headers=foreign)
    assert r.status_code == 404, r.text
    own = client.get(f"{API}/audit/access-log?household_id={hid}", headers=auth("auditor", user="au-1")).json()
    assert [(e["user_id"], e["purpose"]) for e in own] == [("cw-1", "income-check")]


def test_verification_names_only_the_callers_households(client: TestClient, auth: Auth) -> None:
    """A broken chain of a 430112 household is named to 430112's auditor, not to 430111's."""
    hid = read_with_purpose(client, auth)
    ledger = client.app.state.services.casework.recorder._ledger  # type: ignore[attr-defined]
    rows = ledger[uuid.UUID(hid).hex]
    rows[0] = type(rows[0])(**{**vars(rows[0]), "chain_hash": "0" * 64})
    foreign = client.get(f"{API}/audit/verification", headers=auth("auditor", user="au-x", jurisdiction=NEIGHBOUR))
    assert foreign.json()["ok"] is True
    assert foreign.json()["findings"] == []
    own = client.get(f"{API}/audit/verification", headers=auth("auditor", user="au-1")).json()
    assert {f["originator_id"] for f in own["findings"]} == {uuid.UUID(hid).hex}


def test_foreign_household_is_answered_exactly_like_an_unknown_one(client: TestClient, auth: Auth) -> None:
    """Reading a 430112 household from 430111 gives the same 404 problem as an id that does not exist,
    and names no division code."""
    hid = register(client, auth("caseworker", user="cw-1"))["household_id"]
    outsider = auth("caseworker", user="cw-x", jurisdiction=NEIGHBOUR)
    unknown_id = str(uuid.uuid4())
    foreign = client.get(household_path(hid), headers=outsider)
    unknown = client.get(household_path(unknown_id), headers=outsider)
    assert foreign.status_code == unknown.status_code == 404

    def shape(r: Any, id_: str) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(r.text.replace(id_, "ID"))
        return {k: v for k, v in body.items() if k not in ("instance", "request_id")}

    assert shape(foreign, hid) == shape(unknown, unknown_id)
    # no division code anywhere but inside the ids (the household's and the request's, random hex)
    assert "4301" not in json.dumps(shape(foreign, hid))
    write = client.put(f"{household_path(hid)}/circumstances", headers=outsider, json={"effective_on": "2024-02-01"})
    assert write.status_code == 404


def test_cli_refuses_to_mint_a_system_token() -> None:
    """``jiuzhu token --role system`` prints no token and exits non-zero: system is the jobs' internal role."""
    result = CliRunner().invoke(cli, ["token", "--role", "system"], env={"JIUZHU_DATABASE": "memory"})
    assert result.exit_code != 0
    assert "eyJ" not in result.output
