"""Answering other agencies through the Digital Convergence Initiative's IBR API (docs/dci.md)."""

from __future__ import annotations

from fastapi import FastAPI

from api.dci.errors import DciError, dci_error
from api.dci.routes import router


def install_dci(app: FastAPI) -> None:
    """The DCI routes, and their refusals in the standard's error form."""
    app.include_router(router)
    app.add_exception_handler(DciError, dci_error)
