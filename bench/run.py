"""``make bench``: every benchmark on a scratch PostgreSQL database, results in bench/results.{json,md}.

``BENCH_SCALE=district`` (default, a few minutes on 2 cores) or ``province`` (1,000,000 households).
Each figure is divided by a raw-PostgreSQL ceiling measured in the same run. Optional overrides:
``BENCH_SECONDS`` (per concurrency level), ``BENCH_DISTRICT`` (households simulated), ``BENCH_COPIES``
(counties the district's views are cloned into), ``BENCH_PYSPY=0`` (no py-spy profile of the API).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench import api_writes, data, inprocess, raw, reads, roll_import
from bench.common import PG, console, cpu_seconds, new_schema, postgres_env, progress, scratch_database
from bench.report import markdown

HERE = Path(__file__).resolve().parent
SCRATCH = Path(tempfile.gettempdir()) / "jiuzhu-bench"  # server logs and the raw py-spy profile
SCALES: dict[str, dict[str, Any]] = {
    "district": {"district": 2000, "copies": 50, "seconds": 10.0, "stats": 30, "rolls": 3},
    "province": {"district": 2000, "copies": 500, "seconds": 20.0, "stats": 10, "rolls": 3},
}


def _config() -> dict[str, Any]:
    scale = os.environ.get("BENCH_SCALE", "district")
    if scale not in SCALES:
        raise SystemExit(f"BENCH_SCALE is district or province, not {scale!r}")
    cfg = {"scale": scale, **SCALES[scale]}
    for key, env, kind in (("seconds", "BENCH_SECONDS", float), ("district", "BENCH_DISTRICT", int)):
        if os.environ.get(env):
            cfg[key] = kind(os.environ[env])
    if os.environ.get("BENCH_COPIES"):
        cfg["copies"] = int(os.environ["BENCH_COPIES"])
    cfg["pyspy"] = os.environ.get("BENCH_PYSPY", "1") != "0" and _pyspy() is not None
    return cfg


def _pyspy() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def _machine(database: str) -> dict[str, Any]:
    with psycopg.connect(**PG, dbname=database, autocommit=True) as conn:
        pg = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("server_version", "synchronous_commit", "fsync", "shared_buffers", "wal_level")
        }
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgres": pg,
    }


def _avg_state_bytes(database: str, schema: str, like: str) -> int:
    with psycopg.connect(**PG, dbname=database) as conn:
        row = conn.execute(
            f'SELECT avg(length(state))::int FROM "{schema}".jiuzhu_events WHERE topic LIKE %s', (like,)
        ).fetchone()
    return int(row[0]) if row and row[0] else 1000


def api(database: str, cfg: dict[str, Any], out: dict[str, Any], step: Any) -> None:
    schema = new_schema(database, "api")
    server = api_writes.Server(database, schema, SCRATCH / "server.log")
    levels = []
    try:
        rss_before = server.rss_kib()
        for i, clients in enumerate((1, 4, 16)):
            step(f"API writes, {clients} clients")
            spy = None
            if clients == 16 and cfg["pyspy"]:
                spy = _spy(server.process.pid, cfg["seconds"])
            cpu = cpu_seconds(server.process.pid)
            level = api_writes.run_level(server.url, clients, cfg["seconds"], 100 * i + 1)
            level["server_cpu_ms_per_command"] = round(
                1000 * (cpu_seconds(server.process.pid) - cpu) / max(1, level["commands"]), 2
            )
            if spy is not None:
                spy.wait()
            levels.append(level)
        rss_after = server.rss_kib()
    finally:
        server.stop()
    out["api_writes"] = {"workers": 1, "levels": levels, "rss_kib_before": rss_before, "rss_kib_after": rss_after}
    out["api_writes"]["event_bytes"] = _avg_state_bytes(database, schema, "%CircumstancesRecorded")
    step("API writes, 16 clients, 2 workers")
    server = api_writes.Server(database, new_schema(database, "api2"), SCRATCH / "server2.log", workers=2)
    try:
        out["api_writes"]["two_workers"] = api_writes.run_level(server.url, 16, cfg["seconds"], 901)
    finally:
        server.stop()
    for workers in (1, 2):  # the same with group commit (docs/scaling.md)
        step(f"API writes, 16 clients, {workers} worker{'s' if workers > 1 else ''}, group commit")
        log = SCRATCH / f"server-group-{workers}.log"
        server = api_writes.Server(
            database, new_schema(database, f"apig{workers}"), log, workers=workers, group_commit=True
        )
        try:
            out["api_writes"][f"group_commit_{workers}"] = api_writes.run_level(
                server.url, 16, cfg["seconds"], 951 + workers
            )
        finally:
            server.stop()


def _spy(pid: int, seconds: float) -> subprocess.Popen[bytes]:
    target = SCRATCH / "profile-api-16.txt"
    command = [_pyspy() or "py-spy", "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "200", "--gil"]
    return subprocess.Popen(
        [*command, "-f", "raw", "-o", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> None:
    cfg = _config()
    SCRATCH.mkdir(exist_ok=True)
    started = time.perf_counter()
    out: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "config": cfg}
    console.print(f"[bold]jiuzhu bench[/] — scale {cfg['scale']}: {cfg['district'] * cfg['copies']:,} households")
    with scratch_database() as database, progress() as bar:
        out["machine"] = _machine(database)
        overall = bar.add_task("benchmarks", total=16)
        detail = bar.add_task("", total=None)

        def step(what: str) -> None:
            bar.update(overall, description=what)
            bar.advance(overall)

        def sub(what: str, done: int, total: int) -> None:
            bar.update(detail, description=what, completed=done, total=total)

        api(database, cfg, out, step)
        step("raw single-row commits")
        schema = new_schema(database, "raw")
        raw.create_table(database, schema)
        row_bytes = out["api_writes"]["event_bytes"]
        out["raw"] = {
            "single_row": [raw.single_row_commits(database, schema, c, cfg["seconds"], row_bytes) for c in (1, 4, 16)]
        }
        step("application writes without HTTP")
        inproc = data.services(database, new_schema(database, "inproc"))
        try:
            out["inprocess"] = {
                "levels": [inprocess.throughput(inproc.casework, t, cfg["seconds"] / 2) for t in (1, 16)],
                "profile": inprocess.profile(inproc.casework, 1000),
            }
        finally:
            data.close(inproc)
        step("roll import")
        out["roll_import"] = _roll_import(database)
        step("simulating the district")
        schema = new_schema(database, "data")
        services = data.services(database, schema)
        try:
            out["district"] = data.generate_district(services, cfg["district"], 20240101, sub)
            step("projection rebuild")
            out["projection"] = data.rebuild(services, sub)
            out["raw"]["read_log"] = raw.read_log(database, schema, "jiuzhu_events")
            step("cloning the views")
            out["views"] = data.clone_views(database, schema, cfg["copies"], sub)
            step("payroll")
            out["payroll"] = data.payroll(services, "2025-01", sub)
            payment_bytes = _avg_state_bytes(database, schema, "%PaymentsIssued") // 500
            batch_schema = new_schema(database, "raw2")
            raw.create_table(database, batch_schema)
            out["raw"]["batched"] = raw.batched(database, batch_schema, out["payroll"]["issued"] or 1, payment_bytes)
            step("reconstruction")
            hid, version = reads.build_long_household(services.casework)
            out["reconstruction"] = reads.reconstruction(services.auditor, hid, 200)
            out["raw"]["household_select"] = raw.query_latency(
                database,
                f'SELECT * FROM "{schema}".jiuzhu_events WHERE originator_id = %s ORDER BY originator_version',
                (hid,),
                200,
            )
        finally:
            data.close(services)
        step("statistics and rolls over HTTP")
        reads_http(database, schema, cfg, out)
        step("national fan-in through NATS JetStream")
        out["national"] = _national(database)
    out["seconds"] = round(time.perf_counter() - started, 1)
    (HERE / "results.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "results.md").write_text(markdown(out, SCRATCH / "profile-api-16.txt"), encoding="utf-8")
    console.print(f"wrote bench/results.json and bench/results.md in {out['seconds']} s")


def _roll_import(database: str) -> dict[str, Any]:
    """Rows a minute of a bureau's roll imported (issue 17's target: at least 10,000), SQLite and PostgreSQL."""
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = roll_import.measure(2000, roll_import.sqlite_env(Path(tmp)), Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        postgres = roll_import.measure(2000, postgres_env(database, new_schema(database, "roll")), Path(tmp))
    return {"sqlite": sqlite, "postgres": postgres}


def _national(database: str) -> dict[str, Any]:
    """Three provinces into the national model (bench/national.py); skipped, with the reason, without NATS."""
    from bench import national

    try:
        return national.measure(database, int(os.environ.get("BENCH_NATIONAL_HOUSEHOLDS", "100")))
    except Exception as e:  # NATS not reachable, most likely: the other figures still count
        return {"skipped": f"{type(e).__name__}: {e}"}


def reads_http(database: str, schema: str, cfg: dict[str, Any], out: dict[str, Any]) -> None:
    server = api_writes.Server(database, schema, SCRATCH / "server-reads.log")
    try:
        rss = server.rss_kib()
        out["statistics"] = reads.statistics(server.url, cfg["stats"])
        out["rolls"] = reads.rolls(server.url, cfg["rolls"], 10)
        out["read_memory"] = {"rss_kib_before": rss, "rss_kib_after": server.rss_kib()}
    finally:
        server.stop()
    periods = f'"{schema}".jiuzhu_view_periods'
    on = "'2024-12-01'"
    out["raw"]["aggregate"] = raw.query_latency(
        database,
        f"SELECT program, count(*), sum(monthly_fen), sum(beneficiaries_count) FROM {periods} WHERE status IN "
        f"('active', 'gradual_exit') AND from_date <= {on} AND (to_date IS NULL OR to_date > {on}) "
        "AND division_code LIKE %s GROUP BY program",
        ("43%",),
        cfg["stats"],
    )
    out["raw"]["roll_copy"] = raw.copy_out(
        database,
        f"SELECT p.household_id, p.division_code, p.area_type, m.person_id, p.monthly_fen, p.status FROM {periods} p "
        f"JOIN \"{schema}\".jiuzhu_view_members m ON m.household_id = p.household_id WHERE p.program = 'dibao' "
        f"AND p.status IN ('active', 'gradual_exit') AND p.from_date <= {on} "
        f"AND (p.to_date IS NULL OR p.to_date > {on})",
        cfg["rolls"],
    )


if __name__ == "__main__":
    main()
