"""The composition root: settings → persistence → applications → services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from api.deps import Services
from application.audit import Auditor
from application.casework import Casework, utc_now
from application.payroll import Payroll
from application.views.projection import Views
from application.views.reports import Reports
from domain.values import Actor, Role
from infrastructure.idempotency import open_idempotency_store
from infrastructure.policy_seed import load_seed
from infrastructure.settings import Settings
from infrastructure.tokens import token_issuer

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
    views = Views(casework)  # caught up synchronously before each report: read-your-writes in process
    return Services(
        settings=settings,
        casework=casework,
        auditor=Auditor(casework),
        tokens=token_issuer(settings),
        views=views,
        payroll=Payroll(casework, views),
        reports=Reports(views, clock),
        idempotency=open_idempotency_store(
            casework.recorder, cipher=casework.mapper.cipher, create=settings.create_tables
        ),
    )
