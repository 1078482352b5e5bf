"""Who may act: bearer tokens, roles, jurisdictions, four eyes, and the actor recorded on every write."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infrastructure.tokens import TokenIssuer
from tests.api.helpers import (
    API,
    apply,
    assert_problem,
    circumstances,
    decide,
    etag,
    household_path,
    household_with_income,
    person_ids,
    registration,
    reviewed_application,
    store_position,
    township_review,
)
from tests.support import OTHER_TOWNSHIP_COMMUNITY

Auth = Callable[..., dict[str, str]]
CHALLENGE = 'Bearer realm="jiuzhu"'
REASON = {"reason_code": "INCOME_CHECK", "reason": "收入核实不符"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_unauthenticated_write_gets_401_with_a_challenge(client: TestClient, auth: Auth) -> None:
    """A write without a token gets 401 unauthenticated with WWW-Authenticate, and writes nothing."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    before = store_position(client)
    r = circumstances(client, {}, h["household_id"], effective_on="2024-02-01")
    assert_problem(r, 401, "unauthenticated")
    assert r.headers["WWW-Authenticate"] == CHALLENGE
    r = client.post(f"{API}/households", json=registration())
    assert_problem(r, 401, "unauthenticated")
    assert store_position(client) == before


@pytest.mark.parametrize(
    "authorization", ["Basic Y3ctMTpzZWNyZXQ=", "Bearer", "Bearer not-a-jwt", "Bearer a.b.c"], ids=str
)
def test_malformed_authorization_gets_401(client: TestClient, authorization: str) -> None:
    """An Authorization header that is not a well-formed bearer token gets 401 with a challenge."""
    r = client.get(household_path(str(uuid.uuid4())), headers={"Authorization": authorization})
    assert_problem(r, 401, "unauthenticated")
    assert r.headers["WWW-Authenticate"] == CHALLENGE


def test_token_signed_with_another_secret_gets_401(client: TestClient, auth: Auth) -> None:
    """A token signed with a secret the service does not hold gets 401 and writes nothing."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    forged = TokenIssuer(secret="someone-elses-secret-of-32-bytes-or-more", ttl=timedelta(hours=1))
    headers = bearer(forged.issue("cw-1", Role.CASEWORKER, "430112"))
    before = store_position(client)
    r = circumstances(client, headers, h["household_id"], effective_on="2024-02-01")
    body = assert_problem(r, 401, "unauthenticated")
    assert "Signature verification failed" in body["detail"]
    assert r.headers["WWW-Authenticate"] == CHALLENGE
    assert store_position(client) == before


def test_expired_token_gets_401(client: TestClient, auth: Auth) -> None:
    """A token whose lifetime ran out gets 401 and writes nothing."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    tokens: TokenIssuer = client.app.state.services.tokens  # type: ignore[attr-defined]
    issued = datetime.now(UTC) - tokens.ttl - timedelta(minutes=5)
    headers = bearer(tokens.issue("cw-1", Role.CASEWORKER, "430112", now=issued))
    before = store_position(client)
    r = circumstances(client, headers, h["household_id"], effective_on="2024-02-01")
    body = assert_problem(r, 401, "unauthenticated")
    assert "expired" in body["detail"]
    assert store_position(client) == before


