"""Three provinces, their relays and the national service on loopback (PostgreSQL and NATS JetStream).

National figures must equal the sum of the provinces' own §7 figures to the yuan and the person; a
person planted on dibao in two provinces must yield exactly one finding in each; nothing personal
crosses; every message is applied once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import cli
from api.composition import build_services
from application.national.findings import finding_items, resolve_finding
from application.national.messages import person_hash
from application.national.worker import RelayWorker
from application.views.reports import Reports
from domain.errors import TransitionForbidden
from domain.national_finding import CrossProvinceFinding, finding_aggregate_id
from domain.values import Actor, Role
from infrastructure.leases import open_lease
from infrastructure.national.bus import JetStreamBus
from infrastructure.national.settings import NationalSettings
from infrastructure.settings import Settings
from tests.conftest import _postgres_env
from tests.national.provinces import Province, drain, national, plant_on_dibao, province
from tests.support import CASEWORKER as CW
from tests.support import fixed_clock, id_number

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

MONTH = "2024-12"
YEAR = ("2024-01", "2024-12")
PERSONAL = Actor("ap-province", Role.APPROVER, "43")
PROVINCES = {"43": 11, "34": 12, "11": 13}  # province → the seed of its generated district
HOUSEHOLDS = 20


@pytest.fixture
def provinces(postgres_database: str, national_settings: NationalSettings) -> Iterator[dict[str, Province]]:
    made: dict[str, Province] = {}
    try:
        for code, seed in PROVINCES.items():
            env = _postgres_env(postgres_database)
            made[code] = province(code, env, national_settings, households=HOUSEHOLDS, seed=seed)
        yield made
    finally:
        for p in made.values():
            p.close()


def national_figures(rows: list[Any]) -> dict[tuple[str, str], tuple[int, int, Decimal]]:
    return {(r.province, r.program): (r.households, r.persons, r.amount) for r in rows}


def provincial_figures(provinces: dict[str, Province]) -> dict[tuple[str, str], tuple[int, int, Decimal]]:
    return {(code, program): f for code, p in provinces.items() for program, f in p.on_roll(MONTH).items()}


def provincial_payments(provinces: dict[str, Province]) -> dict[tuple[str, str], tuple[int, int, Decimal]]:
    """Each province's §7 payments by program for the whole year: 户次, 人次, funds."""
    out = {}
    for code, p in provinces.items():
        figures = Reports(p.views, fixed_clock).statistics(YEAR[0], YEAR[1], None, PERSONAL)["payments_by_program"]
        for program, f in figures.items():
            out[(code, program)] = (f["household_months"], f["person_months"], Decimal(f["funds"]))
    return out


