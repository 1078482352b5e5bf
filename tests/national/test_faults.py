"""Faults on loopback, with real processes: a relay SIGKILLed mid-stream and restarted, the national
service SIGKILLed and restarted, and the NATS server (a private one, its JetStream store kept) killed for
a while and started again — after all of them the national figures equal the sum of the provinces', no
message was applied twice (messages applied = messages in the stream, each (store, notification) once),
and the duplicate planted meanwhile is found once in each province.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.composition import open_casework
from infrastructure.national.bus import JetStreamBus
from infrastructure.national.model import NationalModel
from infrastructure.national.settings import NationalSettings
from infrastructure.settings import Settings
from tests.conftest import PG, _postgres_env
from tests.national.processes import Command, NatsServer, wait_until
from tests.national.provinces import Province, plant_on_dibao, province
from tests.national.test_national import national_figures, provincial_figures, provincial_payments
from tests.support import fixed_clock, id_number

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

SIZES = {"43": (60, 21), "34": (15, 22), "11": (15, 23)}  # province → households, seed
YEAR = (date(2024, 1, 1), date(2024, 12, 31))
NATS_DOWN_SECONDS = float(os.environ.get("JIUZHU_TEST_NATS_DOWN_SECONDS", "10"))


@pytest.fixture
def nats_server(tmp_path: Path, nats_url: str) -> Iterator[NatsServer]:
    """A private nats-server (the shared one is never stopped), killed at the end."""
    try:
        server = NatsServer(tmp_path / "nats")
    except FileNotFoundError as e:
        if os.environ.get("REQUIRE_NATS") == "1":
            pytest.fail(f"REQUIRE_NATS=1 but {e}")
        pytest.skip(str(e))
    server.directory.mkdir()
    server.start()
    yield server
    server.kill()


def _settings(database: str, schema: str) -> Settings:
    dsn = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}"
    return Settings(_env_file=None, database="postgres", postgres_dsn=dsn, postgres_schema=schema, seed_policy=True)  # type: ignore[call-arg]


def _environment(settings: Settings, ns: NationalSettings) -> dict[str, str]:
    return {
        "JIUZHU_DATABASE": "postgres",
        "JIUZHU_POSTGRES_DSN": settings.postgres_dsn,
        "JIUZHU_POSTGRES_SCHEMA": settings.postgres_schema,
        "JIUZHU_SEED_POLICY": "false",
        "JIUZHU_PROVINCE": ns.province,
        "JIUZHU_STORE_ID": ns.store(),
        "JIUZHU_NATS_URL": ns.nats_url,
        "JIUZHU_NATS_ACK_WAIT": "2",
        "JIUZHU_SUBJECT_ROOT": ns.subject_root,
        "JIUZHU_STREAM_PREFIX": ns.stream_prefix,
        "JIUZHU_NATIONAL_DSN": ns.national_dsn,
        "JIUZHU_NATIONAL_SCHEMA": ns.national_schema,
    }


@pytest.fixture
def provinces(
    postgres_database: str, national_settings: NationalSettings, nats_server: NatsServer
) -> Iterator[dict[str, tuple[Province, dict[str, str]]]]:
    ns = national_settings.model_copy(update={"nats_url": nats_server.url})
    made: dict[str, tuple[Province, dict[str, str]]] = {}
    try:
        for code, (households, seed) in SIZES.items():
            schema = _postgres_env(postgres_database)["POSTGRES_SCHEMA"]
            settings = _settings(postgres_database, schema)
            app = open_casework(settings, settings.persistence_env(), fixed_clock)
            p = province(code, {}, ns, households=households, seed=seed, app=app)
            made[code] = (p, _environment(settings, p.settings))
        yield made
    finally:
        for p, _ in made.values():
            p.close()


def test_relay_national_service_and_nats_killed_and_restarted(
    provinces: dict[str, tuple[Province, dict[str, str]]], nats_server: NatsServer, tmp_path: Path
) -> None:
    started = time.monotonic()
    p43, env43 = provinces["43"]
    ns = p43.settings
    national_env = {**env43, "JIUZHU_PROVINCE": "00"}
    model = NationalModel(ns.national_dsn, ns.national_schema)
    national = Command(["national"], national_env, tmp_path / "national.log").start()
    relays = {
        code: Command(["relay", "--page-size", "25", "--interval", "0.1"], env, tmp_path / f"relay-{code}.log").start()
        for code, (_, env) in provinces.items()
    }
    try:
        # a relay killed mid-stream, and the national service killed while it applies
        wait_until(lambda: 0 < p43.store.position(ns.store()) < _head(p43), 20, "relay 43 to be mid-stream")
        relays["43"].kill()
        killed_at = p43.store.position(ns.store())
        wait_until(lambda: model.counts()["applied"] > 0, 20, "the national service to apply something")
        national.kill()
        relays["43"].start()
        national.start()

        # NATS away while the provinces keep working: a person is put on dibao in two provinces meanwhile
        nats_server.kill()
        twice = id_number(date(1958, 9, 9), "110101")
        plant_on_dibao(p43.app, twice, applied_on=date(2024, 3, 4), approved_on=date(2024, 3, 20))
        plant_on_dibao(provinces["11"][0].app, twice, applied_on=date(2024, 8, 5), approved_on=date(2024, 8, 21))
        time.sleep(NATS_DOWN_SECONDS)
        nats_server.start()

        wait_until(lambda: _settled(provinces, model, nats_server.url, ns), 40, "the national layer to settle", 0.5)
        counts = _counts(provinces, model, nats_server.url, ns)
        # every message in the stream applied once; the stream holds no message twice (a second copy of a
        # (store, notification) would have been skipped, leaving applied below in_stream); the relays' own count
        # of new messages misses only those whose ack a kill or the outage swallowed (re-sent: duplicates)
        assert counts["applied"] == counts["in_stream"]
        assert counts["published_new"] <= counts["in_stream"]
        ours = provincial_figures({c: p for c, (p, _) in provinces.items()})
        theirs = national_figures(model.on_roll(date(2024, 12, 31)))
        assert theirs == ours
        paid = {(r.province, r.program): (r.household_months, r.person_months, r.funds) for r in model.paid(*YEAR)}
        assert paid == provincial_payments({c: p for c, (p, _) in provinces.items()})
        assert [i.other_province for i in p43.store.findings()] == ["11"]
        assert [i.other_province for i in provinces["11"][0].store.findings()] == ["43"]
        assert provinces["34"][0].store.findings() == []
        skipped = _logged(tmp_path / "national.log", "skipped")
        print(
            f"\nfaults: relay 43 killed at position {killed_at} of {_head(p43)}; NATS down {NATS_DOWN_SECONDS}s; "
            f"{counts}; re-deliveries skipped {skipped}; settled {time.monotonic() - started:.1f}s after the start"
        )
    finally:
        for command in (*relays.values(), national):
            command.stop()
        model.close()


def _logged(path: Path, field: str) -> int:
    """The sum of a field over the JSON log lines of a process (other lines ignored)."""
    total = 0
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            total += int(json.loads(line).get(field, 0))
    return total


def _head(p: Province) -> int:
    return p.app.recorder.max_notification_id() or 0


def _counts(provinces: dict[str, Any], model: NationalModel, url: str, ns: NationalSettings) -> dict[str, int]:
    bus = JetStreamBus(url)
    try:
        in_stream = bus.stream_messages(ns.national_stream)
    finally:
        bus.close()
    published = 0
    for p, _ in provinces.values():
        with p.store.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COALESCE(SUM(published), 0) AS n FROM {p.store.t('jiuzhu_national_relay')}")
            row = c.fetchone()
            published += int(row["n"]) if row else 0
    return {"applied": model.counts()["applied"], "in_stream": in_stream, "published_new": published}


def _settled(provinces: dict[str, Any], model: NationalModel, url: str, ns: NationalSettings) -> bool:
    try:
        if any(p.store.position(p.settings.store()) < _head(p) for p, _ in provinces.values()):
            return False
        counts = _counts(provinces, model, url, ns)
        found = len(provinces["43"][0].store.findings()) + len(provinces["11"][0].store.findings())
    except Exception:
        return False  # NATS still coming back
    return counts["applied"] == counts["in_stream"] and found == 2
