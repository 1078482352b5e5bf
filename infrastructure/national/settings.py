"""Settings of the national layer (prefix ``JIUZHU_``): which province a store is, NATS, the national store."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_NATIONAL_KEY = "jiuzhu-dev-national-key-change-me-in-production"


class NationalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIUZHU_", env_file=".env", extra="ignore")

    province: str = Field(default="43", pattern=r"^\d{2}$")  # the province this store serves (relay)
    store_id: str = ""  # names the store in message ids; default: "p<province>"
    nats_url: str = "nats://127.0.0.1:4222"
    nats_ack_wait: float = Field(default=30.0, gt=0)  # seconds before a message not acknowledged is re-delivered
    national_key: str = Field(default=DEV_NATIONAL_KEY, min_length=32)  # HMAC key of persons' national hashes
    subject_root: str = Field(default="jiuzhu", pattern=r"^[A-Za-z0-9_-]+$")  # jiuzhu.national.<p>, …findings.<p>
    stream_prefix: str = Field(default="JIUZHU", pattern=r"^[A-Za-z0-9_-]+$")  # streams <prefix>_NATIONAL, _FINDINGS
    national_dsn: str = "postgresql://postgres@127.0.0.1:5432/jiuzhu_national"
    national_schema: str = Field(default="national", pattern=r"^[a-z_][a-z0-9_]*$")

    def store(self) -> str:
        return self.store_id or f"p{self.province}"

    def national_subject(self, province: str = "*") -> str:
        return f"{self.subject_root}.national.{province}"

    def findings_subject(self, province: str = "*") -> str:
        return f"{self.subject_root}.findings.{province}"

    @property
    def national_stream(self) -> str:
        return f"{self.stream_prefix}_NATIONAL"

    @property
    def findings_stream(self) -> str:
        return f"{self.stream_prefix}_FINDINGS"