def test_national_figures_are_the_sum_of_the_provinces_and_a_duplicate_is_found_once_in_each(
    provinces: dict[str, Province], bus: JetStreamBus, national_settings: NationalSettings
) -> None:
    twice = id_number(date(1961, 4, 2), "340102")
    plant_on_dibao(provinces["43"].app, twice, applied_on=date(2024, 3, 4), approved_on=date(2024, 3, 20))
    plant_on_dibao(provinces["34"].app, twice, applied_on=date(2024, 5, 6), approved_on=date(2024, 5, 22))
    relays = [p.relay(bus) for p in provinces.values()]
    service = national(bus, national_settings)
    try:
        drain(service, relays)
        ours = provincial_figures(provinces)
        theirs = national_figures(service.statistics(date(2024, 12, 31)))
        assert ours
        assert theirs == ours
        paid_here = provincial_payments(provinces)
        paid_there = {
            (r.province, r.program): (r.household_months, r.person_months, r.funds)
            for r in service.paid(date(2024, 1, 1), date(2024, 12, 31))
        }
        assert paid_here
        assert paid_there == paid_here
        total_persons = sum(f[1] for f in ours.values())
        total_amount = sum((f[2] for f in ours.values()), Decimal("0"))
        funds = sum((f[2] for f in paid_here.values()), Decimal("0"))
        print(f"\non roll 2024-12: {total_persons} persons, {total_amount} yuan a month in {len(ours)} cells")
        print(f"paid 2024: {funds} yuan, {sum(f[1] for f in paid_here.values())} person-months")

        # every message applied once, nothing skipped in a clean run
        published = sum(relay.published for relay, _ in relays)
        assert service.model.counts()["applied"] == published == service.totals.applied
        assert service.totals.skipped == 0

        # the planted person: exactly one finding in 43 and one in 34, none in 11
        hashed = person_hash(national_settings.national_key.encode(), twice)
        for code in ("43", "34"):
            items = [f for f in provinces[code].store.findings() if f.person_hash == hashed]
            assert len(items) == 1, code
        # benefits from the first of the month after each approval
        assert [i.detail for i in finding_items(provinces["43"].store)] == [
            "enrolled in dibao in province 34 since 2024-06-01"
        ]
        assert [i.detail for i in finding_items(provinces["34"].store)] == [
            "enrolled in dibao in province 43 since 2024-04-01"
        ]
        assert provinces["11"].store.findings() == []

        # each finding is an event of the province's own store, with both clocks, and a caseworker resolves it
        (finding,) = provinces["43"].store.findings()
        recorded = provinces["43"].app.repository.get(finding_aggregate_id(finding.finding_id))
        assert isinstance(recorded, CrossProvinceFinding)
        assert (recorded.other_province, recorded.found_at) == ("34", finding.found_at)
        assert provinces["43"].app.ledger.select_ledger(recorded.id)[0].recorded_at is not None
        assert [r for _, inbox in relays for r in [inbox.received]] == [1, 1, 0]
        p43 = provinces["43"]
        resolve_through_the_api(p43, finding.finding_id)
        assert finding_items(p43.store) == []
        assert p43.app.repository.get(recorded.id).resolved == ("terminated_here", date(2024, 12, 1))
        with pytest.raises(TransitionForbidden):  # resolved once
            resolve_finding(
                p43.app, p43.store, finding.finding_id, "terminated_here", "再次", on=date(2024, 12, 2), actor=CW
            )

        # the same figures and lookup on the command line
        env = {
            "JIUZHU_NATIONAL_DSN": national_settings.national_dsn,
            "JIUZHU_NATIONAL_SCHEMA": national_settings.national_schema,
        }
        result = CliRunner().invoke(cli, ["national-statistics", "--month", MONTH], env=env)
        assert result.exit_code == 0, result.output
        printed = json.loads(result.stdout)["on_roll"]
        assert {
            (r["province"], r["program"]): (r["households"], r["persons"], Decimal(r["amount"])) for r in printed
        } == ours
        result = CliRunner().invoke(cli, ["national-lookup", "--id-number", twice, "--on", "2024-06-01"], env=env)
        assert result.exit_code == 0, result.output
        assert sorted(r["province"] for r in json.loads(result.stdout)) == ["34", "43"]

        # the lookup: enrolled in two provinces on 2024-06-01
        where = service.model.enrolled(hashed, date(2024, 6, 1))
        assert sorted((e.province, e.program, e.status) for e in where) == [
            ("34", "dibao", "active"),
            ("43", "dibao", "active"),
        ]
    finally:
        service.model.close()


def test_messages_carry_no_names_or_id_numbers(
    one: Province, bus: JetStreamBus, national_settings: NationalSettings
) -> None:
    p = one
    relay, _ = p.relay(bus)
    relay.catch_up()
    assert relay.published > 0
    sent = bus.fetch(national_settings.national_stream, national_settings.national_subject("11"), "peek", 1000, 1.0)
    text = b"".join(d.data for d in sent).decode()
    members = [m for hid in p.app.household_ids() for m in p.app.get_household(hid).members.values()]
    assert members
    for m in members:
        assert m.id_number.value not in text
        assert m.name not in text
    origin = {"v", "kind", "province", "store", "notification_id"}
    kinds = {"household": {"household", "county", "area_type", "enrolments"}, "payments": {"payments"}}
    for d in sent:
        message = json.loads(d.data)
        assert set(message) == origin | kinds[message["kind"]]


class CrashBeforeAck:
    """A bus whose process "dies" after the national store committed and before the ack reached NATS."""

    def __init__(self, bus: JetStreamBus):
        self.bus = bus

    def fetch(self, *args: Any) -> Any:
        return self.bus.fetch(*args)

    def publish(self, *args: Any) -> Any:
        return self.bus.publish(*args)

    def ack(self, deliveries: Any) -> None:
        raise ConnectionError("killed before the ack")


