"""Signed webhooks, through a real HTTP receiver on the loopback.

Endpoints are registered through the API; changes are made through the editor API; delivery
workers run here, on the module's own database, with waits of milliseconds instead of minutes.
Every event is verified with the `standardwebhooks` library, as a receiver would.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.core.config import PROJECT_ROOT, Settings, get_settings
from app.core.db import create_db_engine
from app.core.types import utcnow
from app.keys.scopes import Scope
from app.main import app
from app.models import ContentChange, WebhookDelivery, WebhookEndpoint
from app.webhooks.delivery import DeliveryWorker
from app.webhooks.runner import DeliveryThread, item_urls
from tests.browser import free_port
from tests.conftest import issue_key
from tests.editing import Editing, editing
from tests.helpers import assert_problem, walk
from tests.webhook_receiver import Receiver, receiver, wait_for

__all__ = ["receiver"]  # a fixture

HOOKS = "/v1/editor/webhooks"
KIND = "studies"


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("webhooks") as e:
        yield e


@pytest.fixture(scope="module")
def admin(editor: Editing) -> dict[str, str]:
    return issue_key(editor.engine, [Scope.webhooks_admin])


@pytest.fixture(scope="module")
def studies(editor: Editing) -> list[str]:
    """Slugs of published studies to change."""
    return [item["slug"] for item in walk(editor.client, f"/v1/{KIND}?limit=100")]


@pytest.fixture(autouse=True)
def private_targets_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver is on the loopback; tests of the refusal turn this off again."""
    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", True)


def fast(**overrides: Any) -> Settings:
    """Settings with waits short enough for a test."""
    values = {
        "webhook_allow_private_targets": True,
        "webhook_poll_seconds": 0.02,
        "webhook_backoff_base_seconds": 0.02,
        "webhook_backoff_cap_seconds": 0.1,
        "webhook_max_attempts": 50,
        "webhook_timeout_seconds": 2.0,
    }
    return get_settings().model_copy(update=values | overrides)


@pytest.fixture
def register(editor: Editing, admin: dict[str, str]) -> Iterator[Callable[..., dict[str, Any]]]:
    """Registers endpoints through the API (201), removed after the test so that the workers
    of later tests leave them alone."""
    made: list[int] = []

    def make(url: str, **body: Any) -> dict[str, Any]:
        response = editor.client.post(HOOKS, json={"url": url, **body}, headers=admin)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        assert response.headers["Location"] == created["links"]["self"]
        made.append(created["id"])
        return created

    yield make
    for endpoint_id in made:
        editor.client.delete(f"{HOOKS}/{endpoint_id}", headers=admin)


def worker(editor: Editing, **overrides: Any) -> DeliveryWorker:
    return DeliveryWorker(editor.engine, fast(**overrides), item_urls(app))


def change(editor: Editing, slug: str, note: str) -> int:
    """A public change through the editor API: a published study's findings edited. Returns
    the id the change log gave it."""
    _, etag = editor.read(KIND, slug)
    response = editor.patch(
        KIND, slug, {"findings": f"Looked at again: {note}."}, etag, editor.publisher
    )
    assert response.status_code == 200, response.text
    with Session(editor.engine) as session:
        latest = session.exec(select(sa.func.max(ContentChange.id))).one()
    assert latest is not None
    return int(latest)


def verified(secret: str, received: Any) -> dict[str, Any]:
    payload: dict[str, Any] = Webhook(secret).verify(received.body, received.headers)
    return payload


