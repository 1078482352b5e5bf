"""bench/results.md from the results: every figure beside the raw-PostgreSQL ceiling of the same run."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROVINCE = 1_000_000
#: Where the API worker's time goes (py-spy, samples holding the GIL): first matching frame wins.
CATEGORIES = (
    ("insert transaction (psycopg, lock, ledger, commit)", "insert_events (eventsourcing/postgres.py"),
    ("encode + encrypt events", "to_stored_event ("),
    ("load household (select, decrypt, decode, replay)", "get_household ("),
    ("command, rules, other application code", "_update ("),
    ("route handler, validation, response model", "_run_sync_endpoint ("),
    ("token verification", "TokenIssuer.verify ("),
)


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.3f}" if a and b else "–"


def pyspy_categories(path: Path) -> dict[str, float] | None:
    """Share of GIL-holding samples per category, from a py-spy raw (collapsed) profile."""
    if not path.exists():
        return None
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        stack, n = line.rsplit(" ", 1)
        label = next((c for c, frame in CATEGORIES if frame in stack), "HTTP server, ASGI middlewares, event loop")
        counts[label] += int(n)
    total = sum(counts.values())
    return {k: round(100 * v / total, 1) for k, v in counts.most_common()} if total else None


def _api(r: dict[str, Any]) -> list[str]:
    raw1 = r["raw"]["single_row"][0]["per_second"]
    lines = [
        "## API write commands over HTTP",
        "",
        f"`jiuzhu serve` (1 uvicorn worker) on PostgreSQL; client threads with httpx, each its own caseworker; "
        f"a registration then nine `PUT …/circumstances` with `If-Match` per household; {r['config']['seconds']:.0f} s "
        f"per level after a 1 s warm-up. Raw: single-row `INSERT` commits of {r['api_writes']['event_bytes']} bytes "
        "(the stored event's size), one connection per client thread.",
        "",
        "| clients | commands/s | p50 ms | p99 ms | raw INSERT commits/s (same clients) | ratio | ratio to raw 1 client"
        " | worker CPU ms/command | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for level, rawl in zip(r["api_writes"]["levels"], r["raw"]["single_row"], strict=True):
        lines.append(
            f"| {level['clients']} | {level['per_second']} | {level['p50_ms']} | {level['p99_ms']} | "
            f"{rawl['per_second']} (p50 {rawl['p50_ms']}, p99 {rawl['p99_ms']} ms) | "
            f"{ratio(level['per_second'], rawl['per_second'])} | {ratio(level['per_second'], raw1)} | "
            f"{level['server_cpu_ms_per_command']} | {level['errors'] or 0} |"
        )
    two, raw16 = r["api_writes"].get("two_workers"), r["raw"]["single_row"][2]["per_second"]
    if two:
        lines.append(
            f"| 16, **2 workers** | {two['per_second']} | {two['p50_ms']} | {two['p99_ms']} | "
            f"{raw16} | {ratio(two['per_second'], raw16)} | {ratio(two['per_second'], raw1)} | – | "
            f"{two['errors'] or 0} |"
        )
    for workers in (1, 2):
        g = r["api_writes"].get(f"group_commit_{workers}")
        if g:
            lines.append(
                f"| 16, {workers} worker{'s' if workers > 1 else ''}, **group commit** | {g['per_second']} | "
                f"{g['p50_ms']} | {g['p99_ms']} | {raw16} | {ratio(g['per_second'], raw16)} | "
                f"{ratio(g['per_second'], raw1)} | – | {g['errors'] or 0} |"
            )
    w = r["api_writes"]
    lines += [
        "",
        f"Worker memory (VmRSS): {w['rss_kib_before'] / 1024:.1f} MiB before the load, "
        f"{w['rss_kib_after'] / 1024:.1f} MiB after it.",
        "",
        "The same commands in process, without HTTP (threads calling `Casework`): "
        + ", ".join(
            f"{x['threads']} thread{'s' if x['threads'] > 1 else ''}: {x['per_second']}/s "
            f"(p50 {x['p50_ms']}, p99 {x['p99_ms']} ms, {ratio(x['per_second'], raw1)} of raw 1 client)"
            for x in r["inprocess"]["levels"]
        )
        + ".",
    ]
    return lines


def _reads(r: dict[str, Any]) -> list[str]:
    raw, p, pr, rc = r["raw"], r["payroll"], r["projection"], r["reconstruction"]
    b = raw["batched"]
    n = r["views"]["households"]
    s, ro = r["statistics"], r["rolls"]
    return [
        "## Payroll, projection, reconstruction, statistics and rolls",
        "",
        "| figure | measured | raw PostgreSQL ceiling (same run) | ratio |",
        "|---|---|---|---|",
        f"| payroll {p['month']}, {n:,} households ({p['payable']:,} payable, {p['counties']} counties) | "
        f"{p['seconds']} s: {p['payments_per_second']:,} payments/s, {p['events_per_second']:,} events/s | "
        f"batched insert of {b['rows']:,} rows of {b['row_bytes']} bytes: executemany "
        f"{b['executemany_rows_per_second']:,} rows/s, COPY {b['copy_rows_per_second']:,} rows/s"
        f" | {ratio(p['payments_per_second'], b['copy_rows_per_second'])} of COPY, "
        f"{ratio(p['payments_per_second'], b['executemany_rows_per_second'])} of executemany |",
        f"| projection: full rebuild of {pr['events']:,} events (cold cache) | {pr['seconds']} s, "
        f"{pr['events_per_second']:,} events/s | reading the log in pages of 500: "
        f"{raw['read_log']['rows_per_second']:,} rows/s | "
        f"{ratio(pr['events_per_second'], raw['read_log']['rows_per_second'])} |",
        *(
            f"| reconstruction `household_at` {k.replace('_', ' ')}, {rc['events']} events (10 years) | "
            f"p50 {rc[k]['p50_ms']} ms, p99 {rc[k]['p99_ms']} ms | select its events: p50 "
            f"{raw['household_select']['p50_ms']} ms, p99 {raw['household_select']['p99_ms']} ms | "
            f"{ratio(rc[k]['p99_ms'], raw['household_select']['p99_ms'])} (p99) |"
            for k in ("as_of", "effective_on", "both")
        ),
        f"| statistics 2024-01..12 over {n:,} households (HTTP, analyst, province) | p50 {s['province']['p50_ms']} ms,"
        f" p99 {s['province']['p99_ms']} ms | one aggregate over the roll: p50 {raw['aggregate']['p50_ms']} ms, "
        f"p99 {raw['aggregate']['p99_ms']} ms | {ratio(s['province']['p99_ms'], raw['aggregate']['p99_ms'])} (p99) |",
        f"| statistics, one district ({r['district']['households']:,} households) | p50 {s['district']['p50_ms']} ms, "
        f"p99 {s['district']['p99_ms']} ms | | |",
        f"| dibao roll CSV, province, analyst ({ro['province_analyst']['bytes'] / 1e6:.1f} MB) | p50 "
        f"{ro['province_analyst']['p50_ms'] / 1000:.2f} s, p99 {ro['province_analyst']['p99_ms'] / 1000:.2f} s | "
        f"`COPY (roll join) TO STDOUT`: p50 {raw['roll_copy']['p50_ms'] / 1000:.2f} s "
        f"({raw['roll_copy']['bytes'] / 1e6:.1f} MB) | "
        f"{ratio(ro['province_analyst']['p50_ms'], raw['roll_copy']['p50_ms'])} |",
        f"| dibao roll CSV, district, approver (names decrypted) | p50 {ro['district_approver']['p50_ms']} ms, p99 "
        f"{ro['district_approver']['p99_ms']} ms | | |",
        "",
        f"Read worker memory (VmRSS): {r['read_memory']['rss_kib_before'] / 1024:.1f} MiB before the reads, "
        f"{r['read_memory']['rss_kib_after'] / 1024:.1f} MiB after them.",
    ]


def targets(r: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(target, measured, how, met) for each of the issue's targets."""
    raw1 = r["raw"]["single_row"][0]["per_second"]
    api16 = r["api_writes"]["levels"][2]
    p, n = r["payroll"], r["views"]["households"]
    payroll_1m = PROVINCE * (p["payable"] / n) / p["payments_per_second"] if p["payments_per_second"] else 0
    stats = r["statistics"]["province"]["p99_ms"]
    return [
        (
            "API writes at 16 clients ≥ 0.5 × raw 1-client INSERT rate",
            f"{api16['per_second']}/s = {ratio(api16['per_second'], raw1)} × {raw1}/s",
            "measured",
            api16["per_second"] >= 0.5 * raw1,
        ),
        ("API writes p99 ≤ 50 ms at 16 clients", f"{api16['p99_ms']} ms", "measured", api16["p99_ms"] <= 50),
        (
            "payroll for 1,000,000 households ≤ 60 s",
            f"{payroll_1m:.0f} s",
            "measured" if n >= PROVINCE else f"extrapolated linearly from {n:,} households",
            payroll_1m <= 60,
        ),
        (
            "reconstruction p99 ≤ 5 ms (10 years)",
            f"{r['reconstruction']['both']['p99_ms']} ms",
            "measured (as_of and effective_on together)",
            r["reconstruction"]["both"]["p99_ms"] <= 5,
        ),
        (
            "statistics p99 ≤ 200 ms over 1,000,000 households",
            f"{stats} ms over {n:,}",
            "measured" if n >= PROVINCE else f"measured at {n:,} households",
            stats <= 200,
        ),
        (
            "projection catch-up ≥ 20,000 events/s",
            f"{r['projection']['events_per_second']:,} events/s",
            "measured (full rebuild)",
            r["projection"]["events_per_second"] >= 20_000,
        ),
    ]


