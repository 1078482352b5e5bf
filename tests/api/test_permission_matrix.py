"""The permission matrix: every route of the live OpenAPI schema × every role × inside/outside jurisdiction.

The table in ``api/permissions.py`` is the only source: a route without an entry fails here, and so
does a README table that differs from it. Requests carry dummy data (``{}`` bodies, unknown
enrolment ids): a permitted caller may get 2xx or a 4xx about the data, never 401 or 403.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from api.composition import build_services
from api.permission_table import ROLES, live_schema, operations, render, section
from api.permissions import PERMISSIONS, PUBLIC
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import register
from tests.support import DISTRICT, fixed_clock

SCHEMA = live_schema()
OPERATIONS = operations(SCHEMA)
OUTSIDE = "430112002"  # another township of the district; the household lives in 430112001001
SAMPLE_QUERY = {"division": DISTRICT, "from": "2025-01", "to": "2025-05", "date": "2025-06-01"}
SAMPLE_PATH = {
    "enrolment_id": str(uuid.uuid4()),
    "decision_id": str(uuid.uuid4()),
    "month": "2025-05",
    "program": "dibao",
    "finding_id": "43-0000-sample",
    "notice_id": str(uuid.uuid4()),
}


@pytest.fixture(scope="module")
def matrix_client() -> Iterator[TestClient]:
    """One API (in memory, fixed clock) for the whole walk; the walk's dummy requests change nothing it relies on."""
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as client:
        yield client


def token(client: TestClient, role: Role, jurisdiction: str = DISTRICT) -> dict[str, str]:
    issued = client.app.state.services.tokens.issue(f"{role.value}-matrix", role, jurisdiction)  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {issued}"}


@pytest.fixture(scope="module")
def household(matrix_client: TestClient) -> dict[str, Any]:
    """A household in community 430112001001, registered by a caseworker of the district."""
    return register(matrix_client, token(matrix_client, Role.CASEWORKER))


def call(client: TestClient, method: str, path: str, household: dict[str, Any], headers: dict[str, str]) -> Response:
    """Send one request to an operation with sample path and query values and, for writes, an empty JSON body."""
    op = SCHEMA["paths"][path][method.lower()]
    values = {
        **SAMPLE_PATH,
        "household_id": household["household_id"],
        "person_id": household["members"][0]["person_id"],
    }
    missing = set(re.findall(r"{(\w+)}", path)) - set(values)
    assert not missing, f"add a sample value for path parameters {missing} of {path}"
    url = path.format(**values)
    query = {
        p["name"]: SAMPLE_QUERY[p["name"]]
        for p in op.get("parameters", [])
        if p["in"] == "query" and p.get("required") and p["name"] in SAMPLE_QUERY
    }
    body = {} if "requestBody" in op else None
    return client.request(method, url, params=query, json=body, headers=headers)


def problem_type(r: Response) -> str:
    return str(r.json().get("type", "")) if r.headers.get("content-type") == "application/problem+json" else ""


def test_every_route_has_a_permission_entry() -> None:
    """Every operation of the live schema is in PERMISSIONS or PUBLIC, and no entry names a route that is gone."""
    ids = [op for op, _, _ in OPERATIONS]
    missing = sorted(set(ids) - set(PERMISSIONS) - PUBLIC)
    assert not missing, f"routes without a PERMISSIONS entry: {missing}"
    stale = sorted((set(PERMISSIONS) | PUBLIC) - set(ids))
    assert not stale, f"PERMISSIONS/PUBLIC entries without a route: {stale}"
    assert not set(PERMISSIONS) & PUBLIC
    assert len(ids) == len(set(ids)), "operation ids must be unique"
    assert all(Role.SYSTEM not in roles for roles in PERMISSIONS.values())


def test_readme_table_matches_permissions() -> None:
    """README's "Who may do what" equals the table rendered from PERMISSIONS (python -m api.permission_table)."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert section(readme) == render(SCHEMA), "README is stale: run .venv/bin/python -m api.permission_table"


@pytest.mark.parametrize(("op", "method", "path"), OPERATIONS, ids=[op for op, _, _ in OPERATIONS])
def test_route_obeys_the_table(
    matrix_client: TestClient, household: dict[str, Any], op: str, method: str, path: str
) -> None:
    """No token → 401; a role not in the table → 403; outside the household's jurisdiction → 404 (as if
    unknown); else not 401/403."""
    if op in PUBLIC:
        assert call(matrix_client, method, path, household, {}).status_code < 400
        return
    assert op in PERMISSIONS, f"{op} has no PERMISSIONS entry"
    r = call(matrix_client, method, path, household, {})
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    scoped = "{household_id}" in path
    for role in ROLES:
        inside = call(matrix_client, method, path, household, token(matrix_client, role))
        outside = call(matrix_client, method, path, household, token(matrix_client, role, OUTSIDE))
        if role not in PERMISSIONS[op]:
            for r in (inside, outside):
                assert r.status_code == 403, f"{role} {method} {path}: {r.text}"
                assert problem_type(r).endswith(":forbidden-role"), r.text
            continue
        assert inside.status_code not in (401, 403), f"{role} {method} {path}: {inside.text}"
        assert inside.status_code < 500, inside.text
        if scoped:
            assert outside.status_code == 404, f"{role} outside {method} {path}: {outside.text}"
            assert problem_type(outside).endswith(":household-not-found"), outside.text
