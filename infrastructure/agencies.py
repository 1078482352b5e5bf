"""The registry of agency clients: who may ask the DCI lookups, why, and about which programmes.

Read from a YAML file keyed by the client's token subject (``infrastructure/seed/agencies.yaml`` unless
``JIUZHU_AGENCIES_PATH`` names another). The purpose is the bureau's record of why a client asks, not
the client's say: it is written into the read-access log with every lookup the client makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from domain.values import Program


@dataclass(frozen=True, slots=True)
class AgencyClient:
    """One registered client: the agency, its stated purpose, and the programmes it is told about."""

    client_id: str
    agency: str
    purpose: str
    programmes: frozenset[Program]


@dataclass(frozen=True)
class AgencyRegistry:
    clients: dict[str, AgencyClient]

    def get(self, client_id: str) -> AgencyClient | None:
        return self.clients.get(client_id)


def _client(client_id: str, entry: Any) -> AgencyClient:
    if not isinstance(entry, dict):
        raise ValueError(f"agency client {client_id!r}: expected a mapping")
    agency, purpose = str(entry.get("agency") or "").strip(), str(entry.get("purpose") or "").strip()
    if not agency or not purpose:
        raise ValueError(f"agency client {client_id!r}: agency and purpose are required")
    programmes = frozenset(Program(p) for p in entry.get("programmes") or ())
    if not programmes:
        raise ValueError(f"agency client {client_id!r}: name at least one programme")
    return AgencyClient(str(client_id), agency, purpose, programmes)


def parse_registry(text: str) -> AgencyRegistry:
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("the agency registry is a mapping of client id to entry")
    return AgencyRegistry({str(k): _client(str(k), v) for k, v in data.items()})


def load_registry(path: Path | None = None) -> AgencyRegistry:
    """The registry in ``path``, or the seeded one."""
    if path is not None:
        return parse_registry(path.read_text(encoding="utf-8"))
    return parse_registry(resources.files("infrastructure").joinpath("seed/agencies.yaml").read_text(encoding="utf-8"))
