"""Bearer tokens: JWTs carrying user id (``sub``), ``role`` and ``jurisdiction`` prefix.

Two kinds are accepted: HS256 tokens signed with the configured secret (issued by ``jiuzhu token``
for local use), and RS256 tokens from an identity provider, verified against a configured PEM
public key or a JWKS file (the key named by the token's ``kid``). Expiry is always required, and no
token may live longer than ``max_lifetime``: neither its expiry lie further ahead of now, nor (when it
says when it was issued) further after its ``iat``. The
algorithm is taken from the token's header only to pick the key: an RS256 token is never checked
with the HMAC secret, and ``none`` or any other algorithm is refused.

Verified tokens are remembered (``VerifiedTokens``): a caseworker sends the same token with every
request, and checking its signature, decoding its claims and building the actor cost more than
the rest of the request's authentication. A remembered token is accepted again only until its
``exp``; a token that failed is never remembered, so it is checked (and refused) every time. The
memory belongs to one issuer: new settings or keys make a new issuer and start it empty.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.types import Options

from domain.errors import InvalidValue
from domain.values import Actor, Role, jurisdiction_prefix
from infrastructure.settings import Settings

ALGORITHM = "HS256"
RS256 = "RS256"


class TokenInvalid(Exception):
    """The token is missing, malformed, expired or not signed by us."""


@dataclass(frozen=True)
class PublicKey:
    """An identity provider's RS256 verification key; ``kid`` None matches any token."""

    key: Any
    kid: str | None = None


def load_public_keys(pem_path: Path | None = None, jwks_path: Path | None = None) -> tuple[PublicKey, ...]:
    """The RS256 keys of a PEM public key file and/or a JWKS file."""
    keys: list[PublicKey] = []
    if pem_path is not None:
        key = load_pem_public_key(pem_path.read_bytes())
        if not isinstance(key, RSAPublicKey):
            raise ValueError(f"{pem_path} is not an RSA public key")
        keys.append(PublicKey(key))
    if jwks_path is not None:
        for jwk in jwt.PyJWKSet.from_json(jwks_path.read_text(encoding="utf-8")).keys:
            if jwk.key_type == "RSA":
                keys.append(PublicKey(jwk.key, jwk.key_id))
    return tuple(keys)


class VerifiedTokens:
    """The actors of tokens already verified, each until its expiry; at most ``size``, the least recently
    used forgotten first. Keyed by the whole token, so its signature: another token is never a hit."""

    def __init__(self, size: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        self.size, self.clock = size, clock
        self._actors: OrderedDict[str, tuple[Actor, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> Actor | None:
        """The token's actor while it is unexpired; None when unknown or expired (and then forgotten)."""
        with self._lock:
            found = self._actors.get(token)
            if found is None:
                return None
            actor, expires = found
            if self.clock() >= expires:  # as PyJWT: expired once now reaches exp
                del self._actors[token]
                return None
            self._actors.move_to_end(token)
            return actor

    def put(self, token: str, actor: Actor, expires: float) -> None:
        with self._lock:
            self._actors[token] = (actor, expires)
            self._actors.move_to_end(token)
            while len(self._actors) > self.size:
                self._actors.popitem(last=False)

    def __len__(self) -> int:
        return len(self._actors)


@dataclass(frozen=True)
class TokenIssuer:
    secret: str
    ttl: timedelta
    public_keys: tuple[PublicKey, ...] = ()
    accept_hs256: bool = True
    audience: str | None = None  # required "aud" of RS256 tokens, when set
    issuer: str | None = None  # required "iss" of RS256 tokens, when set
    max_lifetime: timedelta = timedelta(hours=12)  # the longest any token, local or an IdP's, may live
    verified: VerifiedTokens = field(default_factory=VerifiedTokens, compare=False, repr=False)

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
        """The token's actor; ``TokenInvalid`` when it is malformed, not ours, expired or too long-lived."""
        known = self.verified.get(token)
        if known is not None:
            return known
        try:
            claims = self._claims(token)
            self._check_lifetime(claims)
            actor = Actor(
                user_id=str(claims["sub"]),
                role=Role(claims["role"]),
                jurisdiction=jurisdiction_prefix(str(claims["jurisdiction"])),
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError, InvalidValue) as e:
            raise TokenInvalid(str(e) or type(e).__name__) from None
        self.verified.put(token, actor, float(claims["exp"]))
        return actor

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        limit = self.max_lifetime.total_seconds()
        exp = float(claims["exp"])
        if exp - datetime.now(UTC).timestamp() > limit:
            raise TokenInvalid(f"the token expires more than {self.max_lifetime} from now")
        iat = claims.get("iat")
        if iat is not None and exp - float(iat) > limit:
            raise TokenInvalid(f"the token lives longer than the maximum {self.max_lifetime}")

    def _claims(self, token: str) -> dict[str, Any]:
        alg = jwt.get_unverified_header(token).get("alg")
        options: Options = {"require": ["sub", "exp"]}
        if alg == ALGORITHM and self.accept_hs256:
            claims: dict[str, Any] = jwt.decode(token, self.secret, algorithms=[ALGORITHM], options=options)
            return claims
        if alg == RS256 and self.public_keys:
            kid = jwt.get_unverified_header(token).get("kid")
            candidates = [k for k in self.public_keys if k.kid is None or k.kid == kid]
            if not candidates:
                raise TokenInvalid(f"no key for kid {kid!r}")
            error: Exception = TokenInvalid("no key")
            for candidate in candidates:
                try:
                    claims = jwt.decode(
                        token,
                        candidate.key,
                        algorithms=[RS256],
                        options=options,
                        audience=self.audience,
                        issuer=self.issuer,
                    )
                    return claims
                except jwt.InvalidSignatureError as e:
                    error = e
            raise error
        raise TokenInvalid(f"tokens signed with {alg!r} are not accepted")


def token_issuer(settings: Settings) -> TokenIssuer:
    """The issuer and verifier the settings describe."""
    return TokenIssuer(
        secret=settings.token_secret,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
        public_keys=load_public_keys(settings.token_public_key_path, settings.jwks_path),
        accept_hs256=settings.accept_hs256,
        audience=settings.token_audience,
        issuer=settings.token_issuer,
        max_lifetime=timedelta(minutes=settings.token_max_lifetime_minutes),
    )
