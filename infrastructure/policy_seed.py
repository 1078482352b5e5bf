"""Reads the policy parameter seed file shipped with the service."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def load_seed(path: Path | None = None) -> list[dict[str, Any]]:
    """The seed values, each with name, jurisdiction, effective_from (a date), value, legal_basis."""
    if path is None:
        text = resources.files("infrastructure").joinpath("seed/parameters.yaml").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    rows = yaml.safe_load(text) or []
    out = []
    for row in rows:
        effective = row["effective_from"]
        out.append(
            {**row, "effective_from": effective if isinstance(effective, date) else date.fromisoformat(effective)}
        )
    return out
