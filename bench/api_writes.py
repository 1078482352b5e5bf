"""API write commands over HTTP: ``jiuzhu serve`` in a subprocess on a fresh PostgreSQL schema, client
threads with httpx, each its own caseworker and its own households.

Each client registers a few households (timed apart), then records circumstances (``PUT
…/circumstances`` with ``If-Match``: load, check the version, append one event, save) round-robin
over them for a fixed time. Throughput counts the PUTs every client completed; latencies are per
request as the client sees them (HTTP included). The worker's RSS is read from /proc before the
load and after it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.common import PG, Latencies, rss_kib

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-of-at-least-32-bytes-for-hs256"
DISTRICT = "430112"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``jiuzhu serve`` on PostgreSQL in a subprocess (one uvicorn worker)."""

    def __init__(self, database: str, schema: str, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "JIUZHU_DATABASE": "postgres",
            "JIUZHU_POSTGRES_DSN": f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
            "JIUZHU_POSTGRES_SCHEMA": schema,
            "JIUZHU_TOKEN_SECRET": SECRET,
            "JIUZHU_RATE_PER_MINUTE": "100000000",  # the bench is not a denial of service
            "JIUZHU_PORT": str(self.port),
        }
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jiuzhu"), "serve"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the API exited with {self.process.returncode}; see {log}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the API did not become ready; see {log}")

    def rss_kib(self) -> int:
        return rss_kib(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _token(user: str) -> str:
    from domain.values import Role
    from infrastructure.tokens import TokenIssuer

    return TokenIssuer(secret=SECRET, ttl=timedelta(hours=4)).issue(user, Role.CASEWORKER, DISTRICT)


def _id_number(serial: int) -> str:
    from domain.values import id_check_character

    birth = date(1950, 1, 1) + timedelta(days=serial // 900 % 20000)
    first17 = f"{DISTRICT}{birth:%Y%m%d}{100 + serial % 900:03d}"
    return first17 + id_check_character(first17)


class Client:
    """One caseworker: its own connection, households and versions."""

    def __init__(self, url: str, index: int, households: int):
        self.index = index
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {_token(f'bench-cw-{index}')}"}, timeout=60
        )
        self.count = households
        self.households: list[tuple[str, str, int]] = []  # (id, head person id, version)
        self.register_latencies: list[float] = []
        self.latencies: list[float] = []
        self.errors: dict[int, int] = {}
        self.serial = 0

    def register(self, serial_base: int) -> None:
        for k in range(self.count):
            body = {
                "area_type": "urban",
                "division_code": f"{DISTRICT}001{(self.index % 12) + 1:03d}",
                "address": f"bench {self.index}-{k}",
                "registered_on": "2024-01-10",
                "members": [
                    {"name": "王建国", "id_number": _id_number(serial_base + 2 * k), "relation": "head"},
                    {"name": "李秀英", "id_number": _id_number(serial_base + 2 * k + 1), "relation": "spouse"},
                ],
            }
            t = time.perf_counter()
            r = self.http.post("/api/v1/households", json=body)
            self.register_latencies.append(time.perf_counter() - t)
            r.raise_for_status()
            data = r.json()
            self.households.append((data["id"], data["members"][0]["person_id"], int(r.headers["etag"].strip('"'))))

    def put_circumstances(self, k: int) -> None:
        hid, head, version = self.households[k]
        self.serial += 1
        body = {
            "effective_on": "2024-02-01",
            "incomes": [{"person_id": head, "kind": "wages", "monthly_amount": f"{300 + self.serial % 900}.00"}],
            "assets": {"financial": "5000.00", "vehicle_value": "0.00", "dwellings": 1},
            "costs": [],
        }
        t = time.perf_counter()
        r = self.http.put(f"/api/v1/households/{hid}/circumstances", json=body, headers={"If-Match": f'"{version}"'})
        elapsed = time.perf_counter() - t
        if r.status_code == 200:
            self.latencies.append(elapsed)
            self.households[k] = (hid, head, int(r.headers["etag"].strip('"')))
        else:
            self.errors[r.status_code] = self.errors.get(r.status_code, 0) + 1

    def close(self) -> None:
        self.http.close()


def run_level(url: str, clients: int, seconds: float, households: int, serial_base: int) -> dict[str, Any]:
    """``clients`` threads register ``households`` each, then PUT circumstances for ``seconds``."""
    pool = [Client(url, serial_base // 1000 + i, households) for i in range(clients)]
    threads = [
        threading.Thread(target=c.register, args=(serial_base + 2 * households * i,)) for i, c in enumerate(pool)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def loop(c: Client) -> None:
        barrier.wait()
        k = 0
        while not stop.is_set():
            c.put_circumstances(k % len(c.households))
            k += 1

    threads = [threading.Thread(target=loop, args=(c,)) for c in pool]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    for c in pool:
        c.close()
    done = [x for c in pool for x in c.latencies]
    errors: dict[str, int] = {}
    for c in pool:
        for status, n in c.errors.items():
            errors[str(status)] = errors.get(str(status), 0) + n
    return {
        "clients": clients,
        "commands": len(done),
        "per_second": round(len(done) / elapsed, 1),
        **Latencies(done).summary(),
        "errors": errors,
        "register": Latencies([x for c in pool for x in c.register_latencies]).summary(),
    }
