"""Fixtures of the integration tests: two applications racing on one PostgreSQL store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.composition import SEED_ACTOR
from application.casework import Casework
from infrastructure.policy_seed import load_seed
from tests.conftest import _postgres_env
from tests.support import fixed_clock


@pytest.fixture(params=["two processes", "one process, group commit"])
def two_apps(postgres_database: str, request: pytest.FixtureRequest) -> Iterator[tuple[Casework, Casework]]:
    """Two applications on one store; or one application with group commit on, whose committer may put
    both saves in one transaction (they share the person's index aggregate, so it never does)."""
    env = _postgres_env(postgres_database)
    if request.param == "one process, group commit":
        app = Casework(env={**env, "GROUP_COMMIT": "y"}, clock=fixed_clock)
        app.seed_policy(load_seed(), SEED_ACTOR)
        yield app, app
        app.close()
        return
    first = Casework(env=env, clock=fixed_clock)
    first.seed_policy(load_seed(), SEED_ACTOR)
    second = Casework(env={**env, "CREATE_TABLE": "n"}, clock=fixed_clock)
    yield first, second
    first.close()
    second.close()
