"""The asset test (《社会救助暂行办法》第九条; the limits are parameters ``dibao.asset.*``)."""

from __future__ import annotations

from domain.assessment import Finding, Reason
from domain.circumstances import Assets
from domain.rules.dibao.codes import (
    ASSETS_DWELLINGS_OVER_LIMIT,
    ASSETS_FINANCIAL_OVER_LIMIT,
    ASSETS_VEHICLE_OVER_LIMIT,
    ASSETS_WITHIN_LIMITS,
    reason,
    yuan,
)
from domain.rules.dibao.facts import DibaoParameters


def asset_test(assets: Assets, counted_members: int, p: DibaoParameters) -> Finding[bool]:
    """Within every limit: financial assets per counted member, vehicles, dwellings. A reason for each
    limit broken, or one saying all are kept."""
    n, limit = counted_members, p.financial_limit
    failures: list[Reason] = []
    if assets.financial > limit * n:  # compared on totals: no rounding at the boundary
        failures.append(
            reason(
                ASSETS_FINANCIAL_OVER_LIMIT,
                f"financial assets per capita {yuan(assets.financial / n)} exceed the limit {yuan(limit)}",
            )
        )
    if assets.vehicle_value > p.vehicle_limit:
        failures.append(
            reason(
                ASSETS_VEHICLE_OVER_LIMIT,
                f"vehicle value {yuan(assets.vehicle_value)} exceeds the limit {yuan(p.vehicle_limit)}",
            )
        )
    if assets.dwellings > p.max_dwellings:
        failures.append(
            reason(ASSETS_DWELLINGS_OVER_LIMIT, f"{assets.dwellings} dwellings exceed the limit of {p.max_dwellings}")
        )
    if failures:
        return Finding(False, tuple(failures))
    return Finding(
        True, (reason(ASSETS_WITHIN_LIMITS, "financial assets, vehicles and dwellings are within the limits"),)
    )
