"""The ``jiuzhu`` command: serve the API, issue local tokens."""

from __future__ import annotations

from datetime import timedelta

import typer
import uvicorn
from rich.console import Console

from domain.values import Role
from infrastructure.settings import DEV_SECRET, Settings
from infrastructure.tokens import TokenIssuer

cli = typer.Typer(help="jiuzhu 救助 — social assistance service", no_args_is_help=True)
console = Console(stderr=True, soft_wrap=True)


def _issuer(settings: Settings) -> TokenIssuer:
    return TokenIssuer(secret=settings.token_secret, ttl=timedelta(minutes=settings.token_ttl_minutes))


@cli.command()
def token(
    role: Role = typer.Option(Role.CASEWORKER, help="caseworker, approver, auditor, analyst or admin"),
    jurisdiction: str = typer.Option("430112", help="division-code prefix the token may act in"),
    user: str = typer.Option("dev-caseworker", help="user id"),
) -> None:
    """Print a bearer token signed with the configured secret (for local use)."""
    print(_issuer(Settings()).issue(user, role, jurisdiction))


@cli.command()
def serve(
    host: str | None = None, port: int | None = None, dev: bool = typer.Option(False, help="print a dev token")
) -> None:
    """Start the HTTP API with the configured database."""
    from api.app import create_app
    from api.composition import build_services

    settings = Settings()
    host, port = host or settings.host, port or settings.port
    if dev:
        issuer = _issuer(settings)
        console.print(f"[bold]jiuzhu[/] on {settings.database} — API docs: http://{host}:{port}/docs")
        for role, user in (
            (Role.CASEWORKER, "dev-caseworker"),
            (Role.APPROVER, "dev-approver"),
            (Role.ADMIN, "dev-admin"),
        ):
            console.print(f"{role.value:>10} token: {issuer.issue(user, role, '430112')}", highlight=False)
        if settings.token_secret == DEV_SECRET:
            console.print("[yellow]using the built-in development secret; set JIUZHU_TOKEN_SECRET in production[/]")
    app = create_app(lambda: build_services(settings))
    uvicorn.run(app, host=host, port=port, log_level="info")


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
