"""The national service over HTTP: statistics by role and jurisdiction, the lookup for authorised agencies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.national_http import create_national_app
from domain.values import Role
from infrastructure.national.bus import JetStreamBus
from infrastructure.national.settings import NationalSettings
from infrastructure.tokens import TokenIssuer
from tests.national.provinces import Province, drain, national, plant_on_dibao
from tests.support import id_number

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

ISSUER = TokenIssuer(secret="national-test-secret-of-at-least-32-bytes", ttl=timedelta(minutes=5))
PLANTED = id_number(date(1949, 10, 1), "110105")


def bearer(role: Role, jurisdiction: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(f'{role}-1', role, jurisdiction)}"}


@pytest.fixture
def client(one: Province, bus: JetStreamBus, national_settings: NationalSettings) -> Iterator[TestClient]:
    plant_on_dibao(one.app, PLANTED, applied_on=date(2024, 3, 4), approved_on=date(2024, 3, 20))
    service = national(bus, national_settings)
    drain(service, [one.relay(bus)])
    app = create_national_app(service.model, ISSUER, national_settings.national_key.encode(), min_cell=5)
    with TestClient(app) as c:
        yield c
    service.model.close()


def test_statistics_by_role_and_jurisdiction(client: TestClient) -> None:
    admin = client.get("/national/v1/statistics", params={"month": "2024-12"}, headers=bearer(Role.ADMIN, "00"))
    assert admin.status_code == 200, admin.text
    rows = admin.json()["on_roll"]
    assert {r["province"] for r in rows} == {"11"}
    assert all(r["households"] for r in rows)
    analyst = client.get("/national/v1/statistics", params={"month": "2024-12"}, headers=bearer(Role.ANALYST, "00"))
    small = [r for r in analyst.json()["on_roll"] if r.get("suppressed")]
    assert small == [r | {"households": None, "persons": None, "amount": None, "suppressed": True}
                     for r in rows if r["households"] < 5]  # fmt: skip
    other = client.get("/national/v1/statistics", params={"month": "2024-12"}, headers=bearer(Role.ADMIN, "43"))
    assert other.json()["on_roll"] == []  # a province's token sees its own province only
    refused = client.get("/national/v1/statistics", params={"month": "2024-12"}, headers=bearer(Role.CASEWORKER, "00"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/national/v1/statistics", params={"month": "2024-12"}).status_code == 401
    bad = client.get("/national/v1/statistics", params={"month": "2024-13x"}, headers=bearer(Role.ADMIN, "00"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "month"


def test_the_lookup_is_for_national_agencies_and_names_bad_input(client: TestClient) -> None:
    agency = bearer(Role.AUDITOR, "00")
    found = client.post(
        "/national/v1/enrolments/search", json={"id_number": PLANTED, "on": "2024-06-01"}, headers=agency
    )
    assert found.status_code == 200, found.text
    assert [(e["province"], e["program"], e["status"]) for e in found.json()["enrolments"]] == [
        ("11", "dibao", "active")
    ]
    by_hash = {"person_hash": found.json()["person_hash"], "on": "2024-06-01"}
    assert client.post("/national/v1/enrolments/search", json=by_hash, headers=agency).json() == found.json()
    province = client.post("/national/v1/enrolments/search", json=by_hash, headers=bearer(Role.AUDITOR, "11"))
    assert province.status_code == 403
    analyst = client.post("/national/v1/enrolments/search", json=by_hash, headers=bearer(Role.ANALYST, "00"))
    assert analyst.status_code == 403
    miscounted = PLANTED[:17] + ("1" if PLANTED[17] != "1" else "2")  # a check character that does not match
    wrong = client.post(
        "/national/v1/enrolments/search", json={"id_number": miscounted, "on": "2024-06-01"}, headers=agency
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "id_number"
    assert wrong.json()["errors"][0]["rule"] == "id-number-check-character"
    neither = client.post("/national/v1/enrolments/search", json={"on": "2024-06-01"}, headers=agency)
    assert neither.status_code == 422
    assert neither.json()["errors"][0]["rule"] == "one-of"
