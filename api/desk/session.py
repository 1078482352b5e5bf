"""Signing in to the desk, and who may see which page.

A person pastes a bearer token (``jiuzhu token``); the desk keeps it in an HttpOnly, SameSite=Strict
cookie scoped to ``/desk`` and verifies it on every page exactly as the API verifies the
``Authorization`` header. Under ``--dev`` the sign-in page offers one button per role.

Each page names the API operation whose row of the permission table it shares; a role the table does
not list gets the refusal page (403), a household outside the caller's jurisdiction the same answer
as an unknown one (404), both as the API answers them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from api.deps import Services, get_services
from api.desk.render import ROLES, page
from api.permissions import PERMISSIONS
from api.problems import Problem, domain_status
from domain.errors import DomainError
from domain.values import Actor, Role
from infrastructure.tokens import TokenInvalid

COOKIE = "jiuzhu_desk"
DEV_JURISDICTION = "430112"
DEV_ROLES = (Role.CASEWORKER, Role.APPROVER, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
MAX_FORM_BYTES = 16_384


class SignInRequired(Exception):
    """No valid token in the desk's cookie: the page answers with the sign-in page."""


class DeskRoute(APIRoute):
    """A desk route: refusals and errors become the refusal page (HTML) with the API's status code."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return page(request, "sign_in.html", 401, dev=_dev(request), roles=DEV_ROLES, role_names=ROLES)
            except Problem as e:
                return refusal(request, e.status, e.title, e.detail)
            except DomainError as e:
                status, title = domain_status(e)
                return refusal(request, status, title, e.message)
            except RequestValidationError as e:
                detail = "; ".join(f"{'.'.join(map(str, err['loc'][1:]))}: {err['msg']}" for err in e.errors())
                return refusal(request, 422, "请求有误", detail)

        return handle


def refusal(request: Request, status: int, title: str, detail: str) -> Response:
    return page(request, "refusal.html", status, status=status, title=title, detail=detail)


router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)


def _dev(request: Request) -> bool:
    return bool(get_services(request).settings.dev)


def signed_in(request: Request, operation: str | None) -> Actor:
    """The person signed in to the desk, permitted by the table's row for ``operation`` (None: any role)."""
    services: Services = get_services(request)
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired
    try:
        actor = services.tokens.verify(token)
    except TokenInvalid:
        raise SignInRequired from None
    request.state.desk_actor = actor
    if operation is not None and actor.role not in PERMISSIONS[operation]:
        role = ROLES.get(actor.role.value, actor.role.value)
        raise Problem(403, "forbidden-role", "无权查看", f"角色「{role}」无权查看此页")
    return actor


def allowed(actor: Actor, operation: str) -> bool:
    return actor.role in PERMISSIONS[operation]


def _signed_in_response(request: Request, token: str) -> Response:
    response = RedirectResponse("/desk/", status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/desk",
    )
    return response


def _same_origin(request: Request) -> None:
    """A form posted from another site (login CSRF) is refused; browsers send ``Origin`` with every POST."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise Problem(403, "forbidden-origin", "来源不符", "the form was not posted from this desk")


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form's fields (first value of each), refused when posted from another site."""
    _same_origin(request)
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Problem(413, "payload-too-large", "表单过大", "the form is too large")
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    return page(request, "sign_in.html", dev=_dev(request), roles=DEV_ROLES, role_names=ROLES)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check the pasted token as the API would; a good one is kept in the cookie."""
    token = (await form_fields(request)).get("token", "").strip()
    try:
        get_services(request).tokens.verify(token)
    except TokenInvalid:
        return page(request, "sign_in.html", 401, dev=_dev(request), roles=DEV_ROLES, role_names=ROLES, failed=True)
    return _signed_in_response(request, token)


@router.post("/dev-sign-in")
async def dev_sign_in(request: Request) -> Response:
    """Development mode only: sign in as ``dev-<role>`` of the demo district with one click."""
    if not _dev(request):
        raise Problem(404, "not-found", "未找到", "no such page outside development mode")
    role = (await form_fields(request)).get("role", "")
    if role not in {r.value for r in DEV_ROLES}:
        raise Problem(422, "validation-error", "角色有误", f"unknown role {role!r}")
    token = get_services(request).tokens.issue(f"dev-{role}", Role(role), DEV_JURISDICTION)
    return _signed_in_response(request, token)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    _same_origin(request)
    response = RedirectResponse("/desk/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/desk", httponly=True, samesite="strict")
    return response


@router.get("/")
def home(request: Request) -> Response:
    signed_in(request, None)
    return page(request, "home.html")
