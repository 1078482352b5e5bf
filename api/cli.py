"""The ``jiuzhu`` command: serve the API, issue local tokens, run payroll, rebuild the views."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

import typer
import uvicorn
from rich.console import Console

from api import cli_import, cli_policy
from domain.values import Role
from infrastructure.settings import DEV_CIPHER_KEY, DEV_SECRET, Settings
from infrastructure.tokens import TokenIssuer

cli = typer.Typer(help="jiuzhu 救助 — social assistance service", no_args_is_help=True)
console = Console(stderr=True, soft_wrap=True)


def _issuer(settings: Settings) -> TokenIssuer:
    return TokenIssuer(secret=settings.token_secret, ttl=timedelta(minutes=settings.token_ttl_minutes))


@cli.command()
def token(
    role: Role = typer.Option(Role.CASEWORKER, help="caseworker, approver, auditor, analyst, admin or agency"),
    jurisdiction: str = typer.Option("430112", help="division-code prefix the token may act in"),
    user: str = typer.Option("dev-caseworker", help="user id"),
) -> None:
    """Print a bearer token signed with the configured secret (for local use)."""
    if role is Role.SYSTEM:
        raise typer.BadParameter("system is the jobs' internal role; no token may carry it", param_hint="--role")
    print(_issuer(Settings()).issue(user, role, jurisdiction))


@cli.command()
def serve(
    host: str | None = None,
    port: int | None = None,
    dev: bool = typer.Option(False, help="print a dev token"),
    workers: int = typer.Option(1, min=1, help="worker processes (N > 1: tables are migrated once, first)"),
    demo_households: int = typer.Option(
        2000, min=0, help="with --dev on an empty store, first generate a demo district this large (0: none)"
    ),
) -> None:
    """Start the HTTP API with the configured database."""
    from api.app import create_app
    from api.composition import build_services
    from api.logs import log_config
    from api.server import HTTP, LOOP, check_keys

    settings = Settings()
    if dev and workers > 1:
        os.environ["JIUZHU_DEV"] = "true"  # the worker processes build their own settings
    elif not dev:
        try:
            check_keys(settings)
        except SystemExit as refusal:
            console.print(f"[bold red]{refusal}[/]", highlight=False)
            raise typer.Exit(2) from None
    host, port = host or settings.host, port or settings.port
    if dev:
        _development(settings, host, port, demo_households)
    if settings.cipher_key == DEV_CIPHER_KEY:
        console.print(
            "[bold red]events are encrypted with the built-in DEVELOPMENT key: anyone can read them. "
            "Set JIUZHU_CIPHER_KEY (`jiuzhu cipher-key` makes one) before storing real people's data.[/]"
        )
    # One line per request from jiuzhu.requests (no query strings, no bodies) instead of uvicorn's access log.
    logs = log_config(settings.log_format)
    if workers > 1:
        from api.cli_ops import prepare_workers
        from api.server import serve_workers

        prepare_workers(settings)  # migrate once here; the workers start with table creation off
        serve_workers(workers, host, port, log_config=logs, access_log=False, **settings.proxy_options())
        return
    app = create_app(lambda: build_services(settings))
    options = {"log_config": logs, "access_log": False, **settings.proxy_options()}
    uvicorn.run(app, host=host, port=port, loop=LOOP, http=HTTP, **options)


def _development(settings: Settings, host: str, port: int, demo_households: int) -> None:
    """Under ``--dev``: where to go, a token per role, and a demo district on an empty store."""
    issuer = _issuer(settings)
    console.print(f"[bold]jiuzhu[/] on {settings.database} — API docs: http://{host}:{port}/docs")
    console.print(f"the desk: http://{host}:{port}/desk/ (under --dev, one click per role signs in)")
    for role, user in ((Role.CASEWORKER, "dev-caseworker"), (Role.APPROVER, "dev-approver"), (Role.ADMIN, "dev-admin")):
        console.print(f"{role.value:>10} token: {issuer.issue(user, role, '430112')}", highlight=False)
    if settings.token_secret == DEV_SECRET:
        console.print("[yellow]using the built-in development secret; set JIUZHU_TOKEN_SECRET in production[/]")
    if demo_households:
        from api.cli_demo import generate, store_is_empty

        if store_is_empty(settings):
            console.print(f"the store is empty: generating a demo district of {demo_households} households")
            generate(settings, households=demo_households, seed=20240101, console=console)


@cli.command()
def demo(
    households: int = typer.Option(2000, min=1, help="how many households the district has"),
    seed: int = typer.Option(20240101, help="the same seed gives the same district"),
) -> None:
    """Generate a synthetic district through the application: a year of applications, decisions,
    reviews, changes, the July standard raise, temporary grants and twelve payrolls."""
    from api.cli_demo import generate

    generate(Settings(), households=households, seed=seed, console=console)


@cli.command()
def secret() -> None:
    """Print a new random secret for JIUZHU_TOKEN_SECRET or JIUZHU_INDEX_KEY (keep it secret)."""
    print(secrets.token_urlsafe(48))


@cli.command("cipher-key")
def cipher_key() -> None:
    """Print a new random AES-256 key for JIUZHU_CIPHER_KEY (keep it secret; losing it loses the data)."""
    from eventsourcing.cryptography import AESCipher

    print(AESCipher.create_key(num_bytes=32))


@cli.command()
def tick(
    on: str = typer.Option(..., "--date", help="YYYY-MM-DD: apply what the calendar decided by this date"),
) -> None:
    """Age children out at 18 and close gradual exits that ran out. Idempotent: run it daily."""
    from datetime import date as date_

    from rich.progress import Progress

    from api.composition import build_services

    services = build_services(Settings())
    try:
        day = date_.fromisoformat(on)
        with Progress(console=console) as progress:
            task = progress.add_task("households", total=None)
            report = services.casework.tick(day, progress=lambda n: progress.advance(task, n))
    finally:
        services.casework.close()
    for hid, eid, what in report.recorded:
        console.print(f"recorded {what} for enrolment {eid} of household {hid}", highlight=False)
    for hid, eid, why in report.skipped:
        console.print(f"[yellow]skipped[/] enrolment {eid} of household {hid}: {why}", highlight=False)
    console.print(f"{report.households} households checked, {len(report.recorded)} changes recorded")


@cli.command()
def payroll(
    month: str = typer.Argument(..., help="the month to pay, YYYY-MM"),
    user: str = typer.Option("dev-approver", help="the approver's user id, recorded on every payroll event"),
    jurisdiction: str = typer.Option("430112", help="division-code prefix whose enrolments are paid"),
    batch_size: int = typer.Option(500, min=1, help="payments saved per event"),
) -> None:
    """Issue the month's payments, in batches, with progress. Idempotent: a second run issues only what is new."""
    from rich.progress import Progress

    from api.composition import build_services
    from application.commands import Meta, RunPayroll
    from application.payroll import Payroll
    from domain.errors import DomainError
    from domain.values import Actor, jurisdiction_prefix

    services = build_services(Settings())
    try:
        actor = Actor(user, Role.APPROVER, jurisdiction_prefix(jurisdiction))
        runner = Payroll(services.casework, services.views, batch_size=batch_size)
        cmd = RunPayroll(meta=Meta(actor=actor, effective_on=runner.month(month)))  # an impossible month: refused now
        with Progress(console=console) as progress:
            task = progress.add_task(f"payroll {month}", total=None)
            report = runner.handle(cmd, lambda done, total: progress.update(task, completed=done, total=total))
    except DomainError as e:
        console.print(f"[red]refused[/] {e.field}: {e.message} ({e.rule})", highlight=False)
        raise typer.Exit(2) from None
    finally:
        services.views.close()
        services.casework.close()
    console.print(
        f"{report.month:%Y-%m}: {report.payable} payable in {jurisdiction}, {report.issued} issued "
        f"({report.issued_amount} yuan) in {report.batches} batches, {report.already_paid} already paid",
        highlight=False,
    )


