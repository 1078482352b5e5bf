"""Fixtures of the national layer: a JetStream server, provinces on PostgreSQL, a national store.

The tests skip, with the reason shown, when NATS (with JetStream) or PostgreSQL does not answer;
``REQUIRE_NATS=1`` (set by .ci/run) turns a missing NATS into a failure. Streams, consumers and
subjects carry a random suffix, so repeated or parallel runs never meet, and are deleted after.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

from infrastructure.national.bus import JetStreamBus
from infrastructure.national.settings import NationalSettings
from tests.conftest import _postgres_env
from tests.national.provinces import Province, province

NATS_URL = os.environ.get("JIUZHU_TEST_NATS_URL", "nats://127.0.0.1:4222")


def nats_unavailable(url: str = NATS_URL) -> str | None:
    host, port = url.removeprefix("nats://").rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            pass
    except OSError as e:
        return f"NATS not reachable at {url}: {type(e).__name__}: {e}"
    bus = JetStreamBus(url)
    probe = f"PROBE_{uuid.uuid4().hex[:8]}"
    try:
        bus.ensure_stream(probe, [f"probe{uuid.uuid4().hex[:8]}.>"])
        bus.delete_stream(probe)
    except Exception as e:
        return f"NATS at {url} answers but JetStream does not: {type(e).__name__}: {e}"
    finally:
        bus.close()
    return None


@pytest.fixture(scope="session")
def nats_url() -> str:
    reason = nats_unavailable()
    if reason:
        if os.environ.get("REQUIRE_NATS") == "1":
            pytest.fail(f"REQUIRE_NATS=1 but {reason}")
        pytest.skip(reason)
    return NATS_URL


@pytest.fixture
def national_settings(nats_url: str, postgres_database: str) -> Iterator[NationalSettings]:
    """Settings naming this test's own streams, subjects and national schema; all removed afterwards."""
    suffix = uuid.uuid4().hex[:10]
    ns = NationalSettings(
        _env_file=None,  # type: ignore[call-arg]
        nats_url=nats_url,
        subject_root=f"jz{suffix}",
        stream_prefix=f"JZ{suffix}",
        national_dsn=f"postgresql://postgres@127.0.0.1:5432/{postgres_database}",
        national_schema=f"n_{suffix}",
    )
    yield ns
    bus = JetStreamBus(nats_url)
    try:
        bus.delete_stream(ns.national_stream)
        bus.delete_stream(ns.findings_stream)
    finally:
        bus.close()


@pytest.fixture
def one(postgres_database: str, national_settings: NationalSettings) -> Iterator[Province]:
    """A single province (11), for what needs no other."""
    p = province("11", _postgres_env(postgres_database), national_settings, households=20, seed=13)
    yield p
    p.close()


@pytest.fixture
def bus(national_settings: NationalSettings) -> Iterator[JetStreamBus]:
    b = JetStreamBus(national_settings.nats_url, ack_wait=2.0)
    yield b
    b.close()
