"""``jiuzhu import-roll``: bring a bureau's existing Excel roll in, with a validation report.

(``jiuzhu import`` restores a backup; a roll is a different thing and has its own command.)
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
import yaml
from rich.console import Console
from rich.progress import Progress

from domain.errors import DomainError
from domain.values import Actor, Program, Role, jurisdiction_prefix
from infrastructure.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from application.casework import Casework
    from application.roll_import import Outcome, RollRequest
    from application.roll_validation import Plan
    from infrastructure.workbook import Sheet

console = Console(stderr=True, soft_wrap=True)


def import_roll(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="the roll, an .xlsx workbook"),
    program: Program = typer.Option(Program.DIBAO, help="the program the roll is of (dibao)"),
    division: str = typer.Option(..., help="the district (or prefix) whose roll it is; every row must lie in it"),
    as_of: str = typer.Option(..., "--as-of", help="YYYY-MM-DD: the date the roll is true on"),
    mapping: Path | None = typer.Option(None, exists=True, dir_okay=False, help="YAML: field → the roll's heading"),
    sheet: str | None = typer.Option(None, help="the sheet to read (default: the first)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check and report only; record nothing"),
    report: Path | None = typer.Option(None, help="write the validation report (.xlsx) here"),
    user: str = typer.Option("dev-admin", help="who imports, recorded on every event"),
    batch_size: int = typer.Option(200, min=1, help="households saved per transaction"),
) -> None:
    """Import a roll: each valid household registered with an enrolment marked as migrated; re-running
    the same file records nothing twice; the report names every problem in Chinese and English."""
    from api.composition import build_services
    from application.roll_import import RollRequest
    from application.roll_report import counts, report_rows
    from infrastructure.workbook import file_hash, read_sheet, write_table

    try:
        on, actor = date.fromisoformat(as_of), _actor(user, division)
        request = RollRequest(Program(program), jurisdiction_prefix(division), on, actor, dry_run, batch_size)
        fields = yaml.safe_load(mapping.read_text(encoding="utf-8")) if mapping else None
        roll = read_sheet(path, sheet)
    except (DomainError, ValueError, KeyError) as e:
        console.print(f"[red]refused[/] {e}", highlight=False)
        raise typer.Exit(2) from None
    services = build_services(Settings())
    started = time.perf_counter()
    try:
        plan, outcome = _run(services.casework, roll, file_hash(path), request, fields)
    except DomainError as e:
        console.print(f"[red]refused[/] {e.field}: {e.message} ({e.rule})", highlight=False)
        raise typer.Exit(2) from None
    finally:
        services.casework.close()
    seconds = time.perf_counter() - started
    if report is not None:
        write_table(report, *report_rows(roll, plan, outcome, dry_run=dry_run), title="校验报告")
    c = counts(roll, plan, outcome, dry_run=dry_run)
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{c.rows} rows, {c.households} households: {c.imported} {verb}, {c.before} imported before, "
        f"{c.skipped} skipped, {c.flagged} flagged; {c.rows / seconds * 60:,.0f} rows a minute",
        highlight=False,
    )


def _run(
    casework: Casework,
    roll: Sheet,
    digest: str,
    request: RollRequest,
    fields: Mapping[str, str] | None,
) -> tuple[Plan, Outcome]:
    """The import (or the dry run) with a progress bar."""
    from application.roll_import import import_roll as run_import

    with Progress(console=console) as bar:
        task = bar.add_task("dry run" if request.dry_run else "importing", total=len(roll.rows))
        return run_import(
            casework,
            roll,
            digest,
            request,
            fields,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _actor(user: str, division: str) -> Actor:
    return Actor(user, Role.ADMIN, jurisdiction_prefix(division))


def register(cli: typer.Typer) -> None:
    cli.command("import-roll")(import_roll)
