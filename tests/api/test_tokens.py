"""Bearer tokens: local HS256, RS256 from an identity provider (PEM or JWKS), expiry, refused algorithms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import build_services
from domain.values import Role
from infrastructure.settings import Settings
from infrastructure.tokens import TokenInvalid, TokenIssuer, VerifiedTokens, load_public_keys, token_issuer
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import API, assert_problem
from tests.support import fixed_clock

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def keys() -> list[rsa.RSAPrivateKey]:
    """Two RSA key pairs made for this test run."""
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def claims(**overrides: Any) -> dict[str, Any]:
    base = {
        "sub": "idp-user",
        "role": "analyst",
        "jurisdiction": "430112",
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def rs256(key: rsa.RSAPrivateKey, kid: str | None = None, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid} if kid else None)


def jwks_file(tmp_path: Path, keys: list[rsa.RSAPrivateKey]) -> Path:
    entries = [
        {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(k.public_key())), "kid": f"k{i}", "alg": "RS256", "use": "sig"}
        for i, k in enumerate(keys)
    ]
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": entries}))
    return path


def issuer(**kw: Any) -> TokenIssuer:
    return TokenIssuer(secret=TOKEN_SECRET, ttl=timedelta(hours=1), **kw)


def test_rs256_token_is_accepted_over_http(tmp_path: Path, keys: list[rsa.RSAPrivateKey]) -> None:
    """With a PEM public key configured, an identity provider's RS256 token calls the API; a forged one gets 401."""
    (tmp_path / "idp.pem").write_bytes(pem(keys[0]))
    settings = Settings(
        database="memory", token_secret=TOKEN_SECRET, token_public_key_path=tmp_path / "idp.pem", _env_file=None
    )  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as client:
        params = {"from": "2024-01", "to": "2024-02"}
        r = client.get(f"{API}/statistics", params=params, headers={"Authorization": f"Bearer {rs256(keys[0])}"})
        assert r.status_code == 200, r.text
        r = client.get(f"{API}/statistics", params=params, headers={"Authorization": f"Bearer {rs256(keys[1])}"})
        assert_problem(r, 401, "unauthenticated")


def test_jwks_picks_the_key_by_kid(tmp_path: Path, keys: list[rsa.RSAPrivateKey]) -> None:
    """A JWKS file's key is chosen by the token's kid; an unknown kid or a wrong key is refused."""
    tokens = issuer(public_keys=load_public_keys(jwks_path=jwks_file(tmp_path, keys)))
    assert tokens.verify(rs256(keys[1], kid="k1")).user_id == "idp-user"
    with pytest.raises(TokenInvalid, match="no key for kid"):
        tokens.verify(rs256(keys[1], kid="k9"))
    with pytest.raises(TokenInvalid, match="Signature"):
        tokens.verify(rs256(keys[0], kid="k1"))


def test_rs256_expiry_audience_and_issuer_are_enforced(keys: list[rsa.RSAPrivateKey], tmp_path: Path) -> None:
    """An expired or exp-less RS256 token is refused; a configured audience and issuer must match."""
    (tmp_path / "idp.pem").write_bytes(pem(keys[0]))
    public = load_public_keys(pem_path=tmp_path / "idp.pem")
    plain = issuer(public_keys=public)
    with pytest.raises(TokenInvalid, match="expired"):
        plain.verify(rs256(keys[0], exp=int((NOW - timedelta(minutes=1)).timestamp())))
    with pytest.raises(TokenInvalid, match="exp"):
        plain.verify(rs256(keys[0], exp=None))
    strict = issuer(public_keys=public, audience="jiuzhu", issuer="https://idp.example")
    with pytest.raises(TokenInvalid):
        strict.verify(rs256(keys[0]))
    with pytest.raises(TokenInvalid):
        strict.verify(rs256(keys[0], aud="jiuzhu", iss="https://other.example"))
    assert strict.verify(rs256(keys[0], aud="jiuzhu", iss="https://idp.example")).role is Role.ANALYST


