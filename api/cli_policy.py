"""``jiuzhu policy load FILE [--dry-run]``: a jurisdiction's parameters from one file, after a diff.

The file has the seed's shape (``infrastructure/seed/parameters.yaml``): parameter name → ``values`` (each
with jurisdiction, effective_from, value, legal_basis, optional confirmed_until); kind, unit and
description may be left out. The command prints what is new, changed and unchanged and which
confirmations it extends; ``--dry-run`` stops there, a real run records it all in one save (or nothing)
and re-prices the enrolments the new values govern. ``jiuzhu policy readiness`` then says what is missing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from domain.errors import DomainError
from domain.values import Actor, Role, jurisdiction_prefix
from infrastructure.settings import Settings

if TYPE_CHECKING:
    from application.policy_load import LoadPlan

console = Console(soft_wrap=True)
policy_cli = typer.Typer(help="policy parameters: load a jurisdiction's file, check readiness", no_args_is_help=True)


@policy_cli.command("load")
def load(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="a parameter file in the seed's YAML shape"),
    jurisdiction: str = typer.Option(
        ..., help="the admin's jurisdiction prefix (2, 4 or 6 digits); rows outside it are refused"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="print the diff only; record nothing"),
    user: str = typer.Option("dev-admin", help="who loads, recorded on every value"),
) -> None:
    """Print the diff (new / changed / unchanged values, confirmations extended), then record it unless --dry-run."""
    from api.composition import build_services
    from application.policy_load import load_parameters
    from infrastructure.policy_seed import load_seed

    try:
        rows = load_seed(path)
        actor = Actor(user, Role.ADMIN, jurisdiction_prefix(jurisdiction))
    except (DomainError, ValueError, KeyError, TypeError) as e:
        console.print(f"[red]refused[/] {path}: {e}", highlight=False)
        raise typer.Exit(2) from None
    services = build_services(Settings())
    try:
        plan = load_parameters(services.casework, rows, actor, dry_run=dry_run)
        _print_plan(plan)
        if dry_run or plan.empty:
            console.print("dry run: nothing recorded" if dry_run else "nothing to record", highlight=False)
            return
        handled = services.recalculation.follow()
        adjusted = sum(len(r.report.recorded) for r in handled)
        console.print(f"recorded; {adjusted} monthly amounts re-priced", highlight=False)
    except DomainError as e:
        console.print(f"[red]refused, nothing recorded[/] {e}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        services.casework.close()


def _print_plan(plan: LoadPlan) -> None:
    for row in plan.new:
        console.print(f"[green]new[/]       {_key(row)} = {row['value']}", highlight=False)
    for old, row in plan.changed:
        console.print(f"[yellow]changed[/]   {_key(row)}: {_shown(old.value)} → {row['value']}", highlight=False)
    for c in plan.confirmations:
        before = "never confirmed" if c.before is None else f"confirmed until {c.before}"
        console.print(f"[cyan]confirm[/]   {c.name} for {c.jurisdiction}: {before} → until {c.until}", highlight=False)
    console.print(
        f"{len(plan.new)} new, {len(plan.changed)} changed, {len(plan.unchanged)} unchanged, "
        f"{len(plan.confirmations)} confirmations extended",
        highlight=False,
    )


def _key(row: dict[str, object]) -> str:
    return f"{row['name']} for {row['jurisdiction']} from {row['effective_from']}"


def _shown(value: object) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


@policy_cli.command("readiness")
def readiness(
    division: str = typer.Argument(..., help="a division code or a 2/4-digit jurisdiction prefix"),
    start: str = typer.Option(..., "--from", help="YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="YYYY-MM-DD"),
) -> None:
    """List the parameters missing or unconfirmed for a division over a period; exit 1 if any."""
    from api.composition import build_services
    from domain.policy_readiness import readiness as check

    services = build_services(Settings())
    try:
        found = check(services.casework.policy(), division, date.fromisoformat(start), date.fromisoformat(end))
    finally:
        services.casework.close()
    for p in found:
        for span in p.missing:
            console.print(f"[red]missing[/]     {p.name}: {span.start} to {span.end}", highlight=False)
        for u in p.unconfirmed:
            until = "never confirmed" if u.confirmed_until is None else f"confirmed until {u.confirmed_until}"
            console.print(
                f"[yellow]unconfirmed[/] {p.name} for {u.jurisdiction} ({until}): {u.span.start} to {u.span.end}",
                highlight=False,
            )
    not_ready = [p for p in found if not p.ready]
    console.print(f"{len(found) - len(not_ready)} of {len(found)} parameters ready", highlight=False)
    raise typer.Exit(1 if not_ready else 0)


def register(cli: typer.Typer) -> None:
    cli.add_typer(policy_cli, name="policy")
