"""The raw-PostgreSQL ceilings every figure is divided by, measured in the same run.

- single-row ``INSERT`` commits (autocommit), one connection per client thread, for a fixed time;
- batched inserts of N rows: ``executemany`` in one transaction, and ``COPY``.

Rows look like stored events: a uuid, a version, a topic and a ``bytea`` state of the size the
API's events actually have (measured by the caller), with a primary key and a serial id.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import psycopg

from bench.common import PG, Latencies, run_threads

TABLE = "raw_events"


def create_table(database: str, schema: str) -> None:
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        conn.execute(
            f'CREATE TABLE "{schema}".{TABLE} (originator_id uuid NOT NULL, originator_version bigint NOT NULL, '
            "topic text, state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
        )


def single_row_commits(database: str, schema: str, clients: int, seconds: float, row_bytes: int) -> dict[str, Any]:
    """Each client thread commits one-row INSERTs as fast as it can for ``seconds``."""
    topic = "domain.household:Household.CircumstancesRecorded"
    latencies: list[list[float]] = [[] for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(i: int) -> None:
        state = os.urandom(row_bytes)
        with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
            sql = (
                f'INSERT INTO "{schema}".{TABLE} (originator_id, originator_version, topic, state) '
                "VALUES (%s, %s, %s, %s)"
            )
            oid, version = uuid.uuid4(), 0
            start.wait()
            while not stop.is_set():
                version += 1
                t = time.perf_counter()
                conn.execute(sql, (oid, version, topic, state), prepare=True)
                latencies[i].append(time.perf_counter() - t)

    elapsed = run_threads(client, clients, seconds, stop, ready=start.wait)
    done = [x for per in latencies for x in per]
    return {"clients": clients, "commits": len(done), "per_second": round(len(done) / elapsed, 1)} | Latencies(
        done
    ).summary()


def batched(database: str, schema: str, rows: int, row_bytes: int) -> dict[str, Any]:
    """N rows inserted in one transaction, by ``executemany`` and by ``COPY``; rows per second each."""
    state = os.urandom(row_bytes)
    topic = "domain.payroll:PayrollMonth.PaymentsIssued"
    data = [(uuid.uuid4(), 1, topic, state) for _ in range(rows)]
    out: dict[str, Any] = {"rows": rows, "row_bytes": row_bytes}
    with psycopg.connect(**PG, dbname=database) as conn:
        t = time.perf_counter()
        with conn.cursor() as c:
            c.executemany(
                f'INSERT INTO "{schema}".{TABLE} (originator_id, originator_version, topic, state) '
                "VALUES (%s, %s, %s, %s)",
                data,
            )
        conn.commit()
        seconds = time.perf_counter() - t
        out["executemany_seconds"] = round(seconds, 3)
        out["executemany_rows_per_second"] = round(rows / seconds, 1)
        data = [(uuid.uuid4(), 1, topic, state) for _ in range(rows)]
        t = time.perf_counter()
        with conn.cursor() as c:
            copy_sql = f'COPY "{schema}".{TABLE} (originator_id, originator_version, topic, state) FROM STDIN'
            with c.copy(copy_sql) as copy:
                for row in data:
                    copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - t
        out["copy_seconds"] = round(seconds, 3)
        out["copy_rows_per_second"] = round(rows / seconds, 1)
    return out


def read_log(database: str, schema: str, table: str, page: int = 500) -> dict[str, Any]:
    """Every row of an events table in notification order, in pages, as the projection reads them."""
    rows, last = 0, 0
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        t = time.perf_counter()
        while True:
            got = conn.execute(
                f'SELECT * FROM "{schema}".{table} WHERE notification_id > %s ORDER BY notification_id LIMIT %s',
                (last, page),
                prepare=True,
            ).fetchall()
            if not got:
                break
            rows += len(got)
            last = got[-1][4]
        seconds = time.perf_counter() - t
    return {"rows": rows, "seconds": round(seconds, 3), "rows_per_second": round(rows / seconds, 1)}


def query_latency(database: str, sql: str, params: tuple[Any, ...], repeat: int) -> dict[str, Any]:
    """p50/p99 of one statement fetched whole, ``repeat`` times on one connection."""
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        conn.execute(sql, params).fetchall()  # warm
        out = []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.execute(sql, params, prepare=True).fetchall()
            out.append(time.perf_counter() - t)
    return Latencies(out).summary()


def copy_out(database: str, sql: str, repeat: int) -> dict[str, Any]:
    """``COPY (query) TO STDOUT`` as CSV: p50/p99 and bytes, the ceiling of an export."""
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        out, size = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            size = 0
            with conn.cursor().copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for chunk in copy:
                    size += len(chunk)
            out.append(time.perf_counter() - t)
    return Latencies(out).summary() | {"bytes": size}
