"""What every benchmark shares: the scratch database, timing, percentiles, progress."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tests import support

PG = {"host": os.environ.get("BENCH_PGHOST", "127.0.0.1"), "port": 5432, "user": "postgres"}
console = Console(stderr=True, soft_wrap=True)


def scratch_database(prefix: str = "jiuzhu_bench") -> AbstractContextManager[str]:
    """A fresh PostgreSQL database for the run, dropped afterwards (also on failure)."""
    return support.scratch_database(PG, prefix)


def new_schema(database: str, prefix: str) -> str:
    """An empty schema in the scratch database: each measurement starts from an empty store."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def postgres_env(database: str, schema: str, **extra: str) -> dict[str, str]:
    """The eventsourcing environment for a Casework application on the scratch database."""
    from infrastructure.settings import CIPHER_TOPIC, DEV_CIPHER_KEY

    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": str(PG["host"]),
        "POSTGRES_PORT": str(PG["port"]),
        "POSTGRES_USER": str(PG["user"]),
        "POSTGRES_PASSWORD": "",
        "POSTGRES_SCHEMA": schema,
        "CIPHER_TOPIC": CIPHER_TOPIC,
        "CIPHER_KEY": DEV_CIPHER_KEY,
        **extra,
    }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Latencies:
    """Latencies in seconds, summarised in milliseconds."""

    values: list[float]

    def summary(self) -> dict[str, Any]:
        if not self.values:
            return {"n": 0}
        return {
            "n": len(self.values),
            "p50_ms": round(percentile(self.values, 50) * 1000, 3),
            "p99_ms": round(percentile(self.values, 99) * 1000, 3),
            "max_ms": round(max(self.values) * 1000, 3),
        }


def timed(fn: Callable[[], Any], repeat: int) -> Latencies:
    """Call ``fn`` ``repeat`` times and keep each call's duration."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return Latencies(out)


def progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, KiB)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise LookupError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_threads(
    work: Callable[[int], None],
    count: int,
    seconds: float,
    stop: threading.Event,
    ready: Callable[[], object] = time.perf_counter,
) -> float:
    """Run ``work(i)`` in ``count`` threads for ``seconds`` of wall time, then set ``stop`` and wait for them.

    The clock starts once the threads are started and ``ready()`` has returned (a barrier's ``wait`` where
    every thread must first be connected); returns the seconds that passed until all had stopped."""
    pool = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in pool:
        t.start()
    ready()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return time.perf_counter() - t0
