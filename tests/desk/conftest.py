"""The desk's fixtures: one seeded district (``tests.desk.seed``) behind the app, for the whole module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from api.deps import Services
from api.desk.session import COOKIE
from domain.values import Role
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.desk.seed import District, seed
from tests.support_clock import SteppingClock


@dataclass
class Desk:
    client: TestClient
    services: Services
    district: District

    def token(self, role: Role, jurisdiction: str = "430112") -> str:
        return self.services.tokens.issue(f"{role.value}-desk", role, jurisdiction)

    def sign_in(self, role: Role, jurisdiction: str = "430112") -> TestClient:
        """The client with the desk's cookie of a person of this role and jurisdiction."""
        self.client.cookies.clear()
        self.client.cookies.set(COOKIE, self.token(role, jurisdiction))
        return self.client

    def bearer(self, role: Role, jurisdiction: str = "430112") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, jurisdiction)}"}


def seeded_services(*, dev: bool = False) -> tuple[Services, District]:
    clock = SteppingClock()
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, dev=dev, _env_file=None)  # type: ignore[call-arg]
    services = build_services(settings, clock=clock)
    return services, seed(services, clock)


@pytest.fixture(scope="module")
def desk() -> Iterator[Desk]:
    """The app on an in-memory store holding the seeded district (not in development mode)."""
    services, district = seeded_services()
    with TestClient(create_app(lambda: services)) as client:
        yield Desk(client, services, district)
