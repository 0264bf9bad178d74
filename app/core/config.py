"""Settings read from the environment."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_CURSOR_SECRET = "development-only-cursor-secret"


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
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="Scheme, host and path prefix of every absolute URL the API hands out; never"
        " taken from the request's Host header.",
    )
    db_pool_size: int = Field(default=5, ge=1)
    db_echo: bool = False

    @model_validator(mode="after")
    def production_has_its_own_secret(self) -> Self:
        if self.environment == "production" and self.cursor_secret == DEVELOPMENT_CURSOR_SECRET:
            raise ValueError("set CURSOR_SECRET: the development value is public")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
