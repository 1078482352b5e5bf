"""CPU per API write and latency at one client: what one write costs the server, without contention.

``python -m bench.write_cpu --requests 2000 --workers 1`` starts ``jiuzhu serve`` on a scratch
PostgreSQL database, sends the writes of ``bench.api_writes.Client`` (a registration, then nine
``PUT …/circumstances``) one after another on one keep-alive connection, and reports the server's
CPU time per write (user + system of the server and its worker processes, from /proc) and the
client's latencies. On a shared machine throughput measures the neighbours; CPU per request and the
latency at one client do not.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench.api_writes import Client, Server
from bench.common import Latencies, new_schema, scratch_database

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and its children (uvicorn's workers), read from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in tree)


def measure(requests: int, workers: int) -> dict[str, object]:
    with scratch_database("jiuzhu_writecpu") as database:
        server = Server(database, new_schema(database, "w"), Path("/tmp/jiuzhu-write-cpu.log"), workers=workers)
        try:
            client = Client(server.url, 1)
            for _ in range(50):  # warm-up: connections, caches, first-call imports
                client.step()
            client.latencies = {k: [] for k in client.latencies}
            cpu0, t0 = tree_cpu_seconds(server.process.pid), time.perf_counter()
            for _ in range(requests):
                client.step()
            wall, cpu = time.perf_counter() - t0, tree_cpu_seconds(server.process.pid) - cpu0
            client.close()
        finally:
            server.stop()
    done = [x for v in client.latencies.values() for x in v]
    return {
        "workers": workers,
        "requests": requests,
        "errors": client.errors,
        "server_cpu_ms_per_write": round(cpu / requests * 1000, 3),
        "wall_ms_per_write": round(wall / requests * 1000, 3),
        "latency": Latencies(done).summary(),
    }


def main() -> None:
    from eventsourcing.cryptography import AESCipher

    os.environ.setdefault("JIUZHU_CIPHER_KEY", AESCipher.create_key(num_bytes=32))  # not the refused dev keys
    os.environ.setdefault("JIUZHU_INDEX_KEY", "bench-index-key-of-at-least-32-bytes-long")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(measure(args.requests, args.workers)))


if __name__ == "__main__":
    main()
