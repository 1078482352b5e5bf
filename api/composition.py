"""The composition root: settings → persistence → applications → services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from api.deps import Services
from application.audit import Auditor
from application.casework import Casework, utc_now
from domain.values import Actor, Role
from infrastructure.policy_seed import load_seed
from infrastructure.settings import Settings
from infrastructure.tokens import TokenIssuer

SEED_ACTOR = Actor(user_id="system:seed", role=Role.SYSTEM, jurisdiction="43")


def build_services(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now, env_overrides: dict[str, str] | None = None
) -> Services:
    env = {**settings.persistence_env(), **(env_overrides or {})}
    casework = Casework(
        env=env, clock=clock, max_future_days=settings.max_future_days, index_key=settings.index_key.encode()
    )
    if settings.seed_policy:
        casework.seed_policy(load_seed(), SEED_ACTOR)
    return Services(
        settings=settings,
        casework=casework,
        auditor=Auditor(casework),
        tokens=TokenIssuer(secret=settings.token_secret, ttl=timedelta(minutes=settings.token_ttl_minutes)),
    )
