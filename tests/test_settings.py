import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from app.core.config import Settings

SECRETS = ("CURSOR_SECRET", "API_KEY_SECRET", "WEBHOOK_SECRET_KEY")


@pytest.mark.parametrize("variable", SECRETS)
def test_production_refuses_each_development_secret(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    for other in SECRETS:
        monkeypatch.setenv(other, f"another-long-random-value-from-the-deployment-{other}")
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ValidationError, match=f"set {variable}: the development value is public"):
        Settings()
    monkeypatch.setenv(variable, "a-long-random-value-from-the-deployment")
    assert Settings().environment == "production"


def test_production_names_every_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    for variable in SECRETS:
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(
        ValidationError, match="set CURSOR_SECRET, API_KEY_SECRET and WEBHOOK_SECRET_KEY"
    ):
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
    environment = {key: value for key, value in os.environ.items() if key not in SECRETS}
    environment["ENVIRONMENT"] = "production"
    if secret:
        environment |= {name: f"{secret}-{name.lower()}" for name in SECRETS}
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
        assert "CURSOR_SECRET, API_KEY_SECRET and WEBHOOK_SECRET_KEY" in result.stderr
