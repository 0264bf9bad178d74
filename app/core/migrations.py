"""The Alembic configuration, shared by `gutbrain migrate`, the readiness probe and the tests."""

from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory

from app.core.config import PROJECT_ROOT, get_settings


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    return config


@lru_cache
def head_revisions() -> tuple[str, ...]:
    """The revisions this code expects; the scripts cannot change while the process runs."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))
