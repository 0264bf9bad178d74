"""Metrics, structured logs and graceful shutdown, through HTTP (TestClient and a live uvicorn)."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import get_settings
from app.core.db import get_engine, get_read_session
from app.keys.scopes import Scope
from app.main import app
from tests.browser import free_port
from tests.conftest import KeyFactory, issue_key

ROOT = Path(__file__).resolve().parent.parent
DETAIL_TEMPLATE = "/v1/recommendations/{slug}"
# Lines the test's own HTTP client logs, outside any request the app serves.
CLIENT_LOGGERS = {"httpx", "httpcore"}


def scrape(client: TestClient) -> dict[str, list[Sample]]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.text)
        if family.name.startswith("gutbrain_")
    }


def log_lines(text: str) -> list[dict[str, Any]]:
    """Every line logged, each of which must be one JSON object."""
    lines = [line for line in text.splitlines() if line.strip()]
    records = []
    for line in lines:
        record = json.loads(line)
        assert isinstance(record, dict), line
        records.append(record)
    return records


def app_lines(text: str) -> list[dict[str, Any]]:
    return [record for record in log_lines(text) if record["logger"] not in CLIENT_LOGGERS]


# Metrics


def test_requests_are_counted_by_route_template(client: TestClient) -> None:
    unknown = f"/v1/no-such-thing/{uuid.uuid4().hex}"
    assert client.get("/v1/recommendations/breastfeed").status_code == 200
    assert client.get(unknown).status_code == 404
    samples = scrape(client)["gutbrain_http_requests"]
    routes = {sample.labels["route"] for sample in samples}
    assert not any("breastfeed" in route or "no-such-thing" in route for route in routes)
    found = {
        (sample.labels["method"], sample.labels["route"], sample.labels["status"]): sample.value
        for sample in samples
        if sample.name == "gutbrain_http_requests_total"
    }
    assert found[("GET", DETAIL_TEMPLATE, "200")] >= 1
    assert found[("GET", "unmatched", "404")] >= 1


def test_latency_is_a_histogram_per_route_template(client: TestClient) -> None:
    client.get("/v1/recommendations/breastfeed")
    samples = scrape(client)["gutbrain_http_request_duration_seconds"]
    detail = [
        sample
        for sample in samples
        if (sample.labels.get("method"), sample.labels.get("route")) == ("GET", DETAIL_TEMPLATE)
    ]
    buckets = {s.labels["le"]: s.value for s in detail if s.name.endswith("_bucket")}
    assert {"0.005", "0.1", "1.0", "10.0", "+Inf"} <= set(buckets)
    (count,) = [s.value for s in detail if s.name.endswith("_count")]
    assert count >= 1
    assert buckets["+Inf"] == count


def test_pool_and_in_flight_gauges(client: TestClient) -> None:
    samples = scrape(client)
    values = {
        name: samples[name][0].value
        for name in (
            "gutbrain_db_pool_size",
            "gutbrain_db_pool_checked_out",
            "gutbrain_db_pool_checked_in",
            "gutbrain_db_pool_overflow",
        )
    }
    pool = get_engine().pool
    assert values["gutbrain_db_pool_size"] == pool.size()  # type: ignore[attr-defined]
    assert values["gutbrain_db_pool_size"] == get_settings().db_pool_size
    assert values["gutbrain_db_pool_checked_out"] >= 0
    # The scrape itself is in flight while it is answered.
    assert samples["gutbrain_http_requests_in_flight"][0].value >= 1


def test_metrics_stay_out_of_the_openapi_document(client: TestClient) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]
    assert client.get("/metrics").headers["cache-control"] == "no-store"


# Logs


@pytest.fixture
def broken_database() -> Iterator[None]:
    def fail() -> Iterator[None]:
        raise RuntimeError("the observability test broke the database on purpose")
        yield

    app.dependency_overrides[get_read_session] = fail
    yield
    app.dependency_overrides.pop(get_read_session)


@pytest.mark.usefixtures("broken_database")
def test_a_500_logs_its_traceback_with_the_request_id(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = client.get("/v1/recommendations")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    records = app_lines(capsys.readouterr().err)
    (error,) = [record for record in records if record["logger"] == "app.errors"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == request_id
    assert "Traceback (most recent call last)" in error["traceback"]
    assert "the observability test broke the database on purpose" in error["traceback"]
    assert {"timestamp", "message"} <= set(error)
    (access,) = [record for record in records if record["logger"] == "app.access"]
    assert (access["status"], access["request_id"]) == (500, request_id)


def test_every_line_logged_in_a_request_has_its_id(
    client: TestClient, seeded_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line logged by a dependency (run in a worker thread) carries the request's id; a line
    logged outside any request carries none."""
    inside = logging.getLogger("tests.observability")

    def logging_session() -> Iterator[Session]:
        inside.warning("opening a session for the request")
        with Session(seeded_engine) as session:
            yield session

    request_id = f"obs-{uuid.uuid4().hex[:12]}"
    capsys.readouterr()
    app.dependency_overrides[get_read_session] = logging_session
    try:
        response = client.get(
            "/v1/recommendations/breastfeed", headers={"X-Request-ID": request_id}
        )
    finally:
        app.dependency_overrides.pop(get_read_session)
    inside.warning("outside any request")
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id
    records = app_lines(capsys.readouterr().err)
    during, (after,) = records[:-1], records[-1:]
    assert {record["logger"] for record in during} == {"tests.observability", "app.access"}
    assert all(record["request_id"] == request_id for record in during), during
    assert after["message"] == "outside any request"
    assert after["request_id"] is None


