"""API fixtures: the shared ``client`` with a token secret long enough for HS256.

The root ``client`` fixture signs with ``"test-secret"`` (11 bytes); PyJWT warns about HMAC keys
shorter than 32 bytes (``InsecureKeyLengthWarning``) and the suite turns warnings into errors, so
every request made with ``auth(...)`` would fail. This override differs only in the secret; the
root ``auth`` fixture picks it up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from infrastructure.settings import Settings
from tests.support import fixed_clock

TOKEN_SECRET = "api-test-secret-at-least-32-bytes-long"


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The HTTP API on an in-memory store, with the clock fixed at 2025-06-01."""
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, _env_file=None)  # type: ignore[call-arg]
    app = create_app(lambda: build_services(settings, clock=fixed_clock))
    with TestClient(app) as c:
        yield c
