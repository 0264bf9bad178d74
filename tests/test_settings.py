import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from app.core.config import Settings


def test_production_refuses_the_development_cursor_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    with pytest.raises(ValidationError, match="CURSOR_SECRET"):
        Settings()
    monkeypatch.setenv("CURSOR_SECRET", "a-long-random-value-from-the-deployment")
    assert Settings().environment == "production"


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@db.internal:5432/gutbrain")
    assert Settings().database_url == "postgresql+psycopg://app@db.internal:5432/gutbrain"


@pytest.mark.parametrize(
    ("secret", "starts"), [(None, False), ("a-long-random-value-from-the-deployment", True)]
)
def test_production_app_refuses_to_start_on_the_development_secret(
    secret: str | None, starts: bool
) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "CURSOR_SECRET"}
    environment["ENVIRONMENT"] = "production"
    if secret:
        environment["CURSOR_SECRET"] = secret
    result = subprocess.run(
        [sys.executable, "-c", "import app.main"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "CURSOR_SECRET" in result.stderr
