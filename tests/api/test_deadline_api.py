"""POST …/enrolments/{eid}/deadline-extension: approvers extend an undecided application's decision deadline.

Clock: 2025-06-01. An application of 2025-04-07 is late on the worklist (30 working days: due 2025-05-19)
until an approver extends its deadline to 45 working days (due 2025-06-09).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from httpx import Response

from tests.api.helpers import API, assert_problem, enrolment_path, store_position
from tests.application.scenarios import enrol, household

Auth = Callable[..., dict[str, str]]


def pending(client: TestClient, applied_on: date = date(2025, 4, 7)) -> tuple[str, str]:
    """A dibao application filed on ``applied_on`` and reviewed 5 days later, not decided; (household, enrolment)."""
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    hid = household(app)
    return str(hid), str(enrol(app, hid, applied_on=applied_on))


def extend(client: TestClient, headers: dict[str, str], hid: str, eid: str, **fields: str) -> Response:
    body = {"effective_on": "2025-05-16", "reason": "需补充调查", **fields}
    return client.post(f"{enrolment_path(hid, eid)}/deadline-extension", json=body, headers=headers)


def late(client: TestClient, auth: Auth) -> dict[str, str]:
    r = client.get(f"{API}/worklist", headers=auth("approver"))
    assert r.status_code == 200
    return {i["enrolment_id"]: i["due"] for i in r.json()["items"] if i["kind"] == "decision_late"}


def test_an_extension_takes_the_application_off_the_late_list_until_45_working_days(
    client: TestClient, auth: Auth
) -> None:
    """Late at 30 working days; the approver's extension answers the new deadline; the worklist drops it."""
    hid, eid = pending(client)
    assert late(client, auth) == {eid: "2025-05-19"}
    r = extend(client, auth("approver"), hid, eid)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["deadline"] == "2025-06-09"
    assert body["enrolment"]["deadline_extended_to_working_days"] == 45
    assert r.headers["ETag"] == f'"{body["household_version"]}"'
    assert late(client, auth) == {}
    history = client.get(f"{API}/households/{hid}/history", headers=auth("approver"))
    assert history.status_code == 200, history.text
    assert "DecisionDeadlineExtended" in history.text
    assert "需补充调查" in history.text


def test_only_approvers_extend_and_bad_extensions_are_refused(client: TestClient, auth: Auth) -> None:
    """A caseworker is forbidden; no reason is a validation error; a second extension 422; decided 409."""
    hid, eid = pending(client)
    position = store_position(client)
    assert_problem(extend(client, auth("caseworker"), hid, eid), 403, "forbidden-role")
    assert_problem(extend(client, auth("approver"), hid, eid, reason=""), 422, "validation-error")
    assert store_position(client) == position
    assert extend(client, auth("approver"), hid, eid).status_code == 200
    again = extend(client, auth("approver"), hid, eid)
    assert_problem(again, 422, "rule-violation", rule="deadline-extended-once")
    app = client.app.state.services.casework  # type: ignore[attr-defined]
    done = household(app)
    approved = enrol(app, done, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    decided = extend(client, auth("approver"), str(done), str(approved), effective_on="2024-02-15")
    assert_problem(decided, 409, "transition-forbidden", rule="transition-from-approved")
