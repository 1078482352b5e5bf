"""Reads the policy parameter seed file shipped with the service: each parameter's metadata (kind, unit,
description, legal basis) and its dated values, side by side (``infrastructure/seed/parameters.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

#: Seeded series are confirmed up to this date unless a row says otherwise; an admin extends it.
SEED_CONFIRMED_UNTIL = date(2026, 12, 31)


@dataclass(frozen=True, slots=True)
class ParameterInfo:
    """What one parameter is: how its values are typed, what they measure, what it decides, and why."""

    name: str
    kind: str
    unit: str
    description: str
    legal_basis: str


def _read(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        text = resources.files("infrastructure").joinpath("seed/parameters.yaml").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def load_catalogue(path: Path | None = None) -> dict[str, ParameterInfo]:
    """Every parameter's metadata, in the file's order."""
    return {
        name: ParameterInfo(
            name=name,
            kind=str(entry["kind"]),
            unit=str(entry["unit"]),
            description=str(entry["description"]),
            legal_basis=str(entry["legal_basis"]),
        )
        for name, entry in _read(path).items()
    }


def load_seed(path: Path | None = None) -> list[dict[str, Any]]:
    """The seed values, one row per dated value: name, jurisdiction, effective_from, value, legal_basis
    (the value's own, else the parameter's; empty if neither: recording refuses it, naming the row) and
    confirmed_until (dates). A jurisdiction's parameter file (``jiuzhu policy load``) has the same shape;
    it may leave out kind, unit and description."""
    out = []
    for name, entry in _read(path).items():
        for row in entry.get("values") or []:
            out.append(
                {
                    "name": name,
                    "jurisdiction": str(row["jurisdiction"]),
                    "effective_from": _day(row["effective_from"]),
                    "value": row["value"],
                    "legal_basis": row.get("legal_basis") or entry.get("legal_basis") or "",
                    "confirmed_until": _day(row.get("confirmed_until", SEED_CONFIRMED_UNTIL)),
                }
            )
    return out
