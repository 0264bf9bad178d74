import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from app.core.config import Settings


@pytest.mark.parametrize(
    ("variable", "other"),
    [("CURSOR_SECRET", "API_KEY_SECRET"), ("API_KEY_SECRET", "CURSOR_SECRET")],
)
def test_production_refuses_each_development_secret(
    monkeypatch: pytest.MonkeyPatch, variable: str, other: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv(other, "another-long-random-value-from-the-deployment")
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ValidationError, match=f"set {variable}: the development value is public"):
        Settings()
    monkeypatch.setenv(variable, "a-long-random-value-from-the-deployment")
    assert Settings().environment == "production"


def test_production_names_every_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    monkeypatch.delenv("API_KEY_SECRET", raising=False)
    with pytest.raises(ValidationError, match="set CURSOR_SECRET and API_KEY_SECRET"):
        Settings()


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@db.internal:5432/gutbrain")
    assert Settings().database_url == "postgresql+psycopg://app@db.internal:5432/gutbrain"


@pytest.mark.parametrize(
    ("secret", "starts"), [(None, False), ("a-long-random-value-from-the-deployment", True)]
)
def test_production_app_refuses_to_start_on_the_development_secret(
    secret: str | None, starts: bool
) -> None:
    secrets = ("CURSOR_SECRET", "API_KEY_SECRET")
    environment = {key: value for key, value in os.environ.items() if key not in secrets}
    environment["ENVIRONMENT"] = "production"
    if secret:
        environment |= {name: f"{secret}-{name.lower()}" for name in secrets}
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
        assert "CURSOR_SECRET and API_KEY_SECRET" in result.stderr
