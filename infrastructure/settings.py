"""Settings from the environment (prefix ``JIUZHU_``) or a ``.env`` file."""

from __future__ import annotations

import binascii
from base64 import b64decode, b64encode
from pathlib import Path
from typing import Any, Literal

from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me-in-production"
#: AES-256 key for stored events in development only (base64 of 32 ASCII bytes); production sets its own.
DEV_CIPHER_KEY = b64encode(b"jiuzhu-dev-cipher-key-change-me!").decode()
DEV_INDEX_KEY = "jiuzhu-dev-index-key-change-me-in-production"
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"  # the library's AES-GCM through the cryptography package


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIUZHU_", env_file=".env", extra="ignore")

    database: Literal["sqlite", "postgres", "memory"] = "sqlite"
    dev: bool = False  # development mode (`jiuzhu serve --dev`): the built-in public keys are accepted
    sqlite_path: Path = Path("var/jiuzhu.sqlite")
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/jiuzhu"
    postgres_schema: str = ""
    create_tables: bool = True
    token_secret: str = Field(default=DEV_SECRET, min_length=32)  # HS256 wants at least 32 bytes
    index_key: str = Field(default=DEV_INDEX_KEY, min_length=32)
    token_ttl_minutes: int = Field(default=12 * 60, gt=0)  # lifetime of the tokens `jiuzhu token` issues
    token_max_lifetime_minutes: int = Field(default=12 * 60, gt=0)  # no token, local or an IdP's, lives longer
    max_future_days: int = Field(default=366, ge=0)
    analyst_min_cell: int = Field(default=5, ge=1)  # analysts: a cell of fewer households is suppressed
    seed_policy: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    # Personal data at rest: events (and stored idempotent responses) are encrypted with AES-GCM.
    cipher_key: str = DEV_CIPHER_KEY  # base64 of 16, 24 or 32 bytes: `jiuzhu cipher-key` makes one
    # Bearer tokens from an identity provider (RS256), besides local HS256 tokens signed with token_secret.
    token_public_key_path: Path | None = None  # a PEM public key
    jwks_path: Path | None = None  # a JWKS file (keys chosen by the token's "kid")
    accept_hs256: bool = True  # accept local tokens signed with token_secret (`jiuzhu token`)
    token_audience: str | None = None  # the "aud" RS256 tokens must carry, when set
    token_issuer: str | None = None  # the "iss" RS256 tokens must carry, when set
    agencies_path: Path | None = None  # the agency clients of the DCI lookups (None: infrastructure/seed/agencies.yaml)
    # Limits: request bodies, and requests per minute per user (per client address without a token).
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_upload_bytes: int = Field(default=64 * 1024 * 1024, gt=0)  # a roll uploaded to POST /api/v1/imports/roll
    rate_per_minute: int = Field(default=6000, gt=0)
    # Reverse proxies (comma-separated addresses or networks) whose X-Forwarded-For / -Proto are believed;
    # empty: none, and the rate is keyed by the connecting address itself.
    trusted_proxies: str = ""
    # Deployment (docs/operations.md): who projects the views, readiness bounds, retries, the database pool.
    projections: Literal["inline", "workers"] = "inline"  # workers: `jiuzhu project` processes keep the views
    projection_wait_seconds: float = Field(default=10.0, gt=0)  # a read waits this long for the workers
    ready_max_lag_events: int = Field(default=10_000, ge=0)  # /readyz: 503 beyond this projection lag …
    ready_max_lag_seconds: float = Field(default=60.0, ge=0)  # … or this age of the oldest unprojected event
    idempotency_lease_seconds: float = Field(default=10.0, gt=0)  # an unrenewed claim (its worker died) is taken over
    postgres_pool_size: int = Field(default=5, ge=1)
    # Concurrent saves of different households committed in one transaction (infrastructure.group_commit).
    group_commit: bool = False
    postgres_connect_timeout: int = Field(default=5, ge=1)  # seconds to wait for a connection before a 503
    log_format: Literal["json", "text"] = "json"

    @model_validator(mode="after")
    def _ttl_within_maximum(self) -> Settings:
        if self.token_ttl_minutes > self.token_max_lifetime_minutes:
            raise ValueError("token_ttl_minutes must not exceed token_max_lifetime_minutes")
        return self

    @field_validator("cipher_key")
    @classmethod
    def _aes_key(cls, value: str) -> str:
        try:
            size = len(b64decode(value.encode(), validate=True))
        except (binascii.Error, ValueError):
            raise ValueError("cipher_key must be base64") from None
        if size not in (16, 24, 32):
            raise ValueError(f"cipher_key must decode to 16, 24 or 32 bytes, not {size}")
        return value

    def development_keys(self) -> list[str]:
        """One line for each key still at its public built-in development value: which variable to
        set and how to make a value. Outside ``--dev`` the API refuses to start while any is left."""
        found = []
        if self.token_secret == DEV_SECRET:
            found.append("JIUZHU_TOKEN_SECRET is the public development secret: set it (`jiuzhu secret` makes one)")
        if self.cipher_key == DEV_CIPHER_KEY:
            found.append("JIUZHU_CIPHER_KEY is the public development key: set it (`jiuzhu cipher-key` makes one)")
        if self.index_key == DEV_INDEX_KEY:
            found.append("JIUZHU_INDEX_KEY is the public development key: set it (`jiuzhu secret` makes one)")
        return found

    def proxy_options(self) -> dict[str, Any]:
        """uvicorn's proxy-header options: forwarded headers are honoured only from ``trusted_proxies``."""
        trusted = ",".join(p.strip() for p in self.trusted_proxies.split(",") if p.strip())
        return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}

    def persistence_env(self) -> dict[str, str]:
        """The eventsourcing library's environment for the chosen backend."""
        env = {
            "CREATE_TABLE": "y" if self.create_tables else "n",
            "CIPHER_TOPIC": CIPHER_TOPIC,
            "CIPHER_KEY": self.cipher_key,
        }
        if self.database == "memory":
            return {**env, "PERSISTENCE_MODULE": "eventsourcing.popo"}
        if self.database == "sqlite":
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {**env, "PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(self.sqlite_path)}
        parts = conninfo_to_dict(self.postgres_dsn)
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=str(parts.get("dbname", "jiuzhu")),
            POSTGRES_HOST=str(parts.get("host", "127.0.0.1")),
            POSTGRES_PORT=str(parts.get("port", "5432")),
            POSTGRES_USER=str(parts.get("user", "postgres")),
            POSTGRES_PASSWORD=str(parts.get("password", "")),
            POSTGRES_POOL_SIZE=str(self.postgres_pool_size),
            POSTGRES_CONNECT_TIMEOUT=str(self.postgres_connect_timeout),
            POSTGRES_PRE_PING="y",  # after a database restart, a dead pooled connection is replaced, not used
            GROUP_COMMIT="y" if self.group_commit else "n",
        )
        if self.postgres_schema:
            env["POSTGRES_SCHEMA"] = self.postgres_schema
        return env