def _national(r: dict[str, Any]) -> list[str]:
    """The fan-in of three provinces into the national model, beside the raw JetStream publish rate."""
    n = r.get("national")
    if not n:
        return []
    if "skipped" in n:
        return ["## National fan-in (NATS JetStream)", "", f"Skipped: {n['skipped']}."]
    return [
        "## National fan-in (NATS JetStream)",
        "",
        f"Three provinces of {n['households_per_province']} households ({n['notifications']:,} notifications, "
        f"{n['messages']:,} national messages) relayed and applied at once (docs/national.md).",
        "",
        "| measured | figure |",
        "|---|---|",
        f"| raw JetStream publish, one at a time awaiting each ack | {n['raw_publish_per_second']:,}/s |",
        f"| relays: notifications read, reduced and published | {n['notifications_per_second']:,}/s |",
        f"| national apply, inside its transactions | {n['national_apply_messages_per_second_in_transaction']:,}/s |",
        f"| fan-in end to end | {n['messages_applied_per_second']:,} messages/s in {n['seconds']} s |",
        f"| lag under that load (published, not applied) | at most {n['max_lag_messages']:,} messages |",
    ]


def _roll_import(r: dict[str, Any]) -> list[str]:
    """A bureau's roll imported (issue 17): a generated workbook, no faults, into an empty encrypted store."""
    ri = r.get("roll_import")
    if not ri:
        return []
    lines = [
        "## Importing a bureau's roll",
        "",
        f"A generated workbook of {ri['sqlite']['households']:,} dibao households ({ri['sqlite']['rows']:,} rows), "
        "read, checked and imported in batches of 200 households (one transaction each); then the same file again.",
        "",
        "| store | dry run rows/min | import rows/min | second run rows/min | imported | target ≥ 10,000 rows/min |",
        "|---|---|---|---|---|---|",
    ]
    for store in ("sqlite", "postgres"):
        x = ri[store]
        met = "yes" if x["import"]["rows_per_minute"] >= 10_000 else "**no**"
        lines.append(
            f"| {store} | {x['dry_run']['rows_per_minute']:,} | {x['import']['rows_per_minute']:,} | "
            f"{x['second_run']['rows_per_minute']:,} | {x['import']['imported']:,} | {met} |"
        )
    return lines


