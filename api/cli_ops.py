"""Operations commands of ``jiuzhu``: migrate, project, follow, export, import (docs/operations.md).

``register(cli)`` adds them to the main command; each builds what it needs from the settings when
it runs, never at import time.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import typer
from rich.console import Console

from domain.values import Program
from infrastructure.settings import Settings

console = Console(stderr=True, soft_wrap=True)


class _Closable(Protocol):
    def close(self) -> None: ...


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or Ctrl-C: how every long-running command learns to stop."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def run_until_signalled(run: Callable[[threading.Event], None], *used: _Closable) -> None:
    """Run a worker until SIGTERM or Ctrl-C, then close what it used, in the order given."""
    stop = stop_on_signals()
    try:
        run(stop)
    finally:
        for resource in used:
            resource.close()


def migrate() -> None:
    """Create or upgrade every table once (events, ledger, access log, views, tracking, idempotency keys)."""
    from api.composition import migrate as run_migration
    from infrastructure.migrations import HISTORY

    settings = Settings()
    version = run_migration(settings)
    console.print(f"schema at version {version} on {settings.database}: {HISTORY.get(version, '')}", highlight=False)


def project(
    interval: float = typer.Option(0.5, min=0.01, help="seconds between polls of the event log"),
    page_size: int = typer.Option(500, min=1, help="notifications projected per transaction"),
    throttle: float = typer.Option(0.0, min=0.0, help="seconds to pause between pages (spares the database)"),
) -> None:
    """Run a projection worker: keep the views caught up while holding their lease; stand by otherwise.

    Start as many as you like (start them with JIUZHU_CREATE_TABLES=false after `jiuzhu migrate`);
    one projects at a time and a standby takes over when it dies. Stops on SIGTERM or Ctrl-C."""
    from api.composition import build_projector
    from api.logs import configure
    from application.views.worker import ProjectionWorker

    settings = Settings()
    configure(settings.log_format)
    casework, views, lease = build_projector(settings, page_size=page_size)
    views.throttle = throttle
    run_until_signalled(ProjectionWorker(views, lease, interval=interval).run, views, casework)


def follow(
    interval: float = typer.Option(1.0, min=0.01, help="seconds between polls of the event log"),
) -> None:
    """Run a follower worker: re-price enrolments after each new parameter value, and raise "may qualify"
    notices after each fact, exactly once, while holding the followers' lease; stand by otherwise
    (docs/architecture.md, "Followers").

    The API re-prices inline too; this worker finishes a value whose request died before re-pricing and
    serves values recorded elsewhere. Start as many as you like; one follows at a time."""
    from api.composition import build_follower
    from api.logs import configure
    from application.followers import follower_worker

    settings = Settings()
    configure(settings.log_format)
    casework, followers, lease = build_follower(settings)
    followers.start_at_end()
    run_until_signalled(follower_worker(followers, lease, interval=interval).run, casework)


def export(path: Path = typer.Argument(..., help="the backup file to write, e.g. jiuzhu-2025-06-01.jsonl.gz")) -> None:
    """Write every stored event (encrypted, as stored), its ledger row and the access log to a gzip JSON-lines file."""
    from rich.progress import Progress

    from api.composition import open_casework
    from infrastructure.backup import export_store
    from infrastructure.migrations import SCHEMA_VERSION, read_version

    settings = Settings()
    casework = open_casework(settings.model_copy(update={"seed_policy": False}), settings.persistence_env())
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("exporting events", total=casework.recorder.max_notification_id() or 0)
            report = export_store(
                casework.recorder,
                path,
                cipher_key=settings.cipher_key,
                schema_version=read_version(casework.recorder) or SCHEMA_VERSION,
                progress=lambda n: progress.update(task, completed=n),
            )
    finally:
        casework.close()
    console.print(
        f"{report.events} events (to notification {report.last_notification_id}), {report.ledger} orphan ledger "
        f"rows and {report.access} access-log rows written to {path}",
        highlight=False,
    )


def import_(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="a backup (`jiuzhu export`) or a roll (.xlsx)"),
    rebuild: bool = typer.Option(True, help="rebuild the views from the imported events"),
    program: Program = typer.Option(Program.DIBAO, help="a roll: the program it is of"),
    division: str | None = typer.Option(None, help="a roll: the district whose roll it is"),
    as_of: str | None = typer.Option(None, "--as-of", help="a roll: YYYY-MM-DD, the date it is true on"),
    mapping: Path | None = typer.Option(None, exists=True, dir_okay=False, help="a roll: YAML field → heading"),
    dry_run: bool = typer.Option(False, "--dry-run", help="a roll: check and report only; record nothing"),
    roll_report: Path | None = typer.Option(None, "--report", help="a roll: write the validation report (.xlsx) here"),
) -> None:
    """Load a backup into an empty, migrated store (same cipher key), then verify it and rebuild the views;
    or, given a workbook (.xlsx, or --division), import a bureau's roll exactly as `jiuzhu import-roll`."""
    if path.suffix.lower() == ".xlsx" or division is not None:
        from api.cli_import import import_roll

        if division is None or as_of is None:
            console.print("[red]refused[/] importing a roll needs --division and --as-of", highlight=False)
            raise typer.Exit(2)
        import_roll(path, program, division, as_of, mapping, None, dry_run, roll_report, "dev-admin", 200)
        return
    from api.composition import open_casework
    from application.audit import Auditor
    from application.views.projection import Views
    from infrastructure.backup import BackupRefused, import_store

    settings = Settings()
    casework = open_casework(settings.model_copy(update={"seed_policy": False}), settings.persistence_env())
    views = Views(casework)
    try:
        report = import_store(casework.recorder, path, cipher_key=settings.cipher_key)
        console.print(
            f"{report.events} events, {report.ledger} orphan ledger rows, {report.access} access rows imported"
        )
        verification = Auditor(casework).verify()
        state = "[green]untampered[/]" if verification.ok else f"[red]{len(verification.findings)} findings[/]"
        console.print(f"verification: {verification.events_checked} events checked, {state}", highlight=False)
        if rebuild:
            console.print(f"views rebuilt: {views.rebuild()} notifications projected", highlight=False)
    except BackupRefused as e:
        console.print(f"[red]refused[/] {e}", highlight=False)
        raise typer.Exit(2) from None
    finally:
        views.close()
        casework.close()
    raise typer.Exit(0 if verification.ok else 1)


def prepare_workers(settings: Settings) -> None:
    """Before ``serve --workers N`` forks: migrate once, start the workers with table creation off, and let
    them share their metrics through files (``PROMETHEUS_MULTIPROC_DIR``)."""
    import os
    import tempfile

    if settings.create_tables:
        from api.composition import migrate as run_migration

        run_migration(settings)
        os.environ["JIUZHU_CREATE_TABLES"] = "false"
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jiuzhu-metrics-")


def register(cli: typer.Typer) -> None:
    cli.command()(migrate)
    cli.command()(project)
    cli.command()(follow)
    cli.command()(export)
    cli.command("import")(import_)