def test_refused_algorithms(keys: list[rsa.RSAPrivateKey], tmp_path: Path) -> None:
    """alg none, HS256 signed with the public key (algorithm confusion), RS256 without keys, HS256 when off: 401."""
    (tmp_path / "idp.pem").write_bytes(pem(keys[0]))
    tokens = issuer(public_keys=load_public_keys(pem_path=tmp_path / "idp.pem"))
    none = jwt.encode(claims(), key=None, algorithm="none")
    with pytest.raises(TokenInvalid, match="not accepted"):
        tokens.verify(none)
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    signature = hmac.new(pem(keys[0]), header + b"." + payload, hashlib.sha256).digest()
    confused = b".".join([header, payload, base64.urlsafe_b64encode(signature).rstrip(b"=")]).decode()
    with pytest.raises(TokenInvalid, match="Signature"):
        tokens.verify(confused)
    with pytest.raises(TokenInvalid, match="not accepted"):
        issuer().verify(rs256(keys[0]))
    local = issuer().issue("cw-1", Role.CASEWORKER, "430112")
    with pytest.raises(TokenInvalid, match="not accepted"):
        issuer(accept_hs256=False).verify(local)


def test_local_tokens_expire(keys: list[rsa.RSAPrivateKey]) -> None:
    """A local HS256 token is valid within its lifetime and refused after it."""
    tokens = issuer()
    assert tokens.verify(tokens.issue("cw-1", Role.CASEWORKER, "430112")).role is Role.CASEWORKER
    old = tokens.issue("cw-1", Role.CASEWORKER, "430112", now=NOW - timedelta(hours=2))
    with pytest.raises(TokenInvalid, match="expired"):
        tokens.verify(old)


def test_settings_build_the_verifier(tmp_path: Path, keys: list[rsa.RSAPrivateKey]) -> None:
    """token_issuer(settings) loads the PEM and JWKS keys and the HS256 switch."""
    (tmp_path / "idp.pem").write_bytes(pem(keys[0]))
    settings = Settings(
        token_secret=TOKEN_SECRET,
        token_public_key_path=tmp_path / "idp.pem",
        jwks_path=jwks_file(tmp_path, keys),
        accept_hs256=False,
        _env_file=None,
    )  # type: ignore[call-arg]
    tokens = token_issuer(settings)
    assert [k.kid for k in tokens.public_keys] == [None, "k0", "k1"]
    assert not tokens.accept_hs256


def test_local_token_with_a_far_expiry_is_refused(client: TestClient) -> None:
    """An HS256 token signed with the right secret but expiring in 2999 gets 401, naming the maximum lifetime."""
    forever = jwt.encode(
        {"sub": "ad-1", "role": "admin", "jurisdiction": "430112", "exp": 32503680000, "iat": int(NOW.timestamp())},
        TOKEN_SECRET,
        algorithm="HS256",
    )
    r = client.get(f"{API}/statistics?from=2024-01&to=2024-02", headers={"Authorization": f"Bearer {forever}"})
    body = assert_problem(r, 401, "unauthenticated")
    assert "12:00:00" in body["detail"]


def test_identity_provider_token_is_held_to_the_maximum_lifetime(keys: list[rsa.RSAPrivateKey]) -> None:
    """An RS256 token without iat expiring beyond the maximum, or with exp − iat beyond it, is refused;
    one within the configured maximum is accepted."""
    idp = issuer(public_keys=load_public_keys_from(keys[0]), max_lifetime=timedelta(hours=2))
    with pytest.raises(TokenInvalid, match="from now"):
        idp.verify(rs256(keys[0], exp=int((NOW + timedelta(hours=3)).timestamp())))
    long_lived = rs256(keys[0], iat=int((NOW - timedelta(hours=5)).timestamp()))
    with pytest.raises(TokenInvalid, match="longer than"):
        idp.verify(long_lived)
    assert idp.verify(rs256(keys[0], iat=int(NOW.timestamp()))).user_id == "idp-user"