def markdown(r: dict[str, Any], spy_profile: Path | None = None) -> str:
    m, c = r["machine"], r["config"]
    lines = [
        f"# jiuzhu benchmarks — {r['date']}",
        "",
        f"Scale `{c['scale']}`: a district of {r['district']['households']:,} households simulated through the "
        f"application for a year ({r['district']['commands']:,} commands, {r['district']['events']:,} events, "
        f"{r['district']['seconds']} s on PostgreSQL), its views cloned into {r['views']['counties']} counties: "
        f"{r['views']['households']:,} households. {m['cpus']} CPUs, Python {m['python']}, PostgreSQL "
        f"{m['postgres']['server_version']} (synchronous_commit={m['postgres']['synchronous_commit']}, "
        f"fsync={m['postgres']['fsync']}, shared_buffers={m['postgres']['shared_buffers']}); clients, server and "
        f"database share the machine. The whole run took {r['seconds']} s.",
        "",
        "## Targets",
        "",
        "| target | measured | how | met |",
        "|---|---|---|---|",
        *(f"| {t} | {v} | {how} | {'yes' if ok else '**no**'} |" for t, v, how, ok in targets(r)),
        "",
        *_api(r),
        "",
        *_reads(r),
        "",
        *_national(r),
        "",
        *_roll_import(r),
        "",
        *_profile(r, spy_profile),
    ]
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _profile(r: dict[str, Any], spy_profile: Path | None) -> list[str]:
    prof = r["inprocess"]["profile"]
    lines = [
        "## Where a write command's time goes",
        "",
        f"In process, one thread, cProfile ({prof['commands']} commands, {prof['ms_per_command_profiled']} ms each"
        " under the profiler), share of the command's time:",
        "",
        *(f"- {k}: {v}%" for k, v in prof["percent"].items()),
    ]
    spy = pyspy_categories(spy_profile) if spy_profile else None
    if spy:
        lines += [
            "",
            "The API worker at 16 clients (py-spy `record --gil`: samples holding the GIL, by first matching frame):",
            "",
            *(f"- {k}: {v}%" for k, v in spy.items()),
        ]
    return lines
