"""``jiuzhu serve --workers 2`` answers keep-alive requests without waiting for a delayed ACK.

With several workers uvicorn binds the listening socket itself, and its accepted connections kept
Nagle's algorithm: each keep-alive request after the first waited ~40 ms for the client's delayed
ACK (uvicorn issue #3149; ``api/server.py: NoDelayConfig`` is the fix). A real server with two
workers, one client on one connection, 50 requests: the median must stay far below 40 ms. Medians
and a wide margin keep it steady on a busy machine (the fixed server answers in ~1–2 ms here).
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DELAYED_ACK_MS = 40.0
MEDIAN_LIMIT_MS = 15.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jiuzhu serve exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("jiuzhu serve did not become ready")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``jiuzhu serve --workers 2`` on the in-memory store; yields its port."""
    port = _free_port()
    env = {
        **os.environ,
        "JIUZHU_DATABASE": "memory",
        "JIUZHU_TOKEN_SECRET": "latency-test-secret-of-at-least-32-bytes",
        "JIUZHU_CIPHER_KEY": "q1Rqz7qvAKf5s6cw5nJbSvbSJb9g2dgRuvtKx8Y1xUs=",
        "JIUZHU_INDEX_KEY": "latency-test-index-key-of-at-least-32-bytes",
        "JIUZHU_PORT": str(port),
    }
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("wb")
    jiuzhu = str(Path(sys.executable).parent / "jiuzhu")
    process = subprocess.Popen([jiuzhu, "serve", "--workers", "2"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_ready(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_keep_alive_requests_at_one_client_do_not_wait_for_a_delayed_ack(two_workers: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", two_workers, timeout=10)
    latencies = []
    try:
        for _ in range(51):  # the first opens the connection; the 50 after it reuse it
            started = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status == 200
            assert not response.will_close  # one keep-alive connection throughout
    finally:
        conn.close()
    median = statistics.median(latencies[1:])
    assert median < MEDIAN_LIMIT_MS, f"median {median:.1f} ms: keep-alive answers wait for a delayed ACK"
    assert MEDIAN_LIMIT_MS < DELAYED_ACK_MS  # the limit tells a delayed ACK from a slow machine


def test_connections_accepted_on_the_workers_socket_have_tcp_nodelay() -> None:
    """The fix itself, without uvloop (which sets TCP_NODELAY on its own connections and would hide a
    regression above): the listening socket ``serve`` binds for its workers passes TCP_NODELAY to
    every connection it accepts, as asyncio's own loop needs."""
    from api.server import NoDelayConfig

    config = NoDelayConfig("api.server:create", factory=True, workers=2, host="127.0.0.1", port=_free_port())
    listener = config.bind_socket()
    try:
        listener.listen()
        with socket.create_connection(listener.getsockname()[:2]):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()