def test_access_log_line(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    response = client.get("/v1/recommendations/breastfeed?ignored=1")
    (line,) = [r for r in app_lines(capsys.readouterr().err) if r["logger"] == "app.access"]
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["route"] == DETAIL_TEMPLATE
    assert line["path"] == "/v1/recommendations/breastfeed"
    assert line["status"] == response.status_code
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["client_ip"] == "testclient"
    assert isinstance(line["duration_ms"], float | int)
    assert line["duration_ms"] >= 0
    assert "timestamp" in line


def test_api_keys_never_reach_the_logs(
    client: TestClient, make_key: KeyFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editor requests with a key, at DEBUG: the key shows in no line."""
    headers = make_key([Scope.content_write, Scope.keys_admin])
    key = headers["Authorization"].removeprefix("Bearer ")
    secret = key.split("_", 2)[2]
    unknown = "gbk_abcdefgh_" + "s" * 40
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    capsys.readouterr()
    try:
        client.get("/v1/editor/keys", headers=headers)
        client.get("/v1/editor/recommendations/breastfeed", headers=headers)
        client.patch("/v1/editor/recommendations/breastfeed", headers=headers, json={})
        client.get("/v1/editor/keys", headers={"Authorization": f"Bearer {unknown}"})
        client.get("/v1/editor/keys", headers={"Authorization": f"Basic {key}"})
    finally:
        root.setLevel(level)
    output = capsys.readouterr().err
    access = [r for r in app_lines(output) if r["logger"] == "app.access"]
    assert len(access) == 5
    for text in (key, secret, unknown):
        assert text not in output


# Graceful shutdown, on a live server


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited before it answered"
        try:
            if httpx.get(f"{base_url}/livez", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("the server did not answer /livez within 20 s")


def _wait_until_in_flight(base_url: str, count: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        families = text_string_to_metric_families(httpx.get(f"{base_url}/metrics").text)
        (gauge,) = [f for f in families if f.name == "gutbrain_http_requests_in_flight"]
        if gauge.samples[0].value >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"the server never had {count} requests in flight")


def test_sigterm_lets_a_request_in_flight_finish(scratch_engine: Engine, tmp_path: Path) -> None:
    """`gutbrain serve` on SIGTERM: a request waiting on a database lock when the signal comes
    still gets its 200, and the process exits 0. The request is slow for an honest reason: the
    test holds a write lock on the key's row, which the request's record of the key's use waits
    for (SQLite's busy timeout, PostgreSQL's lock timeout, both 5 s)."""
    headers = issue_key(scratch_engine, [Scope.keys_admin])
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    stderr = tmp_path / "server.log"
    env = {**os.environ, "DATABASE_URL": scratch_engine.url.render_as_string(False)}
    env["PUBLIC_BASE_URL"] = base_url
    with stderr.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve"]
            + ["--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        _wait_until_up(process, base_url)
        result: dict[str, Any] = {}

        def slow_request() -> None:
            try:
                result["response"] = httpx.get(
                    f"{base_url}/v1/editor/keys", headers=headers, timeout=30
                )
            except httpx.HTTPError as error:
                result["error"] = error
            result["finished"] = time.monotonic()

        with scratch_engine.connect() as holder:
            holder.execute(sa.text("UPDATE api_key SET name = name"))
            request = threading.Thread(target=slow_request)
            request.start()
            _wait_until_in_flight(base_url, 2)  # the slow request and the scrape itself
            assert "response" not in result, "the request did not wait for the lock"
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            time.sleep(0.7)
            assert process.poll() is None, "the server exited with a request in flight"
            holder.rollback()
        request.join(timeout=30)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    log = stderr.read_text(errors="replace")
    assert "error" not in result, f"{result!r}\n{log}"
    assert result["response"].status_code == 200, log
    # Answered well after the signal: it was in flight, held by the lock, when it came.
    assert result["finished"] - signalled >= 0.5
    records = log_lines(log)
    access_lines = [r for r in records if r["logger"] == "app.access"]
    (access,) = [r for r in access_lines if r["path"] == "/v1/editor/keys"]
    assert (access["route"], access["status"]) == ("/v1/editor/keys", 200)
    assert access["request_id"] == result["response"].headers["X-Request-ID"]
    assert headers["Authorization"].removeprefix("Bearer ") not in log
