"""Settings read from the environment."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'gutbrain.db'}",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host:5432/db.",
    )
    seed_dir: Path = Field(default=PROJECT_ROOT / "seed")
    cursor_secret: str = Field(
        default="development-only-cursor-secret",
        description="Key that signs pagination cursors so clients cannot forge them.",
    )
    db_pool_size: int = Field(default=5, ge=1)
    db_echo: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()
