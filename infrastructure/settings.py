"""Settings from the environment (prefix ``JIUZHU_``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from psycopg.conninfo import conninfo_to_dict
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIUZHU_", env_file=".env", extra="ignore")

    database: Literal["sqlite", "postgres", "memory"] = "sqlite"
    sqlite_path: Path = Path("var/jiuzhu.sqlite")
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/jiuzhu"
    postgres_schema: str = ""
    create_tables: bool = True
    token_secret: str = Field(default=DEV_SECRET, min_length=32)  # HS256 wants at least 32 bytes
    index_key: str = Field(default="jiuzhu-dev-index-key-change-me-in-production", min_length=32)
    token_ttl_minutes: int = Field(default=12 * 60, gt=0)
    max_future_days: int = Field(default=366, ge=0)
    seed_policy: bool = True
    host: str = "127.0.0.1"
    port: int = 8000

    def persistence_env(self) -> dict[str, str]:
        """The eventsourcing library's environment for the chosen backend."""
        env = {"CREATE_TABLE": "y" if self.create_tables else "n"}
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
        )
        if self.postgres_schema:
            env["POSTGRES_SCHEMA"] = self.postgres_schema
        return env