def test_a_batch_delivered_again_after_a_crash_before_the_ack_is_skipped(
    one: Province, bus: JetStreamBus, national_settings: NationalSettings
) -> None:
    relay, _ = one.relay(bus)
    relay.catch_up()
    crashing = national(bus, national_settings)
    crashing.bus = CrashBeforeAck(bus)
    with pytest.raises(ConnectionError):
        crashing.step(wait=1.0)
    applied = crashing.totals.applied
    assert applied > 0
    restarted = national(bus, national_settings)  # ack_wait is 2 s: the unacknowledged batch comes again
    try:
        deadline = time.monotonic() + 10
        while restarted.totals.skipped < applied and time.monotonic() < deadline:
            restarted.step(wait=0.5)
        assert restarted.totals.skipped == applied
        assert restarted.totals.applied == 0
        assert restarted.model.counts()["applied"] == applied == relay.published
    finally:
        crashing.model.close()
        restarted.model.close()


def test_one_relay_per_province_works_at_a_time(postgres_database: str, one: Province, bus: JetStreamBus) -> None:
    env = {k: v for k, v in one.app.env.items() if k.startswith("POSTGRES_")} | {"POSTGRES_DBNAME": postgres_database}
    workers = [RelayWorker(*one.relay(bus), open_lease(env, "national-relay"), interval=0.05) for _ in range(2)]
    stop = threading.Event()
    try:
        for w in workers:
            w.step(stop)
        assert [w.leading for w in workers] == [True, False]
        assert workers[0].relay.published > 0
        assert workers[1].relay.published == 0
        workers[0].lease.release()  # the leader dies: the standby takes over from the position recorded
        workers[0].leading = False
        workers[1].step(stop)
        assert workers[1].leading
        assert workers[1].relay.published == 0  # nothing left to send
    finally:
        for w in workers:
            w.lease.release()


def test_an_unreadable_message_is_logged_and_passed_over(
    one: Province, bus: JetStreamBus, national_settings: NationalSettings
) -> None:
    service = national(bus, national_settings)
    try:
        bus.publish(national_settings.national_subject("11"), b"{not json", "garbage:1")
        bus.publish(national_settings.national_subject("11"), b'{"v": 1, "kind": "household"}', "garbage:2")
        relay, _ = one.relay(bus)
        relay.catch_up()
        while service.step(wait=0.3):
            pass
        assert service.totals.unreadable == 2
        assert service.totals.applied == relay.published
    finally:
        service.model.close()


def resolve_through_the_api(p: Province, finding_id: str) -> None:
    """The finding is a line of the province's worklist over HTTP, and a caseworker resolves it there;
    a caseworker of another district neither sees nor resolves it."""
    env = p.app.env
    settings = Settings(  # type: ignore[call-arg]
        database="postgres",
        postgres_dsn=f"postgresql://{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}",
        postgres_schema=env["POSTGRES_SCHEMA"],
        token_secret="national-test-secret-at-least-32-bytes",
        _env_file=None,
    )
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as client:
        tokens = client.app.state.services.tokens  # type: ignore[attr-defined]
        ours = {"Authorization": f"Bearer {tokens.issue('cw-43', Role.CASEWORKER, '430112')}"}
        theirs = {"Authorization": f"Bearer {tokens.issue('cw-other', Role.CASEWORKER, '430199')}"}
        items = client.get("/api/v1/worklist", headers=ours).json()["items"]
        found = [i for i in items if i["kind"] == "cross_province_duplicate"]
        assert [(i["finding_id"], i["detail"]) for i in found] == [
            (finding_id, "enrolled in dibao in province 34 since 2024-06-01")
        ]
        other = client.get("/api/v1/worklist", headers=theirs).json()["items"]
        assert [i for i in other if i["kind"] == "cross_province_duplicate"] == []
        url = f"/api/v1/national-findings/{finding_id}/resolution"
        body = {"effective_on": "2024-12-01", "outcome": "terminated_here", "note": "迁出"}
        refused = client.post(url, json={**body, "outcome": "ignored"}, headers=ours)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "outcome"
        assert client.post(url, json=body, headers=theirs).status_code == 404
        done = client.post(url, json=body, headers=ours)
        assert done.status_code == 200, done.text
        assert done.json() == {"finding_id": finding_id, "outcome": "terminated_here", "resolved_on": "2024-12-01"}
        again = client.post(url, json=body, headers=ours)
        assert again.status_code == 409
        assert again.json()["errors"][0]["rule"] == "finding-open"
        items = client.get("/api/v1/worklist", headers=ours).json()["items"]
        assert [i for i in items if i["kind"] == "cross_province_duplicate"] == []
