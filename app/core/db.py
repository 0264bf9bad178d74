"""Engine and session handling for SQLite (default) and PostgreSQL.

Every wait on the database is bounded, so that an outage answers a quick 503 instead of
holding requests: connecting (PostgreSQL), waiting for a pooled connection, waiting for a lock
(SQLite's file, PostgreSQL's rows) and, on PostgreSQL, any one statement.
"""

import os
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from typing import Annotated, Any

import anyio
import sqlalchemy as sa
from fastapi import Depends
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app.core.config import get_settings

CONNECT_TIMEOUT_SECONDS = 3
POOL_TIMEOUT_SECONDS = 5
SQLITE_BUSY_SECONDS = 5
# PostgreSQL: a write waiting on another's row lock, or any statement that hangs, gives up.
SERVER_WAITS = "-c lock_timeout=5s -c statement_timeout=30s"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _reopen_replaced_file(engine: Engine, path: str) -> None:
    """An open SQLite connection keeps reading its file after the file is moved, deleted or
    restored from a backup; a pooled connection whose file is no longer the one at `path` is
    replaced on checkout, as a dropped PostgreSQL connection is by the pre-ping."""

    def remember(_dbapi_connection: Any, record: Any) -> None:
        record.info["file_identity"] = _file_identity(path)

    def check(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file_identity") != _file_identity(path):
            raise sa.exc.DisconnectionError(f"{path} was replaced")

    sa.event.listen(engine, "connect", remember)
    sa.event.listen(engine, "checkout", check)


def create_db_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        path = parsed.database or ""
        on_file = path not in ("", ":memory:") and not path.startswith("file:")
        # A memory database's single-connection pool takes no timeout.
        pooling = {"pool_timeout": POOL_TIMEOUT_SECONDS} if on_file else {}
        engine = sa.create_engine(url, echo=echo, connect_args=connect_args, **pooling)
        sa.event.listen(engine, "connect", _set_sqlite_pragmas)
        if on_file:
            _reopen_replaced_file(engine, path)
        return engine
    # Merged with the URL's own query; a connect timeout in the URL wins, and server options
    # in the URL (such as a search_path) are kept before the waits set here.
    waits: dict[str, Any] = (
        {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )
    url_options = parsed.query.get("options", ())
    given = [url_options] if isinstance(url_options, str) else list(url_options)
    waits["options"] = " ".join([*given, SERVER_WAITS])
    return sa.create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args=waits,
    )


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return create_db_engine(
        settings.database_url, echo=settings.db_echo, pool_size=settings.db_pool_size
    )


@lru_cache
def get_read_engine() -> Engine:
    """The engine public reads use. On PostgreSQL they run outside a transaction: under READ
    COMMITTED each statement sees its own snapshot anyway, and a read without one costs no
    BEGIN and no ROLLBACK, two of its round trips. (The export, which needs one snapshot, opens
    its own.) SQLite begins no transaction before a read."""
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


@lru_cache
def get_watch_engine() -> Engine:
    """One connection of its own for the content version poll (app/core/content_version.py),
    so that requests holding every pooled connection never hold up the poll."""
    settings = get_settings()
    return create_db_engine(settings.database_url, pool_size=1)


async def get_read_session() -> AsyncIterator[Session]:
    """A session for public reads: it never commits. Made on the event loop, since making one
    does no I/O (the connection is taken at the first statement, in the endpoint's thread),
    which spares a trip to the thread pool; closed in a worker thread, as FastAPI closes a sync
    dependency's, since closing gives the connection back with a rollback. An endpoint may close
    it itself once its response is built, on its own thread, which spares that trip."""
    session = Session(get_read_engine(), expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))


ReadSession = Annotated[Session, Depends(get_read_session)]


def get_write_session() -> Iterator[Session]:
    """A session for writes: services flush, and this commits once, when the endpoint has
    returned and before the response is sent; an endpoint that raises leaves nothing behind."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
        session.commit()


# Scope "function": the commit runs before the response is sent, so a client never sees a
# success for a write that did not commit.
WriteSession = Annotated[Session, Depends(get_write_session, scope="function")]
