"""Engine and session handling for SQLite (default) and PostgreSQL."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import get_settings


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=pool_size)


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return create_db_engine(
        settings.database_url, echo=settings.db_echo, pool_size=settings.db_pool_size
    )


def get_read_session() -> Iterator[Session]:
    """A session for public reads: it never commits."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


ReadSession = Annotated[Session, Depends(get_read_session)]
