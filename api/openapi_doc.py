"""What the OpenAPI schema says beyond the routes' signatures: bearer auth, Idempotency-Key, problem bodies.

FastAPI documents the ``Authorization`` header as a plain parameter and its own 422 body; the API
answers every error with ``application/problem+json``. This rewrites the generated schema once so
clients (and the schemathesis fuzz run) see what the service really does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from api.permissions import PUBLIC
from api.problems import PROBLEM_JSON

WRITES = frozenset({"post", "put", "patch"})
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "a retry with the same key and request returns the first response and writes nothing",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `type` is stable per kind of error",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:jiuzhu:problem:validation-error"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM_RESPONSE = {
    "description": "refused: a problem naming the field and the rule",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def document(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the rewritten schema (built once, then cached by FastAPI)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        return rewrite(build())

    app.openapi = openapi  # type: ignore[method-assign]


def rewrite(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    for item in schema.get("paths", {}).values():
        for method, op in item.items():
            params = [p for p in op.get("parameters", []) if p.get("name", "").lower() != "authorization"]
            if method in WRITES:
                params.append(dict(IDEMPOTENCY_KEY))
            if params:
                op["parameters"] = params
            else:
                op.pop("parameters", None)
            if op.get("operationId") in PUBLIC:
                continue
            op["security"] = [{"bearer": []}]
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            responses["4XX"] = PROBLEM_RESPONSE
    return schema
