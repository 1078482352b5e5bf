"""The composition root: settings → persistence → applications → services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from api.deps import Services
from application.audit import Auditor
from application.casework import Casework, utc_now
from application.followers import Recalculation
from application.notices import Followers, MayQualify
from application.payroll import Payroll
from application.register_reads import Register
from application.views.projection import Views
from application.views.reports import Reports
from domain.values import Actor, Role
from infrastructure.agencies import load_registry
from infrastructure.idempotency import open_idempotency_store
from infrastructure.leases import Lease, holding, open_lease
from infrastructure.migrations import SCHEMA_VERSION, check_version, read_version, record_version
from infrastructure.national.province_store import open_province_store
from infrastructure.policy_seed import load_seed
from infrastructure.pool import cap_reconnect_backoff
from infrastructure.settings import Settings
from infrastructure.tokens import token_issuer
from infrastructure.tracking import open_tracking

SEED_ACTOR = Actor(user_id="system:seed", role=Role.SYSTEM, jurisdiction="43")


def build_services(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    env_overrides: dict[str, str] | None = None,
    start_followers: bool = True,
) -> Services:
    """Everything the API uses. With ``create_tables`` the tables are created or upgraded first, under the
    ``migrate`` lease (what ``jiuzhu migrate`` does); without, the schema's version is checked instead.
    ``start_followers``: a store that never ran the followers has them start at the log's end (not when
    only migrating: a store imported after the migration would then have its whole history re-run)."""
    env = {**settings.persistence_env(), **(env_overrides or {})}
    cap_reconnect_backoff()  # after a database restart, reconnect within a second
    if not settings.create_tables:
        return _build(settings, env, clock, start_followers)
    with holding(env, "migrate"):
        services = _build(settings, env, clock, start_followers)
        record_version(services.casework.recorder)
    return services


def _build(settings: Settings, env: dict[str, str], clock: Callable[[], datetime], start_followers: bool) -> Services:
    casework = open_casework(settings, env, clock)
    # Projecting in process, the views catch up synchronously before each report (read-your-writes);
    # kept by projection workers (`jiuzhu project`), a report waits for them to reach the latest write.
    follow = settings.projection_wait_seconds if settings.projections == "workers" else None
    views = Views(casework, follow=follow)
    recalculation = Recalculation(casework, open_tracking(casework.recorder, env))
    notices = MayQualify(casework, open_tracking(casework.recorder, env))
    if start_followers:  # a store that never ran it: the values set so far were re-priced already
        recalculation.start_at_end()
        notices.start_at_end()  # the facts recorded before it existed are not re-examined
    auditor = Auditor(casework)
    return Services(
        settings=settings,
        casework=casework,
        auditor=auditor,
        tokens=token_issuer(settings),
        views=views,
        payroll=Payroll(casework, views),
        reports=Reports(views, clock, min_cell=settings.analyst_min_cell),
        recalculation=recalculation,
        register=Register(casework, auditor, views, clock),
        notices=notices,
        idempotency=open_idempotency_store(
            casework.recorder,
            cipher=casework.mapper.cipher,
            create=settings.create_tables,
            lease=settings.idempotency_lease_seconds,
        ),
        national_findings=(  # the findings the relay receives from the nation: a PostgreSQL store's tables
            open_province_store(casework.recorder, create=settings.create_tables)
            if settings.database == "postgres"
            else None
        ),
        agencies=load_registry(settings.agencies_path),
    )


def open_casework(settings: Settings, env: dict[str, str], clock: Callable[[], datetime] = utc_now) -> Casework:
    """The application on the configured store; refuses an unmigrated store when it may not create tables."""
    casework = Casework(
        env=env, clock=clock, max_future_days=settings.max_future_days, index_key=settings.index_key.encode()
    )
    try:
        if not settings.create_tables:
            check_version(casework.recorder)
        if settings.seed_policy:
            casework.seed_policy(load_seed(), SEED_ACTOR)  # once, on an empty store; a race loses harmlessly
    except BaseException:
        casework.close()
        raise
    return casework


def build_projector(settings: Settings, *, page_size: int = 500) -> tuple[Casework, Views, Lease]:
    """A projection worker's parts: the application, views it projects itself, and the views' lease."""
    env = settings.persistence_env()
    cap_reconnect_backoff()
    casework = open_casework(settings.model_copy(update={"seed_policy": False}), env)
    return casework, Views(casework, page_size=page_size), open_lease(env, "views")


def build_follower(settings: Settings) -> tuple[Casework, Followers, Lease]:
    """A follower worker's parts (``jiuzhu follow``): the application, its followers, and their lease."""
    env = settings.persistence_env()
    cap_reconnect_backoff()
    casework = open_casework(settings.model_copy(update={"seed_policy": False}), env)
    followers = Followers(
        Recalculation(casework, open_tracking(casework.recorder, env)),
        MayQualify(casework, open_tracking(casework.recorder, env)),
    )
    return casework, followers, open_lease(env, "followers")


def migrate(settings: Settings) -> int:
    """Create or upgrade every table once (``jiuzhu migrate``); the schema version reached."""
    services = build_services(
        settings.model_copy(update={"create_tables": True, "seed_policy": False}), start_followers=False
    )
    try:
        return read_version(services.casework.recorder) or SCHEMA_VERSION
    finally:
        services.views.close()
        services.casework.close()
