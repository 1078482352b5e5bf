"""The national fan-in: three provinces relayed through NATS JetStream into the national model.

``python -m bench.national``, and a step of ``make bench``: on a scratch PostgreSQL database and
scratch streams on the NATS at ``JIUZHU_NATS_URL`` (default 127.0.0.1:4222), all removed afterwards.
Generates three districts (``BENCH_NATIONAL_HOUSEHOLDS`` each, default 100), then measures in one run
(1) the raw JetStream publish rate, one message at a time awaiting each ack (how the relay publishes),
and (2) the three relays and the national service running together: notifications and messages a
second from the provinces into the national model, and the lag (messages published, not yet applied)
sampled after every fetch. Prints JSON.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from typing import Any

from api.cli_national import national_parts, relay_parts
from api.composition import SEED_ACTOR
from application.casework import Casework
from application.demo import District
from application.national.relay import Relay
from application.national.service import NationalService
from bench.common import PG, console, new_schema, postgres_env, scratch_database
from infrastructure.national.bus import JetStreamBus
from infrastructure.national.province_store import open_province_store
from infrastructure.national.settings import NationalSettings
from infrastructure.policy_seed import load_seed

PROVINCES = {"43": 1, "34": 2, "11": 3}


def raw_publish(bus: JetStreamBus, ns: NationalSettings, count: int = 3000) -> float:
    """Messages a second, one at a time with its ack, ~700 bytes each, into a scratch stream."""
    stream, subject = f"{ns.stream_prefix}_RAW", f"{ns.subject_root}.raw"
    bus.ensure_stream(stream, [subject])
    payload = b"x" * 700
    started = time.perf_counter()
    for i in range(count):
        bus.publish(subject, payload, f"raw:{i}")
    rate = count / (time.perf_counter() - started)
    bus.delete_stream(stream)
    return rate


def fan_in(relays: list[Relay], service: NationalService, total: int) -> dict[str, Any]:
    """Relays and the national service at once, until every notification is relayed and every message applied."""
    stop = threading.Event()
    lags: list[int] = []
    applying = [0.0]  # seconds inside the national store's apply transactions
    apply = service.model.apply

    def timed_apply(messages: Any) -> Any:
        t = time.perf_counter()
        try:
            return apply(messages)
        finally:
            applying[0] += time.perf_counter() - t

    service.model.apply = timed_apply  # type: ignore[method-assign]
    relayed: dict[int, float] = {}

    def relay(r: Relay) -> None:
        t = time.perf_counter()
        while not stop.is_set() and r.catch_up() > 0:
            pass
        relayed[id(r)] = time.perf_counter() - t

    threads = [threading.Thread(target=relay, args=(r,)) for r in relays]
    started = time.perf_counter()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads) or service.totals.applied < sum(r.published for r in relays):
        service.step(wait=0.05)
        lags.append(sum(r.published for r in relays) - service.totals.applied)
    seconds = time.perf_counter() - started
    stop.set()
    messages = sum(r.published for r in relays)
    return {
        "notifications": total,
        "messages": messages,
        "seconds": round(seconds, 2),
        "notifications_per_second": round(total / seconds),
        "messages_applied_per_second": round(messages / seconds),
        "relays_done_after_seconds": round(max(relayed.values(), default=0.0), 2),
        "national_apply_messages_per_second_in_transaction": round(messages / applying[0]) if applying[0] else None,
        "max_lag_messages": max(lags, default=0),
        "fetches": len(lags),
    }


def measure(database: str, households: int) -> dict[str, Any]:
    """The raw publish rate and the fan-in, on scratch schemas of ``database`` and scratch streams."""
    suffix = uuid.uuid4().hex[:8]
    ns = NationalSettings(
        _env_file=None,  # type: ignore[call-arg]
        nats_url=os.environ.get("JIUZHU_NATS_URL", "nats://127.0.0.1:4222"),
        subject_root=f"bench{suffix}",
        stream_prefix=f"BENCH{suffix}",
        national_dsn=f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        national_schema=f"n_{suffix}",
    )
    bus = JetStreamBus(ns.nats_url)
    apps: list[Casework] = []
    try:
        relays, total = [], 0
        for code, seed in PROVINCES.items():
            app = Casework(env=postgres_env(database, new_schema(database, f"p{code}")))
            app.seed_policy(load_seed(), SEED_ACTOR)
            apps.append(app)
            console.print(f"province {code}: generating {households} households", highlight=False)
            District(app, households=households, seed=seed).run()
            total += app.recorder.max_notification_id() or 0
            pns = ns.model_copy(update={"province": code})
            relays.append(relay_parts(app, open_province_store(app.recorder), bus, pns)[0])
        service = national_parts(bus, ns)
        try:
            raw = round(raw_publish(bus, ns))
            return {
                "households_per_province": households,
                "raw_publish_per_second": raw,
                **fan_in(relays, service, total),
            }
        finally:
            service.model.close()
    finally:
        for app in apps:
            app.close()
        bus.delete_stream(ns.national_stream)
        bus.delete_stream(ns.findings_stream)
        bus.close()


def main() -> None:
    households = int(os.environ.get("BENCH_NATIONAL_HOUSEHOLDS", "100"))
    with scratch_database("jiuzhu_bench_national") as database:
        print(json.dumps(measure(database, households), indent=2))


if __name__ == "__main__":
    main()
