"""Test databases are built by the real migrations, on SQLite or on PostgreSQL.

`TEST_DATABASE_URL` picks the database (a temporary SQLite file by default). The seeded database
that the API tests read is built once per run; tests that write get a scratch database of their
own: a new SQLite file, or a new schema on PostgreSQL.
"""

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine, make_url

_TMP = Path(tempfile.mkdtemp(prefix="gutbrain-tests-"))
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'api.db'}"
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
# Links point at the test client's host, so tests can follow them.
os.environ["PUBLIC_BASE_URL"] = "http://testserver"

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.core.config import get_settings  # noqa: E402
from app.core.db import create_db_engine, get_engine, get_read_session  # noqa: E402
from app.main import app  # noqa: E402
from app.seeding.loader import load_seed  # noqa: E402

SEED_DIR = get_settings().seed_dir
IS_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


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
    if IS_POSTGRES:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
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

    app.dependency_overrides[get_read_session] = session_on
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.pop(get_read_session)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """An editable copy of the seed content, quoting the real source documents."""
    shutil.copytree(SEED_DIR / "content", tmp_path / "content")
    (tmp_path / "sources").symlink_to((SEED_DIR / "sources").resolve())
    return tmp_path
