"""The national layer's commands: ``jiuzhu relay`` (per province), ``jiuzhu national`` and its questions.

``register(cli)`` adds them to the main command; the parts are built from the settings when a
command runs (``JIUZHU_PROVINCE``, ``JIUZHU_NATS_URL``, ``JIUZHU_NATIONAL_KEY``, ``JIUZHU_NATIONAL_DSN``, …).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import typer
from rich.console import Console

from api.cli_ops import stop_on_signals
from application.casework import Casework
from application.national.findings import FindingsInbox, FindingsSubjects
from application.national.relay import Relay, RelayConfig
from application.national.service import NationalService, Subjects
from infrastructure.national.bus import JetStreamBus
from infrastructure.national.model import NationalModel
from infrastructure.national.province_store import ProvinceNationalStore
from infrastructure.national.settings import DEV_NATIONAL_KEY, NationalSettings

console = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def _retrying(make: Callable[[], T], stop: threading.Event, what: str) -> T | None:
    """``make()``, again every second while NATS (or a store) does not answer; None once stopped."""
    while not stop.is_set():
        try:
            return make()
        except Exception as e:
            console.print(f"{what}: {type(e).__name__}: {e}; retrying", highlight=False)
            stop.wait(1.0)
    return None


def relay_parts(
    casework: Casework, store: ProvinceNationalStore, bus: JetStreamBus, ns: NationalSettings, *, page_size: int = 200
) -> tuple[Relay, FindingsInbox]:
    """A province's relay and findings inbox (the streams are created if missing)."""
    bus.ensure_stream(ns.national_stream, [ns.national_subject("*")])
    bus.ensure_stream(ns.findings_stream, [ns.findings_subject("*")])
    key = ns.national_key.encode()
    config = RelayConfig(ns.province, ns.store(), ns.national_subject(ns.province), key, page_size)
    subjects = FindingsSubjects(ns.findings_stream, ns.findings_subject(ns.province), f"findings-{ns.province}")
    return Relay(casework, store, bus, config), FindingsInbox(casework, store, bus, subjects, province=ns.province)


def national_parts(bus: JetStreamBus, ns: NationalSettings) -> NationalService:
    """The national service over its store (created if missing) and the national stream."""
    bus.ensure_stream(ns.national_stream, [ns.national_subject("*")])
    bus.ensure_stream(ns.findings_stream, [ns.findings_subject("*")])
    subjects = Subjects(ns.national_stream, ns.national_subject("*"), "national", f"{ns.subject_root}.findings")
    return NationalService(NationalModel(ns.national_dsn, ns.national_schema), bus, subjects)


def relay(
    interval: float = typer.Option(0.5, min=0.01, help="seconds between polls of the event log"),
    page_size: int = typer.Option(200, min=1, help="notifications published before the position is advanced"),
) -> None:
    """Relay this province's enrolment changes to NATS JetStream and take in the nation's findings.

    One relay per province works at a time (a lease in the province's store); start a standby as you
    like. Resumes from the position JetStream last acknowledged. Stops on SIGTERM or Ctrl-C."""
    from api.composition import open_casework
    from api.logs import configure
    from application.national.worker import RelayWorker
    from infrastructure.leases import open_lease
    from infrastructure.national.province_store import open_province_store
    from infrastructure.settings import Settings

    settings, ns = Settings(), NationalSettings()
    configure(settings.log_format)
    if ns.national_key == DEV_NATIONAL_KEY:
        console.print("[bold yellow]JIUZHU_NATIONAL_KEY is the development key: persons' hashes are guessable[/]")
    env = settings.persistence_env()
    casework = open_casework(settings.model_copy(update={"seed_policy": False}), env)
    bus = JetStreamBus(ns.nats_url, ack_wait=ns.nats_ack_wait)
    stop = stop_on_signals()
    try:
        store = open_province_store(casework.recorder)
        parts = _retrying(lambda: relay_parts(casework, store, bus, ns, page_size=page_size), stop, "relay")
        if parts is not None:
            RelayWorker(*parts, open_lease(env, "national-relay"), interval=interval).run(stop)
    finally:
        bus.close()
        casework.close()


def national() -> None:
    """Run the national service: every province's messages into the national model, exactly once each."""
    from api.logs import configure
    from application.national.service import run_national
    from infrastructure.settings import Settings

    configure(Settings().log_format)
    ns = NationalSettings()
    bus = JetStreamBus(ns.nats_url, ack_wait=ns.nats_ack_wait)
    stop = stop_on_signals()
    service = _retrying(lambda: national_parts(bus, ns), stop, "national service")
    try:
        if service is not None:
            run_national(service, stop)
    finally:
        if service is not None:
            service.model.close()
        bus.close()


def national_statistics(month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Print, by province and program, the households, persons and monthly amounts on roll at the month's
    last day, and the month's payments (household-months, person-months, funds), as JSON."""
    from application.months import last_day, parse_month

    ns = NationalSettings()
    model = NationalModel(ns.national_dsn, ns.national_schema, create=False)
    first = parse_month(month, "month")
    try:
        on_roll, paid = model.on_roll(last_day(first)), model.paid(first, last_day(first))
    finally:
        model.close()
    figures = {
        "on_roll": [{**r.__dict__, "amount": str(r.amount)} for r in on_roll],
        "paid": [{**r.__dict__, "funds": str(r.funds)} for r in paid],
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


def national_lookup(
    id_number: str = typer.Option(..., help="the person's ID number (hashed here; only the hash is looked up)"),
    on: str = typer.Option("", help="YYYY-MM-DD (default: today)"),
) -> None:
    """Is this person enrolled anywhere? Periods in force on the date, by province and program (JSON)."""
    from application.national.messages import person_hash

    ns = NationalSettings()
    model = NationalModel(ns.national_dsn, ns.national_schema, create=False)
    try:
        day = date.fromisoformat(on) if on else date.today()
        rows = model.enrolled(person_hash(ns.national_key.encode(), id_number), day)
    finally:
        model.close()
    print(json.dumps([{**r.__dict__, "since": r.since.isoformat()} for r in rows], ensure_ascii=False, indent=2))


def national_serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8090, min=1, max=65535),
) -> None:
    """Serve the national statistics and the enrolment lookup over HTTP (bearer tokens as the provinces')."""
    import uvicorn

    from api.national_http import create_national_app
    from infrastructure.settings import Settings
    from infrastructure.tokens import token_issuer

    settings, ns = Settings(), NationalSettings()
    model = NationalModel(ns.national_dsn, ns.national_schema, create=False)
    app = create_national_app(
        model, token_issuer(settings), ns.national_key.encode(), min_cell=settings.analyst_min_cell
    )
    try:
        uvicorn.run(app, host=host, port=port)
    finally:
        model.close()


def register(cli: typer.Typer) -> None:
    cli.command()(relay)
    cli.command()(national)
    cli.command("national-statistics")(national_statistics)
    cli.command("national-lookup")(national_lookup)
    cli.command("national-serve")(national_serve)
