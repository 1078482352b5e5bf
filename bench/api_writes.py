"""API write commands over HTTP: ``jiuzhu serve`` in a subprocess on a fresh PostgreSQL schema, client
threads with httpx, each its own caseworker and its own households.

Each client registers a household (``POST``), then records its circumstances nine times (``PUT
…/circumstances`` with ``If-Match``: load, check the version, append one event, save), then moves
on to a new household, so households stay at ten events however long the run. Throughput counts
every write command completed in the measured window; latencies are per request as the client sees
them (HTTP included). The worker's RSS is read from /proc before the load and after it.
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
from chaos.cluster import stop_process

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-of-at-least-32-bytes-for-hs256"
DISTRICT = "430112"
PER_HOUSEHOLD = 10  # write commands per household: its registration and 9 declarations


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``jiuzhu serve`` on PostgreSQL in a subprocess (one uvicorn worker unless told otherwise)."""

    def __init__(self, database: str, schema: str, log: Path, *, workers: int = 1, group_commit: bool = False):
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
            "JIUZHU_GROUP_COMMIT": "true" if group_commit else "false",
        }
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jiuzhu"), "serve", "--workers", str(workers)],
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
        stop_process(self.process, timeout=20)
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
    """One caseworker with its own connection: registers a household, records its circumstances
    ``PER_HOUSEHOLD - 1`` times with If-Match, then moves on to a new household."""

    def __init__(self, url: str, index: int):
        self.index = index
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {_token(f'bench-cw-{index}')}"}, timeout=60
        )
        self.latencies: dict[str, list[float]] = {"register": [], "circumstances": []}
        self.errors: dict[int, int] = {}
        self.serial = index * 1_000_000
        self.current: tuple[str, str, int] | None = None  # (household id, head person id, version)
        self.writes = 0

    def step(self) -> None:
        """One write command: a registration every PER_HOUSEHOLD commands, else a circumstances PUT."""
        if self.writes % PER_HOUSEHOLD == 0:
            self.register()
        else:
            self.put_circumstances()
        self.writes += 1

    def register(self) -> None:
        self.serial += 2
        body = {
            "area_type": "urban",
            "division_code": f"{DISTRICT}001{(self.index % 12) + 1:03d}",
            "address": f"bench {self.index}-{self.serial}",
            "registered_on": "2024-01-10",
            "members": [
                {"name": "王建国", "id_number": _id_number(self.serial), "relation": "head"},
                {"name": "李秀英", "id_number": _id_number(self.serial + 1), "relation": "spouse"},
            ],
        }
        t = time.perf_counter()
        r = self.http.post("/api/v1/households", json=body)
        elapsed = time.perf_counter() - t
        if r.status_code != 201:
            self.errors[r.status_code] = self.errors.get(r.status_code, 0) + 1
            self.current = None
            return
        self.latencies["register"].append(elapsed)
        data = r.json()
        self.current = (data["household_id"], data["members"][0]["person_id"], int(r.headers["etag"].strip('"')))

    def put_circumstances(self) -> None:
        if self.current is None:
            return
        hid, head, version = self.current
        body = {
            "effective_on": "2024-02-01",
            "incomes": [{"person_id": head, "kind": "wages", "monthly_amount": f"{300 + self.writes % 900}.00"}],
            "assets": {"financial": "5000.00", "vehicle_value": "0.00", "dwellings": 1},
            "costs": [],
        }
        t = time.perf_counter()
        r = self.http.put(f"/api/v1/households/{hid}/circumstances", json=body, headers={"If-Match": f'"{version}"'})
        elapsed = time.perf_counter() - t
        if r.status_code == 200:
            self.latencies["circumstances"].append(elapsed)
            self.current = (hid, head, int(r.headers["etag"].strip('"')))
        else:
            self.errors[r.status_code] = self.errors.get(r.status_code, 0) + 1

    def close(self) -> None:
        self.http.close()


def run_level(url: str, clients: int, seconds: float, first_index: int, warmup: float = 1.0) -> dict[str, Any]:
    """``clients`` threads write as fast as they can for ``warmup`` + ``seconds``; the warm-up is not counted."""
    pool = [Client(url, first_index + i) for i in range(clients)]
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def loop(c: Client) -> None:
        barrier.wait()
        while not stop.is_set():
            c.step()

    threads = [threading.Thread(target=loop, args=(c,)) for c in pool]
    for t in threads:
        t.start()
    barrier.wait()
    time.sleep(warmup)
    for c in pool:  # forget the warm-up
        c.latencies = {k: [] for k in c.latencies}
        c.errors = {}
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - t0
    for t in threads:
        t.join()
    for c in pool:
        c.close()
    done = [x for c in pool for v in c.latencies.values() for x in v]
    errors: dict[str, int] = {}
    for c in pool:
        for status, n in c.errors.items():
            errors[str(status)] = errors.get(str(status), 0) + n
    return {
        "clients": clients,
        "commands": len(done),
        "seconds": round(elapsed, 2),
        "per_second": round(len(done) / elapsed, 1),
        **Latencies(done).summary(),
        "errors": errors,
        "by_command": {
            k: Latencies([x for c in pool for x in c.latencies[k]]).summary() for k in ("register", "circumstances")
        },
    }