projections = typer.Typer(help="the read models (views) beside the events", no_args_is_help=True)
cli.add_typer(projections, name="projections")


@projections.command("rebuild")
def projections_rebuild() -> None:
    """Empty the views and project the whole event log again, with progress."""
    _project(rebuild=True)


@projections.command("catch-up")
def projections_catch_up() -> None:
    """Project what was recorded since the views' last position."""
    _project(rebuild=False)


def _project(*, rebuild: bool) -> None:
    from rich.progress import Progress

    from api.composition import build_projector

    casework, views, lease = build_projector(Settings())  # the views. lease: refused while a worker holds it
    try:
        if not lease.acquire():
            console.print("[red]a projection worker (`jiuzhu project`) holds the views' lease: stop it first[/]")
            raise typer.Exit(1)
        with Progress(console=console) as progress:
            task = progress.add_task("rebuilding views" if rebuild else "catching up", total=None)

            def step(position: int, last: int) -> None:
                progress.update(task, completed=position, total=last)

            done = views.rebuild(step) if rebuild else views.catch_up(step)
        position = views.position()
    finally:
        lease.release()
        views.close()
        casework.close()
    console.print(f"{done} notifications projected; the views stand at {position}", highlight=False)


audit = typer.Typer(help="auditor's tools", no_args_is_help=True)
cli.add_typer(audit, name="audit")


@audit.command("verify")
def audit_verify() -> None:
    """Walk the store and name every event changed, removed, reordered or inserted; exit 1 if any."""
    from api.composition import build_services

    services = build_services(Settings())
    try:
        with console.status("verifying the hash chains…"):
            report = services.auditor.verify()
    finally:
        services.casework.close()
    for f in report.findings:
        console.print(f"[red]{f.kind:>14}[/] {f.originator_id} v{f.originator_version}: {f.detail}", highlight=False)
    console.print(
        f"{report.events_checked} events in {report.aggregates_checked} aggregates checked in "
        f"{report.seconds:.3f}s ({report.events_per_second:,.0f} events/s): "
        + ("[green]untampered[/]" if report.ok else f"[red]{len(report.findings)} findings[/]"),
        highlight=False,
    )
    raise typer.Exit(0 if report.ok else 1)


def main() -> None:
    cli()


def _register_operations() -> None:
    from api.cli_ops import register  # migrate, project, export, import

    register(cli)


def _register_national() -> None:
    from api.cli_national import register  # relay, national, national-statistics, national-lookup

    register(cli)


_register_operations()
_register_national()
cli_import.register(cli)  # import-roll: a bureau's Excel roll
cli_policy.register(cli)  # policy load, policy readiness: a jurisdiction's parameters
