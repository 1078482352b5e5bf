"""DCI fixtures: the API with the seeded agency registry, agency tokens, the standard's schemas as validators,
and a household on dibao whose members' whole ID numbers the test knows."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from domain.values import Role
from tests.api.conftest import backend_settings
from tests.api.helpers import API, enrolled, registration
from tests.support import DISTRICT, fixed_clock

SPEC = Path(__file__).parents[1] / "fixtures" / "dci" / "ibr_api_v1.0.0.yaml"
SEARCH = "/dci/ibr/registry/sync/search"
ENROLLED = "/dci/ibr/registry/sync/enrolled"
MEDICAL = "yibao-430112"  # a client of the seeded registry (dibao, tekun, orphan, unsupported_child)


#: Two references of the release point into ``/registry/search``'s body as it was before the bundler replaced it by a
#: reference to ``SearchRequest``; they are read as pointing into ``SearchRequest`` itself (the file stays unchanged).
_DANGLING = "#/paths/~1registry~1search/post/requestBody/content/application~1json/schema/properties/message/oneOf/0"


def _mend(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DANGLING):
            return {**node, "$ref": "#/components/schemas/SearchRequest" + ref[len(_DANGLING) :]}
        return {k: _mend(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_mend(v) for v in node]
    return node


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = _mend(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
    return loaded


def schema_errors(instance: Any, pointer: str) -> list[str]:
    """What in ``instance`` breaks the standard's schema at ``pointer`` (a JSON pointer into the spec); [] if none."""
    document = {"$ref": pointer, "components": spec()["components"], "paths": spec()["paths"]}
    validator = jsonschema_rs.Draft7Validator(document, validate_formats=True)
    return [str(e) for e in validator.iter_errors(instance)]


def path_pointer(path: str, *rest: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return "/".join(["#/paths", escaped, "post", *rest])


SEARCH_REQUEST = path_pointer("/registry/sync/search", "requestBody", "content", "application~1json", "schema")
SEARCH_RESPONSE = path_pointer(
    "/registry/sync/search", "responses", "default", "content", "application~1json", "schema"
)
ENROLLED_REQUEST = path_pointer("/registry/sync/enrolled", "requestBody", "content", "application~1json", "schema")
ENROLLED_MESSAGE = "#/components/schemas/EnrolledResponse"
CALLBACK_HEADER = "#/components/schemas/MsgCallbackHeader_V1.0.0"
HTTP_ERROR = "#/components/responses/HttpErrorResponse/content/application~1json/schema"
ERROR_CODE = "#/components/schemas/Error/properties/code"


def header() -> dict[str, Any]:
    """A request header as the standard asks for one."""
    return {
        "version": "1.0.0",
        "message_id": uuid.uuid4().hex,
        "message_ts": datetime(2025, 6, 1, 8, 0, tzinfo=UTC).isoformat(),
        "action": "search",
        "sender_id": "yibao.example.gov.cn",
        "receiver_id": "jiuzhu",
        "total_count": 1,
        "is_msg_encrypted": False,
    }


def search_item(id_number: str, reference_id: str = "ref-1", **criteria: Any) -> dict[str, Any]:
    return {
        "reference_id": reference_id,
        "timestamp": "2025-06-01T08:00:00+00:00",
        "search_criteria": {
            "version": "1.0.0",
            "query_type": "idtype-value",
            "query": {"type": "NID", "value": id_number},
            **criteria,
        },
        "locale": "eng",
    }


def search_body(*items: dict[str, Any]) -> dict[str, Any]:
    body = {"header": header(), "message": {"transaction_id": "T-0001", "search_request": list(items)}}
    body["header"]["total_count"] = len(items)
    return body


def enrolled_body(query: dict[str, Any]) -> dict[str, Any]:
    criteria = {"query_type": "expression", "response_entity": "Member", "query": query}
    return {"header": header(), "message": {"transaction_id": "T-0002", "enrolled_criteria": criteria}}


@pytest.fixture
def dci_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The HTTP API on an in-memory store (clock fixed at 2025-06-01), with the seeded agency registry; a test
    may ask for PostgreSQL (``indirect`` parameter "postgres")."""
    settings = backend_settings(request, getattr(request, "param", "memory"))
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as c:
        yield c


@pytest.fixture
def bearer(dci_client: TestClient) -> Callable[..., dict[str, str]]:
    def headers(role: Role = Role.AGENCY, user: str = MEDICAL, jurisdiction: str = DISTRICT) -> dict[str, str]:
        token = dci_client.app.state.services.tokens.issue(user, role, jurisdiction)  # type: ignore[attr-defined]
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def on_dibao(dci_client: TestClient, bearer: Callable[..., dict[str, str]]) -> dict[str, Any]:
    """A household of three (head earning 1200.00 a month from 2024-01-10), all on dibao approved 2024-02-01;
    returns its registration body (with the whole ID numbers), its id and the enrolment's benefits_from."""
    cw, ap = bearer(Role.CASEWORKER, "cw-1"), bearer(Role.APPROVER, "ap-1")
    body = registration()
    r = dci_client.post(f"{API}/households", json=body, headers=cw)
    assert r.status_code == 201, r.text
    hid, people = r.json()["household_id"], [m["person_id"] for m in r.json()["members"]]
    wages = {"person_id": people[0], "kind": "wages", "monthly_amount": "1200.00"}
    r = dci_client.put(
        f"{API}/households/{hid}/circumstances", headers=cw, json={"effective_on": "2024-01-10", "incomes": [wages]}
    )
    assert r.status_code == 200, r.text
    eid = enrolled(dci_client, cw, ap, hid, people, approved_on="2024-02-01")
    r = dci_client.get(f"{API}/households/{hid}/enrolments/{eid}", headers=cw)
    assert r.status_code == 200, r.text
    return {"body": body, "household_id": hid, "enrolment": r.json()}
