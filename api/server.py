"""The ASGI entry point for uvicorn workers: ``uvicorn --factory api.server:create``.

``jiuzhu serve --workers N`` runs N of these; each builds its own services from the environment
(``JIUZHU_*``) when it starts, never at import time.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.composition import build_services
from infrastructure.settings import Settings


def create() -> FastAPI:
    """A new app configured from the environment; its services are built by its lifespan."""
    settings = Settings()
    return create_app(lambda: build_services(settings))
