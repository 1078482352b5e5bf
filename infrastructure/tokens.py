"""Bearer tokens: HS256 JWTs carrying user id, role and jurisdiction prefix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from domain.errors import InvalidValue
from domain.values import Actor, Role, jurisdiction_prefix

ALGORITHM = "HS256"


class TokenInvalid(Exception):
    """The token is missing, malformed, expired or not signed by us."""


@dataclass(frozen=True)
class TokenIssuer:
    secret: str
    ttl: timedelta

    def issue(self, user_id: str, role: Role, jurisdiction: str, *, now: datetime | None = None) -> str:
        issued = now or datetime.now(UTC)
        claims = {
            "sub": user_id,
            "role": Role(role).value,
            "jurisdiction": jurisdiction_prefix(jurisdiction),
            "iat": int(issued.timestamp()),
            "exp": int((issued + self.ttl).timestamp()),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Actor:
        try:
            claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
            return Actor(
                user_id=str(claims["sub"]),
                role=Role(claims["role"]),
                jurisdiction=jurisdiction_prefix(str(claims["jurisdiction"])),
            )
        except (jwt.PyJWTError, KeyError, ValueError, InvalidValue) as e:
            raise TokenInvalid(str(e) or type(e).__name__) from None
