"""Helpers for the headless-browser tests: a live server, a browser and a watched page."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Route

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BROWSER_PATH = os.environ.get("BROWSER_PATH") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 20.0
# Bounded waits for anything the browser does, in milliseconds.
WAIT_MS = 10_000
NAVIGATION_MS = 15_000
SERIOUS_IMPACTS = {"serious", "critical"}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log: Path) -> bool:
    """True once `/health` answers 200; False if the server exits or the time runs out."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def live_server(
    database_url: str, attempts: int = 3, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`uvicorn app.main:app` in a subprocess on a free local port, with `workers` worker
    processes and `env` added to the environment; yields its base URL. Its log folder is
    removed once the server stops; a failure quotes the logs."""
    log_dir = Path(tempfile.mkdtemp(prefix="gutbrain-live-"))
    try:
        failures: list[str] = []
        for attempt in range(attempts):
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            environment = {
                **os.environ,
                **(env or {}),
                "DATABASE_URL": database_url,
                "PUBLIC_BASE_URL": base_url,
            }
            log = log_dir / f"uvicorn-{attempt}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", "app.main:app", "--workers", str(workers)]
                    + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                    cwd=ROOT,
                    env=environment,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            try:
                if _wait_until_up(process, base_url, log):
                    yield base_url
                    return
            finally:
                _stop(process)
            failures.append(f"port {port}: {log.read_text(errors='replace')[-2000:]}")
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)
    pytest.fail(
        f"the live server did not answer /health within {SERVER_START_SECONDS:.0f} s:\n"
        + "\n".join(failures)
    )


def launch_browser(playwright: Playwright) -> Browser:
    """Chromium from BROWSER_PATH; a missing browser skips, or fails with CI=true."""
    path = Path(BROWSER_PATH)
    if not (path.is_file() and os.access(path, os.X_OK)):
        message = (
            f"no browser at {BROWSER_PATH}: install Debian's chromium "
            "(./scripts/test does so as root) or set BROWSER_PATH"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI requires the browser tests")
        pytest.skip(message)
    return playwright.chromium.launch(executable_path=str(path), args=LAUNCH_ARGS)


@dataclass
class WatchedPage:
    """A page in its own context that records errors and blocks every foreign request."""

    page: Page
    context: BrowserContext
    allowed_origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location
            self.console_errors.append(
                f"{message.text} ({location.get('url')}:{location.get('lineNumber')})"
            )

    def _on_route(self, route: Route) -> None:
        url = route.request.url
        if origin(url) == self.allowed_origin:
            route.continue_()
        else:
            self.foreign_requests.append(f"{route.request.method} {url}")
            route.abort()

    def goto(self, url: str, wait_until: Any = "load") -> None:
        response = self.page.goto(url, wait_until=wait_until, timeout=NAVIGATION_MS)
        assert response is not None, f"no response for {url}"
        assert response.status == 200, f"{url} answered {response.status}"

    def problems(self) -> str:
        """Every recorded error and foreign request, one per line; empty when clean."""
        lines = [f"console error: {text}" for text in self.console_errors]
        lines += [f"page error: {text}" for text in self.page_errors]
        lines += [f"foreign request (aborted): {text}" for text in self.foreign_requests]
        return "\n".join(lines)

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, f"{self.page.url}:\n{problems}"

    def screenshot(self, name: str, width: int, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{width}.png"
        self.page.screenshot(path=path, full_page=full_page)
        return path


@contextmanager
def watched_page(
    browser: Browser, base_url: str, width: int, color_scheme: Any = "light"
) -> Iterator[WatchedPage]:
    """A fresh context and page at this viewport width and colour scheme, watched from its
    first request."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=color_scheme
    )
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        watched = WatchedPage(page=page, context=context, allowed_origin=origin(base_url))
        context.route("**/*", watched._on_route)
        page.on("console", watched._on_console)
        page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
        yield watched
    finally:
        context.close()


def serious_violations(response: dict[str, Any]) -> list[str]:
    """The axe violations of serious or critical impact, each with the nodes it found."""
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"])
        for violation in response["violations"]
        if violation.get("impact") in SERIOUS_IMPACTS
    ]


def screenshot_name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"
