"""``jiuzhu demo`` and the first ``make run``: a synthetic district generated through the application.

See ``application.demo``: seeded households simulated month by month for a year, with a payroll run
every month. The progress bar advances per household registered and per month closed.
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from application.demo_changes import DemoReport
from infrastructure.settings import Settings


def generate(settings: Settings, *, households: int, seed: int, console: Console) -> DemoReport:
    """Simulate the district on the configured store, showing progress; print what it did."""
    from api.composition import build_services
    from application.demo import District

    services = build_services(settings)
    try:
        columns = (
            TextColumn("[bold]{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("demo district", total=households + 12)
            district = District(services.casework, payroll=services.payroll, seed=seed, households=households)
            report = district.run(
                lambda what, done, total: progress.update(task, description=what, completed=done, total=total)
            )
            progress.update(task, description="may-qualify notices")
            notices = len(services.notices.follow())  # the year's facts run through every program's rules
    finally:
        services.views.close()
        services.casework.close()
    paid = sum((amount for _, amount in report.payroll.values()), Decimal("0.00"))
    payments = sum(n for n, _ in report.payroll.values())
    console.print(
        f"demo district (seed {seed}): {report.households} households, {report.commands} commands "
        f"({report.refused} refused by the rules), {report.approved} approved, {report.rejected} rejected, "
        f"{sum(report.reviews.values())} reviews, {report.adjusted} amounts re-computed for the July raise, "
        f"{report.suspended} suspensions, {report.terminated} terminations, {report.grants} temporary grants; "
        f"12 payrolls: {payments} payments, {paid} yuan; {notices} may-qualify notices — in {report.seconds:.1f} s",
        highlight=False,
    )
    return report


def store_is_empty(settings: Settings) -> bool:
    """True when no household is registered in the configured store."""
    from api.composition import build_services

    services = build_services(settings)
    try:
        return next(iter(services.casework.household_ids()), None) is None
    finally:
        services.views.close()
        services.casework.close()
