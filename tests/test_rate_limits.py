"""Rate limits through HTTP, on the in-process storage and on a real Redis.

Each test builds an app of its own with small budgets; callers are made-up client addresses and
API-key prefixes unique to the run, so parallel runs sharing one Redis never meet, and every key
a test wrote to Redis is deleted after it. With CI=true an unreachable Redis fails the Redis
tests; elsewhere they are skipped with a message.
"""

import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import Settings
from app.core.types import utcnow
from app.main import create_app
from app.rate_limits.budgets import KEY_PREFIX
from app.rate_limits.local import LocalCounters
from app.rate_limits.policy import policy
from tests.browser import ROOT, SERVER_START_SECONDS, free_port
from tests.conftest import TEST_DATABASE_URL, issue_key

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
LIMIT = 3
KEY_LIMIT = 5
WINDOW = 60
PATH = "/v1/vocabulary"
SERVED_BYTES = 32 * 1024
# RFC 9651 List members as the draft uses them: a String item and its parameters.
_MEMBER = re.compile(r'^"(?P<name>[^"\\]*)"(?P<params>(;[a-z*][a-z0-9_.*-]*(=[^;]*)?)*)$')
_INTEGER = re.compile(r"^-?[0-9]{1,15}$")

# A test counting exact budgets starts at least this long before the fixed window ends: across
# the boundary, the sliding window counter weighs the requests just made as the previous window's.
BOUNDARY_MARGIN_SECONDS = 10


def away_from_a_window_boundary() -> None:
    left = WINDOW - time.time() % WINDOW
    if left < BOUNDARY_MARGIN_SECONDS:
        time.sleep(left + 0.05)


@pytest.fixture(autouse=True)
def within_one_window() -> None:
    away_from_a_window_boundary()


Field = dict[str, dict[str, int | str | bool]]


def parse_list(value: str) -> Field:
    """A Structured Field List of String items with parameters, by name; fails on any other
    syntax (this API never sends Tokens, inner lists or non-ASCII)."""
    members: Field = {}
    for member in value.split(","):
        match = _MEMBER.match(member.strip(" \t"))
        assert match, f"not a List member with a String item: {member!r} in {value!r}"
        params: dict[str, int | str | bool] = {}
        for param in filter(None, match["params"].split(";")):
            key, _, bare = param.partition("=")
            assert not bare or _INTEGER.match(bare) or bare.startswith('"'), param
            params[key] = int(bare) if _INTEGER.match(bare) else (bare or True)
        members[match["name"]] = params
    return members


def integer(value: int | str | bool) -> int:
    assert isinstance(value, int), value
    assert not isinstance(value, bool), value
    return value


def limits_of(response: httpx.Response) -> tuple[str, int, int, int, int]:
    """(policy, q, w, r, t) from RateLimit-Policy and RateLimit, checked against each other."""
    policies = parse_list(response.headers["RateLimit-Policy"])
    current = parse_list(response.headers["RateLimit"])
    assert len(policies) == 1, policies
    assert current.keys() == policies.keys(), (policies, current)
    (name, policy), state = next(iter(policies.items())), next(iter(current.values()))
    q, w, r, t = (integer(value) for value in (policy["q"], policy["w"], state["r"], state["t"]))
    assert 0 <= r <= q, (r, q)
    assert 0 <= t <= w, (t, w)
    return name, q, w, r, t


def redis_reachable() -> str:
    """REDIS_URL if Redis answers; else a skip, or a failure with CI=true."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is unreachable ({error}); start it or set TEST_REDIS_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI requires the Redis tests")
        pytest.skip(message)
    finally:
        client.close()
    return REDIS_URL


class Callers:
    """Client addresses, and API keys issued in this database, unique to this run; removes their
    Redis keys at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.names: list[str] = []

    def address(self) -> str:
        groups = ":".join(secrets.token_hex(2) for _ in range(4))
        self.names.append(address := f"2001:db8::{groups}")
        return address

    def key(self, **issued: Any) -> dict[str, str]:
        headers = issue_key(self.engine, **issued)
        self.names.append(headers["Authorization"].split("_")[1])
        return headers

    def made_up_key(self) -> dict[str, str]:
        """Well-formed, but never issued."""
        prefix = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
        self.names.append(prefix)
        return {"Authorization": f"Bearer gbk_{prefix}_{secrets.token_urlsafe(32)}"}

    def delete_from(self, url: str) -> None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            for name in self.names:
                for key in client.scan_iter(match=f"{KEY_PREFIX}*{name}*"):
                    client.delete(key)
        finally:
            client.close()


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> str | None:
    """None for the in-process storage, or the URL of the real Redis."""
    return redis_reachable() if request.param == "redis" else None


