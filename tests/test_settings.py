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
