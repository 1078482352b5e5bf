"""Fuzzing the live OpenAPI schema with schemathesis: no request may cause a 5xx, and responses match the schema.

Each operation is called with a token of a role the permission table allows, and with path ids that
usually name a real household, member and enrolment (an approved dibao case), so requests get past
authorization and lookup into the commands. ``make test`` runs a bounded budget; ``make fuzz``
sets ``JIUZHU_FUZZ_EXAMPLES`` higher and prints the request count.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from api.composition import build_services
from api.permission_table import ROLES, live_schema
from api.permissions import PERMISSIONS
from tests.api.conftest import API_BACKENDS, backend_settings
from tests.api.helpers import approved_enrolment
from tests.support import DISTRICT, fixed_clock

DEFAULT_EXAMPLES = 10  # per operation: about 320 requests in a few seconds
EXAMPLES = int(os.environ.get("JIUZHU_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
schema = schemathesis.openapi.from_dict(live_schema())
schema.config.phases.update(phases=["examples", "fuzzing"])  # the coverage phase alone sends thousands
REAL: dict[str, str] = {}  # path parameter → an id that exists, filled once the app is up
SENT: Counter[str] = Counter()


@pytest.fixture(scope="module", params=API_BACKENDS)
def fuzz_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """One API per backend (in memory, and PostgreSQL: where a NUL in a value used to answer 500) for the whole
    run, with an approved dibao household to aim at; prints the request count at the end."""
    config = backend_settings(request, request.param)
    with TestClient(create_app(lambda: build_services(config, clock=fixed_clock))) as client:
        tokens = client.app.state.services.tokens  # type: ignore[attr-defined]
        cw = {"Authorization": f"Bearer {tokens.issue('fuzz-cw', 'caseworker', DISTRICT)}"}
        ap = {"Authorization": f"Bearer {tokens.issue('fuzz-ap', 'approver', DISTRICT)}"}
        h, eid = approved_enrolment(client, cw, ap)
        REAL.update(household_id=h["household_id"], person_id=h["members"][0]["person_id"], enrolment_id=eid)
        yield client
    print(f"\nschemathesis: {sum(SENT.values())} requests, by status {dict(sorted(SENT.items()))}")


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    """Three times in four, replace a generated id by a real one (the choice follows the generated value)."""
    for name, real in REAL.items():
        value = (path_parameters or {}).get(name)
        if path_parameters is not None and value is not None and zlib.crc32(str(value).encode()) % 4:
            path_parameters[name] = real
    return path_parameters


def headers_for(operation_id: str, fuzz_client: TestClient) -> dict[str, str]:
    """A bearer token of the first role (caseworker, approver, auditor, analyst, admin) the table allows."""
    role = next(r for r in ROLES if r in PERMISSIONS.get(operation_id, frozenset(ROLES)))
    tokens = fuzz_client.app.state.services.tokens  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {tokens.issue(f'fuzz-{role}', role, DISTRICT)}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=EXAMPLES == DEFAULT_EXAMPLES,  # the bounded run is the same every time; `make fuzz` explores
    database=None,
)
def test_api_never_fails(case: Any, fuzz_client: TestClient) -> None:
    """Generated requests (valid and invalid) never get a 5xx, and every response matches its documented schema."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    generated = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "authorization"}
    kwargs["headers"] = {**generated, **headers_for(case.operation.definition.raw["operationId"], fuzz_client)}
    kwargs.pop("cookies", None)
    if "data" in kwargs:
        kwargs["content"] = kwargs.pop("data")
    kwargs.pop("allow_redirects", None)
    response = fuzz_client.request(**kwargs)
    SENT[str(response.status_code)] += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
