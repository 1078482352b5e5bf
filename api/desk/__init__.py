"""The bureau's desk: server-rendered pages under ``/desk/`` (docs/architecture.md), in Chinese, read-mostly.

Every page names the API operation whose permission it shares (``api.permissions.PERMISSIONS``) and
asks the application the same questions as that operation, with the same jurisdiction checks; pages
that show names or ID numbers ask for a purpose and log the read as the API does. No JavaScript: the
charts are inline SVG drawn by the server (``api.desk.charts``).
"""

from __future__ import annotations

from fastapi import FastAPI


def install_desk(app: FastAPI) -> None:
    """Mount the desk's routes (kept out of the OpenAPI schema: they answer HTML, not the API contract)."""
    from api.desk import pages, reports, session

    for module in (session, pages, reports):
        app.include_router(module.router)
