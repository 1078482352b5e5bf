"""The ASGI entry point for uvicorn workers: ``uvicorn --factory api.server:create``.

``jiuzhu serve --workers N`` runs N of these; each builds its own services from the environment
(``JIUZHU_*``) when it starts, never at import time.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.composition import build_services
from infrastructure.settings import Settings


class DevelopmentKeys(SystemExit):
    """Refusal to serve with a built-in development key outside development mode."""


def check_keys(settings: Settings) -> None:
    """Outside development mode, refuse to start while a key is the public built-in value: anyone
    could forge an admin token, read the stored events or brute-force the ID-number index."""
    found = settings.development_keys()
    if found and not settings.dev:
        raise DevelopmentKeys("refusing to start outside --dev:\n" + "\n".join(found))


def create() -> FastAPI:
    """A new app configured from the environment; its services are built by its lifespan."""
    settings = Settings()
    check_keys(settings)
    return create_app(lambda: build_services(settings))
