"""Provinces for the national tests: each a Casework on its own PostgreSQL schema with a generated district.

The three provinces run the demo district (division codes of 430112, since the policy seed has the
parameters of province 43 only); which province a store is comes from ``JIUZHU_PROVINCE``, as in
production, where each province's store holds its own divisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from api.cli_national import national_parts, relay_parts
from api.composition import SEED_ACTOR
from application.casework import Casework
from application.demo import District
from application.months import last_day, parse_month
from application.national.findings import FindingsInbox
from application.national.relay import Relay
from application.national.service import NationalService
from application.views.projection import Views
from application.views.reports import PAYABLE, Reports
from domain.members import Member, Relation
from domain.values import Actor, IdNumber, Role
from infrastructure.national.bus import JetStreamBus
from infrastructure.national.province_store import ProvinceNationalStore, open_province_store
from infrastructure.national.settings import NationalSettings
from infrastructure.policy_seed import load_seed
from infrastructure.settings import CIPHER_TOPIC, DEV_CIPHER_KEY
from tests.application.scenarios import enrol
from tests.application.steps import register
from tests.support import fixed_clock

ANALYST = Actor("analyst-1", Role.ANALYST, "43")


@dataclass
class Province:
    code: str
    app: Casework
    views: Views
    store: ProvinceNationalStore
    settings: NationalSettings
    parts: list[Any] = field(default_factory=list)  # buses to close

    def relay(self, bus: JetStreamBus) -> tuple[Relay, FindingsInbox]:
        return relay_parts(self.app, self.store, bus, self.settings)

    def on_roll(self, month: str) -> dict[str, tuple[int, int, Decimal]]:
        """The province's own §7 figures on roll at the month's end, by program: households, persons, amounts."""
        day = last_day(parse_month(month, "month"))
        figures = Reports(self.views, fixed_clock).statistics(month, month, None, _personal())["on_roll"]
        amounts = {str(c.key[0]): c.amount for c in self.views.store.count_on(day, "43", PAYABLE, ("program",))}
        return {
            program: (f["households"], f["persons"], amounts[program]) for program, f in figures["programs"].items()
        }

    def close(self) -> None:
        self.views.close()
        self.app.close()


#: Events encrypted as a deployment stores them (the development key), so the API can open the store too.
ENCRYPTED = {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": DEV_CIPHER_KEY}


def _personal() -> Actor:
    return Actor("ap-province", Role.APPROVER, "43")


def province(
    code: str,
    env: dict[str, str],
    settings: NationalSettings,
    *,
    households: int,
    seed: int,
    app: Casework | None = None,
) -> Province:
    """A province's store with a generated district (on ``env``, or on the application given)."""
    if app is None:
        app = Casework(env={**env, **ENCRYPTED}, clock=fixed_clock)  # as the API's settings store it
        app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    District(app, households=households, seed=seed).run()
    ns = settings.model_copy(update={"province": code, "store_id": f"store-{code}"})
    return Province(code, app, views, open_province_store(app.recorder), ns)


def plant_on_dibao(app: Casework, id_number: str, *, applied_on: date, approved_on: date) -> tuple[UUID, UUID]:
    """A one-person household whose only member holds ``id_number``, on dibao from ``approved_on``."""
    head = Member(person_id=uuid4(), name="李重复", id_number=IdNumber(id_number), relation=Relation.HEAD)
    h = register(app, head, on=applied_on, address="某街道2号")
    return h.id, enrol(app, h.id, applied_on=applied_on, approved_on=approved_on)


def national(bus: JetStreamBus, settings: NationalSettings) -> NationalService:
    return national_parts(bus, settings)


def drain(service: NationalService, relays: list[tuple[Relay, FindingsInbox]], rounds: int = 50) -> None:
    """Relay everything, apply everything nationally, deliver every finding: until a round moves nothing."""
    for _ in range(rounds):
        moved = sum(relay.catch_up() for relay, _ in relays)
        moved += service.step(wait=0.3)
        moved += sum(inbox.step(wait=0.1) for _, inbox in relays)
        if not moved:
            return
    raise AssertionError("the national layer did not settle")