def test_caseworker_of_another_township_may_not_write_or_read(client: TestClient, auth: Auth) -> None:
    """A caseworker scoped to township 430112002 gets 404 on a household in 430112001001 (as for an unknown
    id, naming no division), and nothing is written."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    hid = h["household_id"]
    outsider = auth("caseworker", user="cw-9", jurisdiction="430112002")
    before = store_position(client)
    r = circumstances(client, outsider, hid, effective_on="2024-02-01", wages={person_ids(h)[0]: "1.00"})
    assert_problem(r, 404, "household-not-found", field="household_id", rule="household-known")
    r = apply(client, outsider, hid, person_ids(h), "2024-02-01")
    assert_problem(r, 404, "household-not-found", field="household_id", rule="household-known")
    r = client.get(household_path(hid), headers=outsider)
    assert_problem(r, 404, "household-not-found", field="household_id", rule="household-known")
    assert "430112001" not in r.text
    assert store_position(client) == before
    assert etag(client.get(household_path(hid), headers=auth("caseworker", user="cw-1"))) == 2


def test_registering_outside_ones_jurisdiction_is_forbidden(client: TestClient, auth: Auth) -> None:
    """A caseworker of township 430112001 may not register a household in 430112002001; nothing is created."""
    before = store_position(client)
    headers = auth("caseworker", user="cw-1", jurisdiction="430112001")
    r = client.post(f"{API}/households", json=registration(division_code=OTHER_TOWNSHIP_COMMUNITY), headers=headers)
    assert_problem(r, 403, "forbidden-jurisdiction", field="division_code", rule="jurisdiction")
    assert store_position(client) == before


def test_caseworker_of_the_township_may_act_in_its_communities(client: TestClient, auth: Auth) -> None:
    """A caseworker scoped to 430112001 registers and reads a household in community 430112001001."""
    headers = auth("caseworker", user="cw-1", jurisdiction="430112001")
    r = client.post(f"{API}/households", json=registration(), headers=headers)
    assert r.status_code == 201, r.text
    assert client.get(household_path(r.json()["household_id"]), headers=headers).status_code == 200


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_roles_without_personal_data_access_may_not_read_a_household(client: TestClient, auth: Auth, role: str) -> None:
    """Analysts and admins get 403 forbidden-role reading a household's personal data."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    r = client.get(household_path(h["household_id"]), headers=auth(role))
    assert_problem(r, 403, "forbidden-role", field="role", rule="role-permitted")


@pytest.mark.parametrize("role", ["approver", "auditor"])
def test_approvers_and_auditors_read_households(client: TestClient, auth: Auth, role: str) -> None:
    """Approvers and auditors of the district read a household."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    r = client.get(household_path(h["household_id"]), headers=auth(role))
    assert r.status_code == 200, r.text
    assert etag(r) == 2


@pytest.mark.parametrize("role", ["approver", "auditor", "analyst", "admin"])
def test_only_caseworkers_register_households(client: TestClient, auth: Auth, role: str) -> None:
    """Every role but caseworker gets 403 forbidden-role registering a household; nothing is created."""
    before = store_position(client)
    r = client.post(f"{API}/households", json=registration(), headers=auth(role))
    assert_problem(r, 403, "forbidden-role", field="role", rule="role-permitted")
    assert store_position(client) == before


def test_caseworker_may_not_approve(client: TestClient, auth: Auth) -> None:
    """A caseworker gets 403 forbidden-role approving an application, and nothing is written."""
    cw = auth("caseworker", user="cw-1")
    h, eid = reviewed_application(client, cw)
    before = store_position(client)
    r = decide(client, auth("caseworker", user="cw-2"), h["household_id"], eid, "approval", "2024-02-01")
    assert_problem(r, 403, "forbidden-role", field="role", rule="role-permitted")
    assert store_position(client) == before


def test_auditor_may_not_write(client: TestClient, auth: Auth) -> None:
    """An auditor (read-only) gets 403 forbidden-role recording circumstances."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    r = circumstances(client, auth("auditor"), h["household_id"], effective_on="2024-02-01")
    assert_problem(r, 403, "forbidden-role", field="role", rule="role-permitted")


def test_four_eyes_the_applicant_may_not_approve(client: TestClient, auth: Auth) -> None:
    """A user who filed the application gets 403 four-eyes approving it, even with an approver token."""
    h, eid = reviewed_application(client, auth("caseworker", user="cw-1"))
    before = store_position(client)
    r = decide(client, auth("approver", user="cw-1"), h["household_id"], eid, "approval", "2024-02-01")
    assert_problem(r, 403, "four-eyes", field="actor", rule="four-eyes")
    assert store_position(client) == before
    r = decide(client, auth("approver", user="cw-1"), h["household_id"], eid, "rejection", "2024-02-01", **REASON)
    assert_problem(r, 403, "four-eyes", field="actor", rule="four-eyes")
    assert store_position(client) == before


