"""Probes, and database outages: a 503 problem with Retry-After, never a 500, and recovery
without a restart once the database is back."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL, Engine

from app.core.db import create_db_engine, get_read_session
from app.main import app
from tests.conftest import IS_POSTGRES, drop_scratch, scratch_url, serving
from tests.helpers import assert_problem

CONTENT = "/v1/recommendations"
# A behavioural guard that nothing waits on a dead database, not a benchmark.
PROMPT_SECONDS = 10.0


def _timed_get(client: TestClient, url: str) -> httpx.Response:
    start = time.monotonic()
    response = client.get(url)
    assert time.monotonic() - start < PROMPT_SECONDS, f"{url} took too long"
    return response


def assert_unavailable(response: httpx.Response) -> dict[str, object]:
    body = assert_problem(response, 503)
    assert str(body["type"]).endswith("/problems/service-unavailable")
    assert response.headers["retry-after"] == "5"
    assert response.headers["cache-control"] == "no-store"
    assert "Traceback" not in response.text
    assert "Error" not in response.text
    return body


def test_livez_answers_without_the_database() -> None:
    with TestClient(app) as client:
        for path in ("/livez", "/health"):
            response = client.get(path)
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
            assert response.headers["cache-control"] == "no-store"


def test_readyz_on_the_migrated_database(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"
    assert response.headers["cache-control"] == "no-store"


def test_probes_stay_out_of_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/livez", "/readyz", "/health"} & set(paths)


def test_service_unavailable_is_a_documented_problem_type(client: TestClient) -> None:
    page = client.get("/problems/service-unavailable")
    assert page.status_code == 200
    assert "Retry-After" in page.text


def _failing_session(error: Exception) -> Callable[[], Iterator[None]]:
    def fail() -> Iterator[None]:
        raise error
        yield

    return fail


DRIVER_ERROR = Exception("connection to server at 10.0.0.7 failed")


@pytest.mark.parametrize(
    "error",
    [
        sa.exc.OperationalError("SELECT 1", {}, DRIVER_ERROR),
        sa.exc.InterfaceError("SELECT 1", {}, DRIVER_ERROR),
        sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        sa.exc.DBAPIError("SELECT 1", {}, DRIVER_ERROR, connection_invalidated=True),
    ],
    ids=["operational", "interface", "pool-timeout", "invalidated"],
)
def test_database_failures_are_503(client: TestClient, error: Exception) -> None:
    app.dependency_overrides[get_read_session] = _failing_session(error)
    try:
        response = client.get(CONTENT)
    finally:
        app.dependency_overrides.pop(get_read_session)
    assert_unavailable(response)
    assert "10.0.0.7" not in response.text


def test_other_database_errors_stay_500(client: TestClient) -> None:
    error = sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key"))
    app.dependency_overrides[get_read_session] = _failing_session(error)
    try:
        response = client.get(CONTENT)
    finally:
        app.dependency_overrides.pop(get_read_session)
    body = assert_problem(response, 500)
    assert str(body["type"]).endswith("/problems/server-error")
    assert "retry-after" not in response.headers


@pytest.fixture
def unmigrated_url() -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema, never migrated."""
    url = scratch_url("unmigrated")
    yield url
    drop_scratch(url)


@pytest.fixture
def unmigrated(unmigrated_url: str) -> Iterator[TestClient]:
    engine = create_db_engine(unmigrated_url)
    with serving(engine) as client:
        yield client
    engine.dispose()


def test_unmigrated_database_is_not_ready(unmigrated: TestClient) -> None:
    body = assert_unavailable(unmigrated.get("/readyz"))
    assert "gutbrain migrate" in str(body["detail"])
    assert unmigrated.get("/livez").status_code == 200


def test_content_on_unmigrated_database_is_503_without_internals(unmigrated: TestClient) -> None:
    body = assert_unavailable(unmigrated.get(CONTENT))
    assert "no such table" not in str(body)
    assert "UndefinedTable" not in str(body)


