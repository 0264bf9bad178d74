"""Clients generated from the committed openapi.json compile, type-check and work against a live
server: a Python client (openapi-python-client, checked with mypy) and TypeScript types
(openapi-typescript) used through openapi-fetch (checked with tsc under `strict` and
`exactOptionalPropertyTypes`). Each runs its smoke script, `clients/python/smoke.py` and
`clients/typescript/smoke.ts`: a filtered list walked with `cursor`, a detail, a conditional GET
answered 304 and a 404 problem.

The generators come from `./scripts/test`: openapi-python-client in its own virtualenv,
`.venv/openapi-python-client` (it pins older typer and httpx than the service), the npm packages
from `clients/package-lock.json` (`npm ci`). Without them these tests skip, or fail with CI=true.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.browser import live_server

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
NODE_BIN = CLIENTS / "node_modules" / ".bin"
GENERATOR = Path(
    os.environ.get("OPENAPI_PYTHON_CLIENT")
    or ROOT / ".venv" / "openapi-python-client" / "bin" / "openapi-python-client"
)
STEP_SECONDS = 120


def require(available: bool, message: str) -> None:
    """Skips when a tool is missing, except with CI=true, where it fails."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI requires the generated-client tests")
    pytest.skip(message)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Runs a step; a failure quotes its output."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{output}"
    return output


@pytest.fixture(scope="module")
def base_url(seeded_engine: Engine) -> Iterator[str]:
    """One live server for the module, on the seeded test database."""
    with live_server(seeded_engine.url.render_as_string(hide_password=False)) as url:
        yield url


def test_python_client(base_url: str, tmp_path: Path) -> None:
    require(
        GENERATOR.is_file(),
        f"no openapi-python-client at {GENERATOR} (./scripts/test installs it)",
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        "project_name_override: gutbrain-client\npackage_name_override: gutbrain_client\n"
    )
    # Its post-generation hooks run ruff, from the generator's own virtualenv.
    tool_path = f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    run(
        [str(GENERATOR), "generate", "--path", str(ROOT / "openapi.json"), "--fail-on-warning"]
        + ["--config", str(config), "--meta", "none"]
        + ["--output-path", str(tmp_path / "gutbrain_client")],
        cwd=tmp_path,
        env={"PATH": tool_path},
    )
    smoke = tmp_path / "smoke.py"
    shutil.copy(CLIENTS / "python" / "smoke.py", smoke)
    # openapi-python-client 0.29's client.py forwards `*args: object` to `__exit__`, which
    # mypy 2 refuses as arg-type in that module only; the rest is checked strictly.
    (tmp_path / "mypy.ini").write_text(
        "[mypy]\nstrict = True\n\n[mypy-gutbrain_client.client]\ndisable_error_code = arg-type\n"
    )
    run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--no-incremental"]
        + ["gutbrain_client", "smoke.py"],
        cwd=tmp_path,
    )
    output = run([sys.executable, "smoke.py", base_url], cwd=tmp_path)
    assert "304, 404 ok" in output, output


def test_typescript_client(base_url: str, tmp_path: Path) -> None:
    node = shutil.which("node")
    require(node is not None, "Node.js is not installed")
    assert node is not None
    require(
        (NODE_BIN / "tsc").exists() and (NODE_BIN / "openapi-typescript").exists(),
        f"no npm packages in {CLIENTS / 'node_modules'} (run `npm ci` in clients/)",
    )
    # The smoke script and its tsconfig beside the generated types, resolving the packages
    # from clients/node_modules.
    for name in ("smoke.ts", "tsconfig.json"):
        shutil.copy(CLIENTS / "typescript" / name, tmp_path / name)
    (tmp_path / "package.json").write_text('{"type": "module", "private": true}\n')
    (tmp_path / "node_modules").symlink_to(CLIENTS / "node_modules", target_is_directory=True)
    run(
        [str(NODE_BIN / "openapi-typescript"), str(ROOT / "openapi.json")]
        + ["--output", str(tmp_path / "api.d.ts")],
        cwd=tmp_path,
    )
    # Type-checks and compiles in one go: noEmitOnError, so a type error emits nothing.
    run([str(NODE_BIN / "tsc"), "--project", "tsconfig.json"], cwd=tmp_path)
    output = run([node, str(tmp_path / "out" / "smoke.js"), base_url], cwd=tmp_path)
    assert "304, 404 ok" in output, output