@pytest.fixture
def callers(storage: str | None, seeded_engine: Engine) -> Iterator[Callers]:
    made = Callers(seeded_engine)
    yield made
    if storage is not None:
        made.delete_from(storage)


@pytest.fixture
def limited(seeded_engine: Engine) -> Iterator[Callable[..., "_Limited"]]:
    """Apps with budgets of LIMIT per address and KEY_LIMIT per key, on the given storage."""
    opened: list[TestClient] = []

    def make(redis_url: str | None) -> _Limited:
        settings = Settings(
            rate_limit=f"{LIMIT}/minute",
            rate_limit_api_key=f"{KEY_LIMIT}/minute",
            redis_url=redis_url,
        )
        return _Limited(create_app(settings), opened)

    yield make
    for client in opened:
        client.__exit__(None, None, None)


class _Limited:
    """One app; `as_(address)` is a test client calling from that address."""

    def __init__(self, app: object, opened: list[TestClient]) -> None:
        self.app = app
        self.opened = opened

    def as_(self, address: str) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=False, client=(address, 50000))  # type: ignore[arg-type]
        client.__enter__()
        self.opened.append(client)
        return client


def test_budget_counts_down_then_429_problem(
    limited: Callable[..., _Limited], storage: str | None, callers: Callers
) -> None:
    client = limited(storage).as_(callers.address())
    remaining = []
    for _ in range(LIMIT):
        response = client.get(PATH)
        assert response.status_code == 200, response.text
        name, q, w, r, t = limits_of(response)
        assert (name, q, w) == ("ip", LIMIT, WINDOW)
        assert "Retry-After" not in response.headers
        remaining.append(r)
    assert remaining == [LIMIT - 1 - n for n in range(LIMIT)]

    refused = client.get(PATH, headers={"Origin": "https://example.org"})
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith("/problems/rate-limited")
    assert problem["status"] == 429
    assert problem["title"] == "Too Many Requests"
    assert problem["instance"] == PATH
    assert problem["request_id"] == refused.headers["X-Request-ID"]
    assert problem["violated-policies"] == ["ip"]
    assert f"{LIMIT} requests in {WINDOW} s" in problem["detail"]
    name, q, w, r, t = limits_of(refused)
    assert (name, q, w, r) == ("ip", LIMIT, WINDOW, 0)
    retry_after = refused.headers["Retry-After"]
    assert re.fullmatch(r"[1-9][0-9]*", retry_after)
    assert int(retry_after) <= WINDOW
    # The draft: Retry-After no earlier than the end of the effective window.
    assert int(retry_after) >= t >= 1
    # Security headers, CORS and caching like every other problem.
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in refused.headers["Content-Security-Policy"]
    assert refused.headers["Cache-Control"] == "no-store"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    exposed = refused.headers["Access-Control-Expose-Headers"].lower()
    assert {"ratelimit", "ratelimit-policy", "retry-after"} <= set(exposed.split(", "))
    # The problem type is documented.
    assert client.get(problem["type"].removeprefix("http://testserver")).status_code == 200


