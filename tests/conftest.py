"""Test databases are built by the real migrations, on SQLite or on PostgreSQL.

`TEST_DATABASE_URL` picks the database server (a temporary SQLite file by default). On PostgreSQL
the run creates a database of its own on that server, `gutbrain_test_<8 hex>`, and drops it at the
end; the database the URL names is only connected to, never changed. The seeded database that the
API tests read is built once per run; tests that write get a scratch database of their own: a new
SQLite file, or a new schema inside the run's PostgreSQL database. The run's temporary folder is
removed at the end.

Pytest loads this file as `conftest` and tests import it again as `tests.conftest`; the folder and
the database are made once, by the first import, and handed to the second through the environment.
"""

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine, make_url

DATABASE_PREFIX = "gutbrain_test_"
# Set by the first import of this module, read by the second; the owner is the process that
# made the folder and the database, the only one that removes them.
_TMP_ENV = "GUTBRAIN_TESTS_TMP"
_DATABASE_ENV = "GUTBRAIN_TESTS_DATABASE_URL"
_OWNER_ENV = "GUTBRAIN_TESTS_OWNER"
SERVER_URL = os.environ.get("TEST_DATABASE_URL") or ""
IS_POSTGRES = SERVER_URL.startswith("postgresql")


def _create_database(server_url: str) -> str:
    """A new, empty database on this server, named by the run; its URL. When the server cannot
    be reached, the URL of a database that does not exist, so `_require_reachable` reports it."""
    name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:8]}"
    try:
        admin = sa.create_engine(
            server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10}
        )
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
    except sa.exc.OperationalError:
        pass
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    if not (name or "").startswith(DATABASE_PREFIX):
        raise ValueError(f"not a database made by this run: {name}")
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


if os.environ.get(_OWNER_ENV) != str(os.getpid()):
    os.environ[_OWNER_ENV] = str(os.getpid())
    os.environ[_TMP_ENV] = tempfile.mkdtemp(prefix="gutbrain-tests-")
    os.environ[_DATABASE_ENV] = _create_database(SERVER_URL) if IS_POSTGRES else ""
_TMP = Path(os.environ[_TMP_ENV])
TEST_DATABASE_URL = os.environ[_DATABASE_ENV] or f"sqlite:///{_TMP / 'api.db'}"
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
# Links point at the test client's host, so tests can follow them.
os.environ["PUBLIC_BASE_URL"] = "http://testserver"
# The suite sends many requests from one test client: a budget it cannot spend, in this process.
# tests/test_rate_limits.py builds apps with small budgets of their own.
os.environ["RATE_LIMIT"] = os.environ["RATE_LIMIT_API_KEY"] = "1000000/minute"
os.environ.pop("REDIS_URL", None)
# The app under test sends no webhooks on its own: tests/test_webhooks.py runs delivery workers
# of its own, on the databases it writes.
os.environ["WEBHOOK_DELIVERY_ENABLED"] = "false"

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.core.config import get_settings  # noqa: E402
from app.core.db import (  # noqa: E402
    create_db_engine,
    get_engine,
    get_read_session,
    get_write_session,
)
from app.core.types import utcnow  # noqa: E402
from app.keys.scopes import Scope  # noqa: E402
from app.keys.service import create_key  # noqa: E402
from app.main import app  # noqa: E402
from app.seeding.loader import load_seed  # noqa: E402

SEED_DIR = get_settings().seed_dir


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drops the run's PostgreSQL database and removes its temporary folder."""
    if os.environ.get(_OWNER_ENV) != str(os.getpid()):
        return
    get_engine().dispose()
    if IS_POSTGRES:
        # An unreachable server never got the database; `_require_reachable` said so.
        with suppress(sa.exc.OperationalError):
            _drop_database(SERVER_URL, TEST_DATABASE_URL)
    shutil.rmtree(_TMP, ignore_errors=True)
    for name in (_OWNER_ENV, _TMP_ENV, _DATABASE_ENV):
        os.environ.pop(name, None)


def _require_reachable(url: str) -> None:
    engine = create_db_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        pytest.exit(f"database {make_url(url).render_as_string()} is unreachable: {exc}", 3)
    finally:
        engine.dispose()


def scratch_url(name: str) -> str:
    """A fresh, empty database: a new SQLite file, or a new PostgreSQL schema."""
    if not IS_POSTGRES:
        return f"sqlite:///{_TMP / f'{uuid.uuid4().hex}.db'}"
    schema = f"t_{re.sub(r'[^a-z0-9_]', '_', name.lower())}_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def drop_scratch(url: str) -> None:
    if IS_POSTGRES:
        schema = make_url(url).query["options"].split("=", 1)[1]  # type: ignore[union-attr]
        admin = create_db_engine(TEST_DATABASE_URL)
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


@pytest.fixture(scope="session")
def seeded_engine() -> Iterator[Engine]:
    """The database the API serves in tests: migrated to head and loaded with the real seed."""
    _require_reachable(TEST_DATABASE_URL)
    engine = get_engine()
    migrate(TEST_DATABASE_URL)
    with Session(engine) as session:
        load_seed(session, SEED_DIR)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def client(seeded_engine: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def scratch_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty database built by the migrations, for tests that write."""
    _require_reachable(TEST_DATABASE_URL)
    url = scratch_url(request.node.name[:20])
    migrate(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()
    drop_scratch(url)


@contextmanager
def serving(engine: Engine) -> Iterator[TestClient]:
    """The API, reading from this database instead of the seeded one."""

    def session_on() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    def write_session_on() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session
            session.commit()

    app.dependency_overrides[get_read_session] = session_on
    app.dependency_overrides[get_write_session] = write_session_on
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.pop(get_read_session)
        app.dependency_overrides.pop(get_write_session)


KeyFactory = Callable[..., dict[str, str]]


def issue_key(
    engine: Engine,
    scopes: Iterable[Scope | str] = (),
    *,
    expires_at: datetime | None = None,
    revoked: bool = False,
) -> dict[str, str]:
    """A new API key in this database, under a name of its own, as request headers."""
    with Session(engine, expire_on_commit=False) as session:
        issued = create_key(
            session, f"test-{uuid.uuid4().hex[:12]}", [Scope(s) for s in scopes], expires_at
        )
        if revoked:
            issued.row.revoked_at = utcnow()
        session.commit()
    return {"Authorization": f"Bearer {issued.key}"}


@pytest.fixture
def make_key(seeded_engine: Engine) -> KeyFactory:
    """Issues API keys in the database `client` serves: `make_key([Scope.content_write])`,
    `make_key(Scope, expires_at=...)`, `make_key([...], revoked=True)`; each call returns the
    headers `{"Authorization": "Bearer <key>"}`."""

    def make(
        scopes: Iterable[Scope | str] = (),
        *,
        expires_at: datetime | None = None,
        revoked: bool = False,
    ) -> dict[str, str]:
        return issue_key(seeded_engine, scopes, expires_at=expires_at, revoked=revoked)

    return make


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """An editable copy of the seed content, quoting the real source documents."""
    shutil.copytree(SEED_DIR / "content", tmp_path / "content")
    (tmp_path / "sources").symlink_to((SEED_DIR / "sources").resolve())
    return tmp_path