def test_four_eyes_the_township_reviewer_may_not_approve(client: TestClient, auth: Auth) -> None:
    """The user who recorded the township opinion (not the applicant) gets 403 four-eyes approving it."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    hid = h["household_id"]
    eid = apply(client, auth("caseworker", user="cw-1"), hid, person_ids(h), "2024-01-20").json()["enrolment"][
        "enrolment_id"
    ]
    assert township_review(client, auth("caseworker", user="cw-2"), hid, eid, "2024-01-25").status_code == 200
    r = decide(client, auth("approver", user="cw-2"), hid, eid, "approval", "2024-02-01")
    assert_problem(r, 403, "four-eyes", field="actor", rule="four-eyes")
    r = decide(client, auth("approver", user="ap-1"), hid, eid, "approval", "2024-02-01")
    assert r.status_code == 200, r.text


def test_every_write_records_actor_role_and_request_id(client: TestClient, auth: Auth) -> None:
    """Each stored event of a walk carries the user, role and X-Request-ID of the request that wrote it."""
    cw, ap = auth("caseworker", user="cw-1"), auth("approver", user="ap-1")
    expected: list[tuple[str, str, str, str]] = []

    def sent(event: str, user: str, role: str, headers: dict[str, str]) -> dict[str, str]:
        rid = f"req-{len(expected) + 1}-{uuid.uuid4().hex[:8]}"
        expected.append((event, user, role, rid))
        return {**headers, "X-Request-ID": rid}

    r = client.post(f"{API}/households", json=registration(), headers=sent("Registered", "cw-1", "caseworker", cw))
    assert r.status_code == 201, r.text
    assert r.headers["X-Request-ID"] == expected[-1][3]
    h = r.json()
    hid, pids = h["household_id"], person_ids(h)
    headers = sent("CircumstancesRecorded", "cw-1", "caseworker", cw)
    assert circumstances(client, headers, hid, effective_on="2024-01-15", wages={pids[0]: "1200.00"}).status_code == 200
    r = apply(client, sent("ApplicationFiled", "cw-1", "caseworker", cw), hid, pids, "2024-01-20")
    eid = r.json()["enrolment"]["enrolment_id"]
    headers = sent("TownshipReviewRecorded", "cw-1", "caseworker", cw)
    assert township_review(client, headers, hid, eid, "2024-01-25").status_code == 200
    steps = [
        ("ApplicationApproved", "ap-1", "approver", "approval", "2024-02-01", {}),
        ("ReviewCompleted", "cw-1", "caseworker", "reviews", "2024-08-01", {}),
        ("BenefitSuspended", "ap-1", "approver", "suspension", "2024-09-01", REASON),
        ("BenefitResumed", "ap-1", "approver", "resumption", "2024-10-01", {}),
        ("EnrolmentTerminated", "ap-1", "approver", "termination", "2024-11-01", REASON),
    ]
    for event, user, role, action, on, extra in steps:
        headers = sent(event, user, role, cw if role == "caseworker" else ap)
        r = decide(client, headers, hid, eid, action, on, **extra)
        assert r.status_code == 200, r.text
        assert r.headers["X-Request-ID"] == expected[-1][3]

    store = client.app.state.services.casework.repository.event_store  # type: ignore[attr-defined]
    events = list(store.get(uuid.UUID(hid)))
    recorded = [(type(e).__name__, e.actor.user_id, str(e.actor.role), e.request_id) for e in events]
    # A change of what is due is recorded with the command that brought it about: same actor, same request.
    derived = [r for r in recorded if r[0] == "EntitlementChanged"]
    assert derived
    assert {r[1:] for r in derived} <= {x[1:] for x in expected}
    assert [r for r in recorded if r[0] != "EntitlementChanged"] == expected
    assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    assert {e.actor.jurisdiction for e in events} == {"430112"}


def test_refused_requests_record_nothing(client: TestClient, auth: Auth) -> None:
    """Requests refused for authentication, role or jurisdiction leave the household's events as they were."""
    h = household_with_income(client, auth("caseworker", user="cw-1"))
    hid = h["household_id"]
    store = client.app.state.services.casework.repository.event_store  # type: ignore[attr-defined]
    before = [e.originator_version for e in store.get(uuid.UUID(hid))]
    outsider = auth("caseworker", user="cw-9", jurisdiction="430112002")
    for headers, status in (({}, 401), (auth("auditor"), 403), (outsider, 404)):
        r = circumstances(client, headers, hid, effective_on="2024-02-01")
        assert r.status_code == status, r.text
    assert [e.originator_version for e in store.get(uuid.UUID(hid))] == before