def test_keys_and_addresses_have_budgets_of_their_own(
    limited: Callable[..., _Limited], storage: str | None, callers: Callers
) -> None:
    app = limited(storage)
    first, second = app.as_(callers.address()), app.as_(callers.address())
    for _ in range(LIMIT):
        assert first.get(PATH).status_code == 200
    assert first.get(PATH).status_code == 429
    assert second.get(PATH).status_code == 200, "another address has its own budget"

    key, other_key = callers.key(), callers.key()
    statuses = [first.get(PATH, headers=key).status_code for _ in range(KEY_LIMIT + 1)]
    assert statuses == [200] * KEY_LIMIT + [429], "a key is counted apart from its address"
    response = first.get(PATH, headers=other_key)
    assert response.status_code == 200
    assert limits_of(response)[:4] == ("api-key", KEY_LIMIT, WINDOW, KEY_LIMIT - 1)
    # A key's budget follows the key, not the address it is sent from.
    refused = second.get(PATH, headers=key)
    assert refused.status_code == 429
    assert refused.json()["violated-policies"] == ["api-key"]


@pytest.mark.parametrize("unissued", ["made up", "revoked", "expired"])
def test_a_key_not_issued_or_no_longer_active_counts_against_the_address(
    limited: Callable[..., _Limited], storage: str | None, callers: Callers, unissued: str
) -> None:
    """Invented prefixes earn no budgets of their own, however many a client makes up."""
    key = {
        "made up": callers.made_up_key,
        "revoked": lambda: callers.key(revoked=True),
        "expired": lambda: callers.key(expires_at=utcnow() - timedelta(minutes=1)),
    }[unissued]()
    active = callers.key()
    client = limited(storage).as_(callers.address())
    assert limits_of(client.get(PATH))[:4] == ("ip", LIMIT, WINDOW, LIMIT - 1)
    response = client.get(PATH, headers=key)
    assert limits_of(response)[:4] == ("ip", LIMIT, WINDOW, LIMIT - 2)
    assert limits_of(client.get(PATH, headers=active))[0] == "api-key"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-key",
        "Bearer gbk_short_secret",
        "Basic Z2JrOnNlY3JldA==",
        f"Token gbk_abcdefgh_{'x' * 43}",
        f"Bearer gbk_ABCDEFGH_{'x' * 43}",
    ],
)
def test_a_malformed_key_counts_against_the_address(
    limited: Callable[..., _Limited], storage: str | None, callers: Callers, authorization: str
) -> None:
    client = limited(storage).as_(callers.address())
    assert limits_of(client.get(PATH))[:4] == ("ip", LIMIT, WINDOW, LIMIT - 1)
    response = client.get(PATH, headers={"Authorization": authorization})
    assert limits_of(response)[:4] == ("ip", LIMIT, WINDOW, LIMIT - 2)


def test_probes_and_metrics_are_not_limited(
    limited: Callable[..., _Limited], storage: str | None, callers: Callers
) -> None:
    client = limited(storage).as_(callers.address())
    for _ in range(LIMIT + 1):
        client.get(PATH)
    assert client.get(PATH).status_code == 429
    for path in ("/livez", "/readyz", "/health"):
        for _ in range(LIMIT + 1):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text)
            assert "RateLimit" not in response.headers
    metrics = client.get("/metrics")
    assert metrics.status_code != 429
    assert "RateLimit" not in metrics.headers


# Redis failures: the request is answered from this process's own budget, quickly, and one
# warning says so (see app/rate_limits/budgets.py for why the limiter fails open).


@contextmanager
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        server.close()


@contextmanager
def closed_port() -> Iterator[int]:
    yield free_port()


@contextmanager
def warnings_of_limiter() -> Iterator[list[str]]:
    records: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("app.rate_limits")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize("server", [closed_port, silent_server], ids=["refused", "silent"])
def test_a_failing_redis_fails_open_to_this_process(
    limited: Callable[..., _Limited], server: Callable[[], AbstractContextManager[int]]
) -> None:
    with server() as port, warnings_of_limiter() as warned:
        client = limited(f"redis://127.0.0.1:{port}/0").as_("2001:db8::1")
        timings, statuses = [], []
        for _ in range(LIMIT + 1):
            started = time.perf_counter()
            response = client.get(PATH)
            timings.append(time.perf_counter() - started)
            statuses.append(response.status_code)
        assert statuses == [200] * LIMIT + [429], "counted in this process meanwhile"
        assert limits_of(response)[:4] == ("ip", LIMIT, WINDOW, 0)
        # One bounded wait for Redis (0.5 s connect or read timeout), then none for 5 s.
        assert timings[0] < 1.5, timings
        assert max(timings[1:]) < 0.5, timings
        assert len(warned) == 1, warned
        assert "Redis failed" in warned[0], warned