def deliveries(editor: Editing, admin: dict[str, str], endpoint: dict[str, Any]) -> list[Any]:
    response = editor.client.get(endpoint["links"]["deliveries"], headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return walk_with(editor, admin, endpoint["links"]["deliveries"])


def walk_with(editor: Editing, admin: dict[str, str], url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = editor.client.get(next_url, headers=admin)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        next_url = response.json()["next"]
    return items


def test_an_event_is_signed_per_standard_webhooks(
    editor: Editing, studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url, description="Partner site")
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert len(Webhook(secret)._whsecret) == 32
    change_id = change(editor, studies[0], "signed")

    worker(editor).run_once()

    (request,) = receiver.received
    assert request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == f"msg_{endpoint['id']}_{change_id}"
    assert abs(int(request.headers["webhook-timestamp"]) - utcnow().timestamp()) < 10
    payload = verified(secret, request)
    assert payload["type"] == "content.updated"
    data = payload["data"]
    assert (data["kind"], data["slug"], data["change_id"]) == ("study", studies[0], change_id)
    assert data["url"] == f"http://testserver/v1/studies/{studies[0]}"
    item = editor.client.get(data["url"])
    assert item.status_code == 200
    assert data["version"] == editor.item(KIND, studies[0])["version"]
    assert payload["timestamp"].endswith("Z")


def test_a_wrong_secret_a_changed_body_or_an_old_timestamp_fail_verification(
    editor: Editing, studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    change(editor, studies[0], "verification")
    worker(editor).run_once()
    (request,) = receiver.received
    secret = endpoint["secret"]
    assert verified(secret, request)["type"] == "content.updated"

    other = register(receiver.url)["secret"]
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(other).verify(request.body, request.headers)
    tampered = request.body.replace(b"content.updated", b"content.withdrawn")
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(tampered, request.headers)
    # The same event captured six minutes ago and sent again now, correctly signed for the
    # time it was captured: too old to accept.
    captured = utcnow() - timedelta(minutes=6)
    replayed = {
        **request.headers,
        "webhook-timestamp": str(int(captured.timestamp())),
        "webhook-signature": Webhook(secret).sign(
            request.webhook_id, captured, request.body.decode()
        ),
    }
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(request.body, replayed)


def test_a_failed_delivery_is_retried_with_the_same_webhook_id(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    endpoint = register(receiver.url)
    change(editor, studies[1], "retried")
    sender = worker(editor)

    wait_for(lambda: len(receiver.received) >= 2, sender.run_once)

    first, second = receiver.received
    assert first.webhook_id == second.webhook_id
    assert first.body == second.body
    assert verified(endpoint["secret"], second)["data"]["slug"] == studies[1]
    listed = deliveries(editor, admin, endpoint)
    assert [(d["attempt"], d["outcome"], d["response_status"]) for d in listed] == [
        (2, "succeeded", 200),
        (1, "failed", 500),
    ]
    assert {d["message_id"] for d in listed} == {first.webhook_id}
    assert listed[1]["error"] == "the receiver answered 500"
    current = editor.client.get(endpoint["links"]["self"], headers=admin).json()
    assert (current["failed_attempts"], current["enabled"]) == (0, True)


def test_a_receiver_that_was_down_gets_the_backlog_in_order(
    editor: Editing, studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    receiver.stop()
    changes = [change(editor, slug, "while down") for slug in studies[:3]]
    sender = worker(editor)
    for _ in range(5):
        sender.run_once()
    assert not receiver.received

    receiver.start()  # back, on the same port
    wait_for(lambda: len(receiver.received) >= 3, sender.run_once)
    sender.run_once()

    events = [verified(endpoint["secret"], request) for request in receiver.received]
    assert [event["data"]["change_id"] for event in events] == changes
    assert [event["data"]["slug"] for event in events] == studies[:3]


def test_a_restart_mid_backlog_loses_nothing(
    editor: Editing, studies: list[str], register: Any, receiver: Receiver
) -> None:
    """A worker stopped after its first delivery of five, then a new worker on a new engine
    (as after a restart): the five arrive once each, in order."""
    endpoint = register(receiver.url)
    changes = [change(editor, slug, "restart") for slug in studies[:5]]
    receiver.delay = 0.1
    first = DeliveryThread(worker(editor)).start()
    wait_for(lambda: len(receiver.received) >= 1, lambda: None)
    assert first.stop(), "the worker did not stop"
    assert len(receiver.received) < 5

    engine = create_db_engine(editor.engine.url.render_as_string(hide_password=False))
    try:
        second = DeliveryWorker(engine, fast(), item_urls(app))
        wait_for(lambda: len(receiver.received) >= 5, second.run_once)
        second.run_once()
    finally:
        engine.dispose()
    ids = [verified(endpoint["secret"], r)["data"]["change_id"] for r in receiver.received]
    assert ids == changes


def test_two_workers_deliver_each_event_once(
    editor: Editing, studies: list[str], register: Any
) -> None:
    """Two delivery loops, each with an engine of its own, racing over three endpoints."""
    receivers = [Receiver().start() for _ in range(3)]
    url = editor.engine.url.render_as_string(hide_password=False)
    engines = [create_db_engine(url) for _ in range(2)]
    threads = [DeliveryThread(DeliveryWorker(engine, fast(), item_urls(app))) for engine in engines]
    try:
        endpoints = [register(r.url) for r in receivers]
        changes = [change(editor, slug, "two workers") for slug in studies[:4]]
        for thread in threads:
            thread.start()
        wait_for(lambda: all(len(r.received) >= 4 for r in receivers), lambda: None)
        for thread in threads:
            assert thread.stop()
    finally:
        for thread in threads:
            thread.stop()
        for engine in engines:
            engine.dispose()
        for r in receivers:
            r.stop()
    for endpoint, r in zip(endpoints, receivers, strict=True):
        ids = [verified(endpoint["secret"], request)["data"]["change_id"] for request in r.received]
        assert ids == changes


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[fe80::1]/hooks",
        "http://0.0.0.0/hooks",
    ],
)
def test_a_private_address_is_refused(
    editor: Editing, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", False)
    response = editor.client.post(HOOKS, json={"url": url}, headers=admin)
    problem = assert_problem(response, 422)
    (error,) = problem["errors"]
    assert error["pointer"] == "#/url"
    assert "private, loopback or link-local" in error["detail"]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://partner.example/hooks", "only http and https"),
        ("http://user:pass@partner.example/hooks", "user name or password"),
        ("http://no-such-host.invalid/hooks", "does not resolve"),
    ],
)
def test_other_unusable_urls_are_refused(
    editor: Editing, admin: dict[str, str], url: str, why: str
) -> None:
    response = editor.client.post(HOOKS, json={"url": url}, headers=admin)
    problem = assert_problem(response, 422)
    assert why in problem["errors"][0]["detail"]


def test_a_private_address_is_refused_again_at_delivery(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    """A host that resolved to a public address at registration may not later: the address is
    checked before every delivery, and the request goes to the address checked."""
    endpoint = register(receiver.url)
    change(editor, studies[0], "rebinding")
    worker(editor, webhook_allow_private_targets=False).run_once()
    assert not receiver.received
    (attempt,) = deliveries(editor, admin, endpoint)
    assert attempt["outcome"] == "failed"
    assert attempt["response_status"] is None
    assert "private, loopback or link-local" in attempt["error"]


def test_repeated_failure_disables_the_endpoint_with_the_reason(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    receiver.statuses = [302]
    receiver.then = 503
    endpoint = register(receiver.url)
    change(editor, studies[2], "failing")
    sender = worker(editor, webhook_max_attempts=3)

    def disabled() -> bool:
        body = editor.client.get(endpoint["links"]["self"], headers=admin).json()
        return body["enabled"] is False

    wait_for(disabled, sender.run_once)
    for _ in range(3):
        sender.run_once()
    assert len(receiver.received) == 3
    assert {r.path for r in receiver.received} == {"/hooks"}  # the redirect was not followed
    body = editor.client.get(endpoint["links"]["self"], headers=admin).json()
    assert body["disabled_at"] is not None
    assert body["failed_attempts"] == 3
    assert "3 attempts" in body["disabled_reason"]
    assert "the receiver answered 503" in body["disabled_reason"]
    listed = deliveries(editor, admin, endpoint)
    assert [d["attempt"] for d in listed] == [3, 2, 1]
    assert "redirect, which is not followed" in listed[-1]["error"]

    # Fixed and re-enabled, it gets the event it missed.
    receiver.then = 204
    enabled = editor.client.post(f"{endpoint['links']['self']}/enable", headers=admin)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["enabled"] is True
    wait_for(lambda: len(receiver.received) >= 4, sender.run_once)
    assert len({r.webhook_id for r in receiver.received}) == 1


def test_ping_sends_a_test_event(
    editor: Editing, admin: dict[str, str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    response = editor.client.post(f"{endpoint['links']['self']}/ping", headers=admin)
    assert response.status_code == 202, response.text
    queued = response.json()
    assert (queued["event_type"], queued["outcome"]) == ("ping", "pending")

    worker(editor).run_once()

    (request,) = receiver.received
    payload = verified(endpoint["secret"], request)
    assert payload["type"] == "ping"
    assert payload["data"] == {"endpoint_url": receiver.url}
    assert request.webhook_id == queued["message_id"]
    (listed,) = deliveries(editor, admin, endpoint)
    assert (listed["id"], listed["outcome"], listed["response_status"]) == (
        queued["id"],
        "succeeded",
        200,
    )


def test_rotation_signs_with_both_secrets_for_a_while(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    rotated = editor.client.post(f"{endpoint['links']['self']}/secret", headers=admin)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != endpoint["secret"]
    change(editor, studies[3], "rotated")
    sender = worker(editor)
    sender.run_once()

    (request,) = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verified(new_secret, request) == verified(endpoint["secret"], request)

    # Once the grace period is over, only the new secret signs.
    with Session(editor.engine) as session:
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        row.previous_secret_until = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    change(editor, studies[3], "rotated again")
    sender.run_once()
    latest = receiver.received[-1]
    assert len(latest.headers["webhook-signature"].split(" ")) == 1
    verified(new_secret, latest)
    with pytest.raises(WebhookVerificationError):
        verified(endpoint["secret"], latest)


def test_secrets_are_shown_once_and_stored_encrypted(
    editor: Editing, admin: dict[str, str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url, event_types=["content.withdrawn"])
    assert endpoint["event_types"] == ["content.withdrawn"]
    shown = editor.client.get(endpoint["links"]["self"], headers=admin)
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    listed = walk_with(editor, admin, f"{HOOKS}?limit=1")
    assert endpoint["id"] in [item["id"] for item in listed]
    assert all("secret" not in item for item in listed)
    with Session(editor.engine) as session:
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        stored = row.secret
    assert endpoint["secret"] not in stored
    assert endpoint["secret"].removeprefix("whsec_") not in stored


def test_only_the_subscribed_events_are_sent(
    editor: Editing, studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url, event_types=["content.withdrawn"])
    change(editor, studies[4], "not subscribed")
    slug = "webhook-withdrawn-copy"
    created = editor.create_copy(KIND, studies[4], slug)
    assert created.status_code == 201, created.text
    for status in ("in_review", "published", "withdrawn"):
        assert editor.move(KIND, slug, status, editor.publisher).status_code == 200
    worker(editor).run_once()

    (request,) = receiver.received
    payload = verified(endpoint["secret"], request)
    assert (payload["type"], payload["data"]["slug"]) == ("content.withdrawn", slug)
    assert editor.client.get(payload["data"]["url"]).status_code == 410


def test_deliveries_are_paginated_newest_first(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    changes = [change(editor, slug, "listed") for slug in studies[:3]]
    worker(editor).run_once()
    first = editor.client.get(f"{endpoint['links']['deliveries']}?limit=2", headers=admin).json()
    assert len(first["items"]) == 2
    assert first["next"] is not None
    listed = walk_with(editor, admin, f"{endpoint['links']['deliveries']}?limit=2")
    assert [d["change_id"] for d in listed] == changes[::-1]
    assert all(d["outcome"] == "succeeded" for d in listed)


def test_history_past_its_retention_is_pruned_hourly(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    for slug in studies[:2]:
        change(editor, slug, "kept a while")
    worker(editor).run_once()
    recent, old = deliveries(editor, admin, endpoint)
    ping = editor.client.post(f"{endpoint['links']['self']}/ping", headers=admin).json()
    with Session(editor.engine) as session:
        session.exec(
            sa.update(WebhookDelivery)
            .where(col(WebhookDelivery.id).in_([old["id"], ping["id"]]))
            .values(created_at=utcnow() - timedelta(days=31))
        )
        session.commit()

    pruner = worker(editor, webhook_history_days=30)
    pruner.run_once()  # prunes first: the waiting ping stays, and is then sent
    listed = deliveries(editor, admin, endpoint)
    assert [(d["id"], d["outcome"]) for d in listed] == [
        (ping["id"], "succeeded"),
        (recent["id"], "succeeded"),
    ]
    pruner.run_once()  # within the hour: nothing pruned
    assert len(deliveries(editor, admin, endpoint)) == 2
    assert pruner.prune_history() == 1
    assert [d["id"] for d in deliveries(editor, admin, endpoint)] == [recent["id"]]


def test_an_unknown_endpoint_is_404(editor: Editing, admin: dict[str, str]) -> None:
    for method, tail in (("GET", ""), ("DELETE", ""), ("POST", "/ping"), ("GET", "/deliveries")):
        response = editor.client.request(method, f"{HOOKS}/999999{tail}", headers=admin)
        assert_problem(response, 404)


def test_webhooks_need_the_webhooks_admin_scope(editor: Editing) -> None:
    """The full walk of every route under /v1/editor is tests/test_editor_auth.py; this is the
    scope itself."""
    for scopes in ([Scope.keys_admin, Scope.content_publish, Scope.content_write], []):
        key = issue_key(editor.engine, scopes)
        response = editor.client.get(HOOKS, headers=key)
        assert "'webhooks:admin'" in assert_problem(response, 403)["detail"]
    assert_problem(editor.client.get(HOOKS), 401)


def test_the_openapi_document_describes_the_events() -> None:
    document = app.openapi()
    webhooks = document["webhooks"]
    assert set(webhooks) == {"content-event", "ping"}
    for name, schema in (("content-event", "ContentEvent"), ("ping", "PingEvent")):
        operation = webhooks[name]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{schema}"}
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= headers
    types = document["components"]["schemas"]["EventType"]["enum"]
    assert types == [
        "content.created",
        "content.updated",
        "content.certainty_changed",
        "content.withdrawn",
    ]


def test_a_waiting_worker_stops_at_once(editor: Editing) -> None:
    """Between rounds the worker waits on its stop event, not on a sleep."""
    thread = DeliveryThread(worker(editor, webhook_poll_seconds=60)).start()
    time.sleep(0.2)
    started = time.monotonic()
    assert thread.stop(timeout=5)
    assert time.monotonic() - started < 1


def start(command: list[str], editor: Editing, log: Path, **env: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": editor.engine.url.render_as_string(hide_password=False),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "WEBHOOK_POLL_SECONDS": "0.05",
        **env,
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", *command],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=output,
        )


def stopped(process: subprocess.Popen[bytes], log: Path) -> int:
    """Sends SIGTERM; the exit status, which must come within the 20 s serve allows."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
        pytest.fail(f"did not stop within 20 s:\n{log.read_text(errors='replace')}")


def test_a_worker_process_stopped_mid_backlog_then_serve_delivers_the_rest(
    editor: Editing, studies: list[str], register: Any, receiver: Receiver, tmp_path: Path
) -> None:
    """`gutbrain worker` is stopped (SIGTERM) after the first of five events; `gutbrain serve`,
    delivering in its lifespan, sends the other four. Each arrives once, in order, and both
    processes exit 0."""
    endpoint = register(receiver.url)
    changes = [change(editor, slug, "processes") for slug in studies[:5]]
    receiver.delay = 0.3
    log = tmp_path / "processes.log"
    worker_process = start(["worker"], editor, log)
    try:
        wait_for(lambda: len(receiver.received) >= 1, lambda: time.sleep(0.05), seconds=30)
        assert stopped(worker_process, log) == 0
    finally:
        if worker_process.poll() is None:
            worker_process.kill()
    assert len(receiver.received) < 5, "the worker was not stopped mid-backlog"

    port = free_port()
    server = start(
        ["serve", "--port", str(port)],
        editor,
        log,
        WEBHOOK_DELIVERY_ENABLED="true",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    try:
        wait_for(lambda: len(receiver.received) >= 5, lambda: time.sleep(0.05), seconds=30)
        time.sleep(0.5)  # time enough to send a sixth, which must not come
        assert stopped(server, log) == 0
    finally:
        if server.poll() is None:
            server.kill()
    events = [verified(endpoint["secret"], request) for request in receiver.received]
    assert [event["data"]["change_id"] for event in events] == changes, log.read_text()
    assert events[-1]["data"]["url"].startswith(f"http://127.0.0.1:{port}/v1/studies/")


def test_a_slow_receiver_times_out(
    editor: Editing, admin: dict[str, str], studies: list[str], register: Any, receiver: Receiver
) -> None:
    endpoint = register(receiver.url)
    receiver.delay = 1.5
    change(editor, studies[0], "slow")
    started = time.monotonic()
    worker(editor, webhook_timeout_seconds=0.3).run_once()
    assert time.monotonic() - started < 1.4
    (attempt,) = deliveries(editor, admin, endpoint)
    assert (attempt["outcome"], attempt["response_status"]) == ("failed", None)
    assert attempt["error"].startswith("ReadTimeout")


def test_a_database_outage_pauses_delivery_without_ending_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = create_db_engine(f"sqlite:///{tmp_path / 'missing' / 'gutbrain.db'}")
    thread = DeliveryThread(DeliveryWorker(unreachable, fast(), item_urls(app)))
    with caplog.at_level("WARNING", logger="app.webhooks"):
        thread.start()
        time.sleep(0.3)
        assert thread.thread.is_alive()
        assert thread.stop()
    paused = [r for r in caplog.records if r.getMessage().startswith("webhook delivery paused")]
    assert len(paused) >= 2, "one line per round, round after round"
    assert all(record.exc_info is None for record in paused)
    unreachable.dispose()