def test_maximum_lifetime_is_a_setting_the_issued_lifetime_must_respect() -> None:
    """JIUZHU_TOKEN_MAX_LIFETIME_MINUTES reaches the verifier; a ttl longer than it is refused at start."""
    settings = Settings(
        database="memory",
        token_secret=TOKEN_SECRET,
        token_max_lifetime_minutes=60,
        token_ttl_minutes=30,
        _env_file=None,
    )  # type: ignore[call-arg]
    assert token_issuer(settings).max_lifetime == timedelta(minutes=60)
    with pytest.raises(ValueError, match="token_max_lifetime_minutes"):
        Settings(database="memory", token_secret=TOKEN_SECRET, token_max_lifetime_minutes=60, _env_file=None)  # type: ignore[call-arg]


def load_public_keys_from(key: rsa.RSAPrivateKey) -> tuple[Any, ...]:
    from infrastructure.tokens import PublicKey

    return (PublicKey(key.public_key()),)


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    """The second verification of a token is a lookup, valid only while the token is unexpired."""
    issued = datetime.now(UTC)
    now = [issued.timestamp()]
    tokens = issuer(verified=VerifiedTokens(clock=lambda: now[0]))
    token = tokens.issue("cw-1", Role.CASEWORKER, "430112", now=issued - timedelta(minutes=59))  # exp in a minute
    assert tokens.verify(token).user_id == "cw-1"
    assert tokens.verified.get(token) is not None  # remembered
    assert tokens.verify(token).user_id == "cw-1"
    now[0] += 61  # past its exp by the memory's clock
    assert tokens.verified.get(token) is None  # forgotten: the next verify checks it in full again
    assert len(tokens.verified) == 0


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    """End to end with the real clock: accepted (and remembered) a second before its exp, refused after it."""
    tokens = issuer()
    issued = datetime.now(UTC) - timedelta(hours=1) + timedelta(seconds=1.5)
    token = tokens.issue("cw-1", Role.CASEWORKER, "430112", now=issued)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert tokens.verify(token).user_id == "cw-1"
    assert tokens.verify(token).user_id == "cw-1"
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    with pytest.raises(TokenInvalid, match="expired"):
        tokens.verify(token)


def test_refused_tokens_are_never_remembered(keys: list[rsa.RSAPrivateKey]) -> None:
    """A forged or tampered token is checked and refused every time; a valid one does not vouch for it."""
    tokens = issuer()
    good = tokens.issue("cw-1", Role.CASEWORKER, "430112")
    tokens.verify(good)
    forged = TokenIssuer(secret="someone-elses-secret-of-32-bytes-or-more", ttl=timedelta(hours=1))
    header, payload, signature = good.split(".")
    admin = base64.urlsafe_b64encode(json.dumps(claims(sub="cw-1", role="admin")).encode()).rstrip(b"=").decode()
    for bad in (forged.issue("cw-1", Role.ADMIN, "430112"), f"{header}.{admin}.{signature}"):
        for _ in range(2):
            with pytest.raises(TokenInvalid):
                tokens.verify(bad)
    assert len(tokens.verified) == 1


def test_remembered_tokens_are_bounded() -> None:
    """At most ``size`` tokens are remembered, the least recently used forgotten first."""
    tokens = issuer(verified=VerifiedTokens(size=2))
    first, second, third = (tokens.issue(f"cw-{i}", Role.CASEWORKER, "430112") for i in range(3))
    tokens.verify(first)
    tokens.verify(second)
    tokens.verify(first)  # used again: second is now the least recent
    tokens.verify(third)
    assert tokens.verified.get(second) is None
    assert tokens.verified.get(first) is not None
    assert tokens.verified.get(third) is not None