def test_two_workers_share_one_redis_budget(seeded_engine: Engine, tmp_path: Path) -> None:
    """`uvicorn --workers 2` with REDIS_URL: across fresh connections, served by both workers,
    exactly the budget is allowed in all."""
    url = redis_reachable()
    callers = Callers(seeded_engine)
    key = callers.key()
    budget = 10
    with workers(url, budget, 2, tmp_path / "uvicorn.log") as (base_url, pids):
        assert len(pids) == 2, pids
        idle = {pid: bytes_read(pid) for pid in pids}
        time.sleep(1)
        before = {pid: bytes_read(pid) for pid in pids}

        def call(_: int) -> int:
            # A client per request: a fresh connection, which either worker may accept.
            with httpx.Client(timeout=10) as client:
                return client.get(f"{base_url}{PATH}", headers=key).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(call, range(4 * budget)))
        read = {pid: bytes_read(pid) - before[pid] for pid in pids}
    callers.delete_from(url)
    assert statuses.count(200) == budget, statuses
    assert statuses.count(429) == 3 * budget, statuses
    # Both workers served some of the requests: idle for a second, a worker reads tens of bytes
    # (uvicorn's supervisor pings it); serving reads requests, Redis replies and the database.
    idle_read = {pid: before[pid] - idle[pid] for pid in pids}
    assert all(count >= SERVED_BYTES for count in read.values()), (read, idle_read)


def bytes_read(pid: int) -> int:
    """What the process has read from files and sockets so far (`rchar` in /proc/PID/io)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError(f"no rchar for {pid}")


def worker_pids(supervisor: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


@contextmanager
def workers(
    redis_url: str, budget: int, processes: int, log: Path
) -> Iterator[tuple[str, list[int]]]:
    """`uvicorn app.main:app --workers N` on a free port, serving the test database."""
    if not Path("/proc/self/io").exists():
        pytest.skip("needs /proc to tell the worker processes apart")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": TEST_DATABASE_URL,
        "PUBLIC_BASE_URL": base_url,
        "REDIS_URL": redis_url,
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_API_KEY": f"{budget}/minute",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--workers", str(processes)]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        pids: list[int] = []
        while time.monotonic() < deadline and process.poll() is None:
            pids = worker_pids(process.pid)
            if len(pids) == processes and all(_serves(base_url) for _ in range(2 * processes)):
                break
            time.sleep(0.2)
        else:
            logged = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"uvicorn did not start {processes} workers:\n{logged}")
        yield base_url, pids
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _serves(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/livez", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_the_previous_window_counts_for_the_part_still_within_the_last_window() -> None:
    """The in-process counters weigh the previous fixed window as `limits` does in Redis."""
    counters, ten = LocalCounters(), policy("ip", "10/minute")

    def allowed(now: float, times: int) -> list[bool]:
        return [counters.hit(ten, "ip:192.0.2.1", now).allowed for _ in range(times)]

    assert allowed(170.0, 11) == [True] * 10 + [False]  # 50 s into a window
    # Half-way through the next window, half of the previous one's ten still count.
    assert allowed(210.0, 6) == [True] * 5 + [False]
    outcome = counters.hit(ten, "ip:192.0.2.1", 210.0)
    # Any moment later less than half of the ten count: one more fits within the second.
    assert (outcome.allowed, outcome.remaining, outcome.seconds_left(210.0)) == (False, 0, 1)
    assert allowed(210.5, 2) == [True, False]
    # 59 s into the one after, the previous five weigh 5/60: not even one request.
    assert allowed(299.0, 11) == [True] * 10 + [False]
    # Two idle windows later nothing is left, and the partition is gone from memory.
    assert allowed(430.0, 1) == [True]
    assert counters.hit(ten, "ip:192.0.2.2", 620.0).remaining == 9
    assert len(counters._counts) == 1, "a partition idle for two windows is dropped"
