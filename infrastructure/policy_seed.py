"""Reads the policy parameter seed file shipped with the service."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

#: Seeded series are confirmed up to this date unless a row says otherwise; an admin extends it.
SEED_CONFIRMED_UNTIL = date(2026, 12, 31)


def load_seed(path: Path | None = None) -> list[dict[str, Any]]:
    """The seed values: name, jurisdiction, effective_from, value, legal_basis, confirmed_until (dates)."""
    if path is None:
        text = resources.files("infrastructure").joinpath("seed/parameters.yaml").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    rows = yaml.safe_load(text) or []
    out = []
    for row in rows:
        effective = row["effective_from"]
        until = row.get("confirmed_until", SEED_CONFIRMED_UNTIL)
        out.append(
            {
                **row,
                "effective_from": effective if isinstance(effective, date) else date.fromisoformat(effective),
                "confirmed_until": until if isinstance(until, date) else date.fromisoformat(until),
            }
        )
    return out
