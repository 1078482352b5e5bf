"""The processes a fault run starts and breaks: a fresh database, API workers, projection workers, PostgreSQL.

Everything started here is a child process of the caller, stopped by its own id; PostgreSQL is
restarted with ``pg_ctlcluster`` and always started again (in a ``finally``) before returning.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
JIUZHU = str(Path(sys.executable).with_name("jiuzhu"))  # the console script beside this interpreter


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(proc: subprocess.Popen[Any], timeout: float) -> None:
    """SIGTERM and wait; SIGKILL what has not ended within ``timeout`` seconds (a process already ended is left)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def fresh_database(prefix: str = "jiuzhu_chaos") -> Iterator[str]:
    """A new database, dropped afterwards (with force: workers may still hold connections)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        wait_for_postgres()
        with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_env(database: str, **settings: str) -> dict[str, str]:
    """The environment of a jiuzhu process on ``database`` (JIUZHU_* settings given as keyword arguments)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "PROMETHEUS_MULTIPROC_DIR"))}
    env.update(
        JIUZHU_DATABASE="postgres",
        JIUZHU_POSTGRES_DSN=f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        JIUZHU_LOG_FORMAT="json",
        JIUZHU_DEV="true",  # a scratch database of synthetic people: the built-in development keys will do
    )
    env.update({f"JIUZHU_{k.upper()}": v for k, v in settings.items()})
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 60.0) -> str:
    done = subprocess.run([JIUZHU, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"jiuzhu {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stderr


class Process:
    """A jiuzhu command running in the background, its output kept in a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen([JIUZHU, *args], env=env, stdout=self._out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def children(self) -> list[int]:
        """Worker processes (uvicorn's spawned children), not multiprocessing's helpers."""
        out = []
        with contextlib.suppress(OSError):
            for pid in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split():
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"spawn_main" in cmdline:
                    out.append(int(pid))
        return out

    def stop(self, timeout: float = 15.0) -> None:
        stop_process(self.proc, timeout)
        self._out.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._out.close()


def serve(env: dict[str, str], log: Path, *, workers: int = 2, timeout: float = 60.0) -> tuple[Process, str]:
    """``jiuzhu serve --workers N`` on a free port; returns once every worker answers /healthz."""
    port = free_port()
    server = Process(["serve", "--workers", str(workers), "--port", str(port)], env, log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200 and len(server.children()) == workers:
                return server, url
        time.sleep(0.2)
    server.stop()
    raise TimeoutError(f"the server did not start: {log.read_text()[-2000:]}")


def lease_holder(database: str, name: str = "views") -> int | None:
    """The OS process id of the holder of a lease (its connection's application_name), if any."""
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:  # type: ignore[arg-type]
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() "
            "AND a.application_name LIKE %s",
            (f"jiuzhu-{name}-%",),
        ).fetchone()
    return int(row[0].rsplit("-", 1)[1]) if row else None


def pg_isready() -> bool:
    return subprocess.run(["pg_isready", "-h", PG["host"], "-p", str(PG["port"]), "-q"], check=False).returncode == 0


def wait_for_postgres(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not pg_isready():
        if time.monotonic() > deadline:
            raise TimeoutError("PostgreSQL is not answering")
        time.sleep(0.2)


def cluster_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[0]


def restart_postgres(down_for: float = 3.0) -> float:
    """Stop the PostgreSQL cluster, keep it down ``down_for`` seconds, start it again; the seconds it was away.

    Always starts it again and waits until it answers, whatever happens meanwhile."""
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main"]
    started = time.monotonic()
    try:
        subprocess.run([*cluster, "stop", "-m", "fast"], check=True, capture_output=True, timeout=60)
        time.sleep(down_for)
    finally:
        if not pg_isready():
            subprocess.run([*cluster, "start"], check=False, capture_output=True, timeout=60)
        wait_for_postgres()
    return time.monotonic() - started


def slow_inserts(database: str, *, on: bool, seconds: float = 0.03) -> None:
    """Make every event insert take ``seconds`` longer (a trigger), so a run can be killed half-way; or stop it."""
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:  # type: ignore[arg-type]
        if on:
            conn.execute(
                "CREATE OR REPLACE FUNCTION chaos_slow_insert() RETURNS trigger AS $$ BEGIN "
                f"PERFORM pg_sleep({float(seconds)}); RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            conn.execute(
                "CREATE TRIGGER chaos_slow BEFORE INSERT ON jiuzhu_events "
                "FOR EACH ROW EXECUTE FUNCTION chaos_slow_insert()"
            )
        else:
            conn.execute("DROP TRIGGER IF EXISTS chaos_slow ON jiuzhu_events")


def payments_issued(database: str) -> int:
    """Payroll batches stored so far (PaymentsIssued events)."""
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:  # type: ignore[arg-type]
        row = conn.execute("SELECT count(*) FROM jiuzhu_events WHERE topic LIKE '%PaymentsIssued'").fetchone()
    return int(row[0]) if row else 0
