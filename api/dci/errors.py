"""The DCI error form: a refusal as the standard's ``HttpErrorResponse`` (``errors``: code and message).

The body is also this API's RFC 9457 problem (type, title, status, detail), so a client of either kind
reads it; each entry of ``errors`` carries the standard's code (``err.request.bad``, …) beside the field
and rule every problem of this API names.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from api.problems import Problem, problem_response

#: The standard's error codes this service answers with (IBR 1.0.0, ``Error.code``).
BAD_REQUEST = "err.request.bad"
UNAUTHORIZED = "err.request.unauthorized"
FORBIDDEN = "err.request.forbidden"
VERSION_NOT_SUPPORTED = "err.version.not_supported"
ENCRYPTION_INVALID = "err.encryption.invalid"


class DciError(Problem):
    """A refusal of a DCI request, with the standard's error code."""

    def __init__(
        self,
        status: int,
        code: str,
        kind: str,
        detail: str,
        *,
        field: str = "body",
        rule: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(status, kind, "DCI request refused", detail, field=field, rule=rule, headers=headers)
        self.code = code

    @classmethod
    def of(cls, problem: Problem) -> DciError:
        """The DCI form of a refusal by the API's own checks (authentication, the permission table)."""
        code = UNAUTHORIZED if problem.status == 401 else FORBIDDEN
        return cls(
            problem.status,
            code,
            problem.kind,
            problem.detail,
            field=problem.field or "Authorization",
            rule=problem.rule,
            headers=problem.headers,
        )


async def dci_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DciError)
    errors = [{"code": exc.code, "message": exc.detail, "field": exc.field, "rule": exc.rule}]
    return problem_response(exc.status, exc.kind, exc.title, exc.detail, request, errors, exc.headers)
