"""The ASGI entry point for uvicorn workers: ``uvicorn --factory api.server:create``, and how ``jiuzhu
serve`` runs uvicorn.

``jiuzhu serve --workers N`` runs N of these; each builds its own services from the environment
(``JIUZHU_*``) when it starts, never at import time.

Why ``serve_workers`` rather than ``uvicorn.run(workers=N)``: with several workers uvicorn binds the
listening socket itself as ``socket.socket(family)`` — protocol 0 — and asyncio sets ``TCP_NODELAY``
only on accepted sockets whose protocol says TCP, so every connection kept Nagle's algorithm: a
keep-alive response written in two pieces waited for the client's delayed ACK, ~40 ms a request
(uvicorn issue #3149). ``NoDelayConfig`` sets ``TCP_NODELAY`` on the listening socket before the
workers are spawned; Linux copies it to every accepted connection (``tests/api/test_serve_latency.py``
measures it). uvloop and httptools are named, not left to "auto": a missing one fails at start-up
instead of silently falling back to the pure-Python parser.
"""

from __future__ import annotations

import socket
from typing import Any, Final

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

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


#: The event loop and HTTP parser every ``jiuzhu serve`` uses (both C extensions, in the dependencies).
LOOP: Final = "uvloop"
HTTP: Final = "httptools"


class NoDelayConfig(uvicorn.Config):
    """uvicorn's configuration, binding a listening socket whose accepted connections have ``TCP_NODELAY``."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accept() on Linux
        return sock


def serve_workers(workers: int, host: str, port: int, **options: Any) -> None:
    """Run ``workers`` uvicorn processes of ``create`` on one listening socket, as ``uvicorn.run`` would."""
    config = NoDelayConfig(
        "api.server:create", factory=True, workers=workers, host=host, port=port, loop=LOOP, http=HTTP, **options
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()
