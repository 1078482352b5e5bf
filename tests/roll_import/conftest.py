"""The store every roll-import test imports into: SQLite with the seed's parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.composition import SEED_ACTOR
from application.casework import Casework
from infrastructure.policy_seed import load_seed
from tests.support import fixed_clock


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Casework]:
    """A store on SQLite with the seed's parameters."""
    casework = Casework(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "store.sqlite")},
        clock=fixed_clock,
    )
    casework.seed_policy(load_seed(), SEED_ACTOR)
    yield casework
    casework.close()
