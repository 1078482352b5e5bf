"""Authorization from the permission table, before the request body is even read.

``current_actor`` calls :func:`authorize` for every authenticated route: the route's operation id
must be in ``PERMISSIONS`` with the caller's role, and a route under ``/households/{household_id}``
must name a household inside the caller's jurisdiction (404 otherwise, exactly as for an unknown
id). Both are checked before FastAPI validates the body, so a caller who may not act learns nothing
about the request's shape (401/403/404 first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import Request

from api.permissions import PERMISSIONS
from api.problems import Problem
from application.base import unknown_household
from domain.values import Actor

if TYPE_CHECKING:
    from api.deps import Services

#: Division codes never change after registration, so a process may remember them.
_CACHE_LIMIT = 200_000


def operation_id(request: Request) -> str | None:
    """The operation id of the route that matched this request."""
    route = request.scope.get("route")
    op = getattr(route, "operation_id", None)
    return op if isinstance(op, str) else None


def authorize(request: Request, services: Services, actor: Actor) -> None:
    """Refuse (403) a role the table does not list for this operation; a household outside the jurisdiction: 404."""
    op = operation_id(request)
    allowed = PERMISSIONS.get(op or "")
    if allowed is None or actor.role not in allowed:
        detail = f"role {actor.role} may not call {op}" if allowed is not None else f"{op} is in no permission entry"
        raise Problem(403, "forbidden-role", "Forbidden", detail, field="role", rule="role-permitted")
    raw = request.path_params.get("household_id")
    if raw is None:
        return
    try:
        household_id = UUID(str(raw))
    except ValueError:
        return  # not a UUID: path validation answers 422 next
    if not _division_of(request, services, household_id).startswith(actor.jurisdiction):
        raise unknown_household(household_id, outside=True)  # answered like an unknown id: existence is not disclosed


def _division_of(request: Request, services: Services, household_id: UUID) -> str:
    cache: dict[UUID, str] | None = getattr(request.app.state, "household_divisions", None)
    if cache is None:
        cache = request.app.state.household_divisions = {}
    division = cache.get(household_id)
    if division is None:
        division = services.casework.get_household(household_id).division_code  # 404 if unknown
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[household_id] = division
    return division