def _gutbrain(command: str, database_url: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("gutbrain", path=str(Path(sys.executable).parent))
    assert executable, "the gutbrain command is installed with the project"
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [executable, command], capture_output=True, text=True, env=environment, timeout=60
    )


@pytest.mark.parametrize("command", ["seed", "report"])
def test_cli_on_unmigrated_database_says_to_migrate(unmigrated_url: str, command: str) -> None:
    result = _gutbrain(command, unmigrated_url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "run `gutbrain migrate`" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _unreachable_url() -> str:
    if IS_POSTGRES:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"postgresql+psycopg://editor:s3cret-pw@127.0.0.1:{port}/test"
    return "sqlite:////nonexistent-directory/gutbrain.db"


def test_cli_on_unreachable_database_names_it_without_password() -> None:
    result = _gutbrain("seed", _unreachable_url())
    assert result.returncode == 1, result.stdout + result.stderr
    line, *rest = result.stderr.strip().splitlines()
    assert not rest, result.stderr
    assert line.startswith("cannot reach the database ")
    assert ("127.0.0.1" if IS_POSTGRES else "nonexistent-directory") in line
    assert "s3cret-pw" not in line


class TcpProxy:
    """Forwards a local port to the database, and can be cut off and restored on that port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._acceptor: threading.Thread | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._stop.clear()
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def stop(self) -> None:
        self._stop.set()
        if self._acceptor:
            self._acceptor.join()
        with self._lock:
            for connection in self._sockets:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while not self._stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                upstream = socket.create_connection(self.target)
                with self._lock:
                    self._sockets += [client, upstream]
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


@dataclass
class Outage:
    engine: Engine
    cut: Callable[[], None]
    restore: Callable[[], None]


def _postgres_outage(url: URL) -> Iterator[Outage]:
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    engine = create_db_engine(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    )
    try:
        yield Outage(engine, proxy.stop, proxy.start)
    finally:
        engine.dispose()
        proxy.stop()


SQLITE_FILES = ("", "-wal", "-shm")


def _sqlite_outage(url: URL, directory: Path) -> Iterator[Outage]:
    """A copy of the database file, moved away and back as a restore from backup would."""
    path = directory / "served.db"
    source = sqlite3.connect(url.database or "")
    with sqlite3.connect(path) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    aside = directory / "aside"
    aside.mkdir()

    def cut() -> None:
        for suffix in SQLITE_FILES:
            with suppress(FileNotFoundError):
                os.replace(f"{path}{suffix}", aside / f"served.db{suffix}")

    def restore() -> None:
        for suffix in SQLITE_FILES:
            with suppress(FileNotFoundError):
                os.remove(f"{path}{suffix}")
        for suffix in SQLITE_FILES:
            with suppress(FileNotFoundError):
                os.replace(aside / f"served.db{suffix}", f"{path}{suffix}")

    engine = create_db_engine(f"sqlite:///{path}")
    try:
        yield Outage(engine, cut, restore)
    finally:
        engine.dispose()


@pytest.fixture
def outage(seeded_engine: Engine, tmp_path: Path) -> Iterator[Outage]:
    """The seeded database behind something the test can take away and bring back."""
    url = seeded_engine.url
    yield from _postgres_outage(url) if IS_POSTGRES else _sqlite_outage(url, tmp_path)


def _assert_serving(client: TestClient) -> None:
    ready = _timed_get(client, "/readyz")
    assert ready.status_code == 200, ready.text
    content = _timed_get(client, CONTENT)
    assert content.status_code == 200, content.text
    assert content.json()["items"]


def test_outage_is_503_and_recovers_without_restart(outage: Outage) -> None:
    with serving(outage.engine) as client:
        _assert_serving(client)

        outage.cut()
        assert_unavailable(_timed_get(client, "/readyz"))
        assert _timed_get(client, "/livez").status_code == 200
        body = assert_unavailable(_timed_get(client, CONTENT))
        assert body["detail"] == "The database is unavailable; retry later."
        # Still down on the next try: nothing was retried into a success or a 500.
        assert_unavailable(_timed_get(client, CONTENT))

        outage.restore()
        _assert_serving(client)
