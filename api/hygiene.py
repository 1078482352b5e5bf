"""The input guard: no control or invisible formatting character reaches a route, the store or a log.

Query values, header values and every string of a JSON body are checked before the route runs
(400 ``invalid-characters`` naming the parameter, header or JSON field). JSON strings are also
normalised to NFC, so ``é`` typed two ways is one name. Free-text fields (``MULTILINE``) may hold
line breaks; every other string is one line.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import Receive, Scope, Send

from api.asgi import HttpMiddleware, header, read_body, replay, send_problem
from domain.errors import InvalidValue
from domain.text import clean_text, offending

MULTILINE = frozenset({"reason", "findings", "legal_basis"})
JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Refused(Exception):
    def __init__(self, where: str, detail: str):
        super().__init__(detail)
        self.where, self.detail = where, detail


def check_query(query_string: bytes) -> None:
    text = query_string.decode("latin-1")
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
        for part, what in ((name, "name"), (value, "value")):
            bad = offending(part)
            if bad is not None:
                raise Refused(name if what == "value" else "query", f"the query {what} holds U+{ord(bad):04X}")


def check_headers(scope: Scope) -> None:
    """Header bytes below 0x20 (but tab) and DEL never reach a route; UTF-8 above 0x7F is left to the route."""
    for key, value in scope.get("headers", ()):
        for byte in value:
            if (byte < 0x20 and byte != 0x09) or byte == 0x7F:
                name = key.decode("latin-1")
                raise Refused(name, f"the header {name} holds the control character U+{byte:04X}")


def clean_json(value: Any, path: str = "", key: str = "") -> Any:
    """The JSON value with every string in NFC; Refused at the first string holding a forbidden character."""
    if isinstance(value, str):
        try:
            return clean_text(value, field=path or "body", multiline=key in MULTILINE)
        except InvalidValue as e:
            raise Refused(path or "body", e.message) from None
    if isinstance(value, list):
        return [clean_json(v, f"{path}[{i}]", key) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            child = f"{path}.{k}" if path else str(k)
            if offending(str(k)) is not None:
                raise Refused(child, "a JSON key holds a control or formatting character")
            out[k] = clean_json(v, child, str(k))
        return out
    return value


class HygieneMiddleware(HttpMiddleware):
    """Refuses control and formatting characters in headers, query and JSON keys; normalises JSON strings."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            check_headers(scope)
            check_query(scope.get("query_string", b""))
            if scope["method"] in JSON_METHODS and "json" in (header(scope, "content-type") or ""):
                body = await read_body(receive)
                receive = replay(_cleaned(body), receive)
        except Refused as refused:
            await send_problem(
                scope,
                send,
                400,
                "invalid-characters",
                "Control or formatting character",
                f"{refused.where}: {refused.detail}",
                field=refused.where,
            )
            return
        await self.app(scope, receive, send)


def _cleaned(body: bytes) -> bytes:
    """The body with its strings normalised; a body that is not JSON is left for the route to refuse."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    cleaned = clean_json(data)
    return body if cleaned == data else json.dumps(cleaned, ensure_ascii=False).encode()
