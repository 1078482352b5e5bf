"""A household message as the national model's rows (pure functions, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from infrastructure.fen import to_fen

PAYABLE = ("active", "gradual_exit")


def may_overlap(m: dict[str, Any]) -> bool:
    """Whether the household has a dibao or tekun period on roll at all (otherwise no overlap to look for)."""
    return any(
        e["program"] in ("dibao", "tekun") and p["status"] in PAYABLE and Decimal(p["monthly"]) > 0
        for e in m["enrolments"]
        for p in e["periods"]
    )


def period_rows(m: dict[str, Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    province, household, county = m["province"], m["household"], m["county"]
    periods: list[tuple[Any, ...]] = []
    persons: list[tuple[Any, ...]] = []
    for e in m["enrolments"]:
        for seq, p in enumerate(e["periods"]):
            fen = to_fen(Decimal(p["monthly"]))
            to = date.fromisoformat(p["to"]) if p["to"] else None
            periods.append(
                (province, e["enrolment"], seq, household, county, e["program"], p["status"],
                 date.fromisoformat(p["from"]), to, fen, p["persons"])
            )  # fmt: skip
            persons.extend((province, e["enrolment"], seq, household, h) for h in p["beneficiaries"])
    return periods, persons
