"""The suite cleans up after itself: the PostgreSQL run works in a database it created and
drops, and a run leaves no temporary folders behind."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from tests.browser import live_server
from tests.conftest import DATABASE_PREFIX, IS_POSTGRES, SERVER_URL, TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parent.parent
# Where a run started by `test_a_run_leaves_nothing_behind` writes the name of its database.
REPORT_ENV = "GUTBRAIN_HYGIENE_REPORT"


def _database_exists(engine: Engine, name: str) -> bool:
    with engine.connect() as connection:
        query = sa.text("SELECT count(*) FROM pg_database WHERE datname = :name")
        return bool(connection.execute(query, {"name": name}).scalar_one())


def test_postgres_run_uses_a_database_of_its_own(seeded_engine: Engine) -> None:
    if not IS_POSTGRES:
        pytest.skip("the SQLite run uses a file in its own temporary folder")
    with seeded_engine.connect() as connection:
        name = connection.execute(sa.text("SELECT current_database()")).scalar_one()
    assert name == make_url(TEST_DATABASE_URL).database
    assert name.startswith(DATABASE_PREFIX)
    assert name != make_url(SERVER_URL).database
    assert os.environ["DATABASE_URL"] == TEST_DATABASE_URL
    if report := os.environ.get(REPORT_ENV):
        Path(report).write_text(name, encoding="utf-8")


def test_live_server_removes_its_log_folder(
    seeded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with live_server(seeded_engine.url.render_as_string(hide_password=False)) as base_url:
        assert httpx.get(f"{base_url}/health", timeout=5.0).status_code == 200
        assert list(tmp_path.glob("gutbrain-live-*"))
    assert not list(tmp_path.glob("gutbrain-live-*"))


def test_a_run_leaves_nothing_behind(seeded_engine: Engine, tmp_path: Path) -> None:
    """A small run of this module's other tests, in a temporary folder of its own, on the same
    database server: afterwards no `gutbrain-*` folder and no database of that run remain."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    report = tmp_path / "database"
    env = {
        **os.environ,
        "TMPDIR": str(temporary),
        "TEST_DATABASE_URL": SERVER_URL,
        REPORT_ENV: str(report),
    }
    module = Path(__file__).relative_to(ROOT)
    tests = [
        f"{module}::test_postgres_run_uses_a_database_of_its_own",
        f"{module}::test_live_server_removes_its_log_folder",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert ("2 passed" if IS_POSTGRES else "1 passed, 1 skipped") in output, output
    assert not list(temporary.glob("gutbrain-*")), output
    if IS_POSTGRES:
        name = report.read_text(encoding="utf-8")
        assert name.startswith(DATABASE_PREFIX)
        assert not _database_exists(seeded_engine, name), f"{name} was left behind"
