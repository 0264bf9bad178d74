"""Public responses are built once per content version and kept: observed through a live
uvicorn on a database of its own. A change written straight into a row, without a new content
version, stays unseen while the kept response is served; a write through the one write path
(which moves the version on) is seen within a second by every worker, and at once by the
worker that made it."""

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.types import Message, Receive, Send
from starlette.types import Scope as AsgiScope

from app.core import content_version
from app.core.content_version import ContentVersionWatch, utc_day
from app.core.http_cache import CacheableRepresentation
from app.core.response_cache import CachedResponse, ResponseCacheMiddleware, ResponseStore
from app.core.types import utcnow
from app.evidence.vocabulary import ItemKind
from app.keys.scopes import Scope
from app.models import ContentState, Recommendation
from app.writing.kinds import BY_KIND
from app.writing.writer import ContentWriter
from tests.browser import live_server
from tests.conftest import issue_key
from tests.editing import MERGE_PATCH, seeded_scratch
from tests.test_rate_limits import away_from_a_window_boundary

SLUG = "breastfeed"
DETAIL = f"/v1/recommendations/{SLUG}"
# Enough for every request a test makes; the limiter would otherwise answer 429.
SERVER_ENV = {"RATE_LIMIT": "100000/minute"}
VISIBLE_WITHIN_SECONDS = 1.0
# Headers made per request, outside the cache.
PER_REQUEST = {"x-request-id", "date", "ratelimit", "ratelimit-policy"}


@pytest.fixture(scope="module")
def database() -> Iterator[Engine]:
    with seeded_scratch("response_cache") as engine:
        yield engine


@pytest.fixture(scope="module")
def server(database: Engine) -> Iterator[str]:
    url = database.url.render_as_string(hide_password=False)
    with live_server(url, env=SERVER_ENV) as base_url:
        yield base_url


def tip_of(base_url: str, path: str = DETAIL, **headers: str) -> str:
    response = httpx.get(f"{base_url}{path}", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    tip: str = response.json()["tip"]
    return tip


def write_unversioned(engine: Engine, tip: str) -> None:
    """Change a row behind the write path's back: no new content version. The row's own version
    moves on, so that its kept representation (app/core/item_cache.py) is not what answers."""
    with engine.begin() as connection:
        connection.execute(
            sa.update(Recommendation)
            .where(col(Recommendation.slug) == SLUG)
            .values(tip=tip, version=Recommendation.version + 1)
        )


def publish_tip(engine: Engine, tip: str) -> None:
    """Rewrite the recommendation's tip through ContentWriter, from this (another) process."""
    with Session(engine) as session:
        row = session.exec(select(Recommendation).where(Recommendation.slug == SLUG)).one()
        writer = ContentWriter(session, "test-editor")
        spec = BY_KIND[ItemKind.recommendation]
        writer.write(spec, {**(row.document or {}), "tip": tip}, row.status, None)
        writer.finish()
        session.commit()


def seconds_until(base_url: str, tip: str, limit: float = 5.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if tip_of(base_url) == tip:
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"{tip!r} not served within {limit} s")


def without_per_request(headers: httpx.Headers) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in PER_REQUEST}


def test_a_response_is_kept_until_the_content_version_moves(server: str, database: Engine) -> None:
    kept = tip_of(server)
    first = httpx.get(f"{server}{DETAIL}", timeout=10)
    ordered = httpx.get(f"{server}/v1/tips?limit=50&life_stage=infant", timeout=10).json()
    write_unversioned(database, "changed without a new version")
    again = httpx.get(f"{server}{DETAIL}", timeout=10)
    assert again.content == first.content
    assert without_per_request(again.headers) == without_per_request(first.headers)
    assert tip_of(server) == kept
    # The same query with its parameters in another order is the same response.
    reordered = httpx.get(f"{server}/v1/tips?life_stage=infant&limit=50", timeout=10).json()
    assert reordered == ordered
    # A request with credentials is its sender's own: never served from the cache.
    assert tip_of(server, Authorization="Bearer gbk_x_y") == "changed without a new version"

    publish_tip(database, "a new version of the tip")
    waited = seconds_until(server, "a new version of the tip")
    assert waited < VISIBLE_WITHIN_SECONDS, waited


def test_kept_answers_are_counted_and_carry_headers_of_their_own(database: Engine) -> None:
    """A kept answer skips the middleware: it still counts against the budget (the request
    over it gets the 429 problem), and gets its own request id, budget and CORS headers."""
    url = database.url.render_as_string(hide_password=False)
    origin = {"Origin": "https://example.org"}
    kept = tip_of_row(database)
    with live_server(url, env={"RATE_LIMIT": "4/minute"}) as base_url:
        away_from_a_window_boundary()
        with httpx.Client(base_url=base_url, headers=origin, timeout=10) as client:
            built = client.get(DETAIL)
            time.sleep(2 * content_version.POLL_SECONDS)  # the worker has seen the version
            write_unversioned(database, "unseen while the kept answer is served")
            try:
                answers = [client.get(DETAIL) for _ in range(3)]
                refused = client.get(DETAIL)
                plain = httpx.get(f"{base_url}{DETAIL}", timeout=10)
            finally:
                write_unversioned(database, kept)
    assert [answer.json()["tip"] for answer in answers] == [kept] * 3, "served from memory"
    responses = [built, *answers]
    assert len({response.headers["x-request-id"] for response in responses}) == 4
    left = [response.headers["ratelimit"].split(";")[1] for response in responses]
    assert left == ["r=3", "r=2", "r=1", "r=0"]
    for response in responses:
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["x-content-type-options"] == "nosniff"
    assert refused.status_code == plain.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["request_id"] == refused.headers["x-request-id"]
    assert refused.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in plain.headers


def tip_of_row(engine: Engine) -> str:
    with Session(engine) as session:
        row = session.exec(select(Recommendation).where(Recommendation.slug == SLUG)).one()
        return row.tip


def test_an_edit_through_the_api_is_served_at_once_by_its_worker(
    server: str, database: Engine
) -> None:
    key = issue_key(database, [Scope.content_write, Scope.content_publish])
    editor = f"{server}/v1/editor/recommendations/{SLUG}"
    with httpx.Client(timeout=10) as client:
        for round_ in range(3):
            tip_of(server)
            etag = client.get(editor, headers=key).headers["etag"]
            tip = f"edited through the API, round {round_}"
            patched = client.patch(
                editor,
                content=f'{{"tip": "{tip}"}}',
                headers={**key, "If-Match": etag, "Content-Type": MERGE_PATCH},
            )
            assert patched.status_code == 200, patched.text
            # No wait: the worker that committed the edit stops serving the kept response.
            assert tip_of(server) == tip


@pytest.mark.parametrize("coding", ["identity", "gzip", "br"])
def test_each_coding_is_kept_with_its_tag_and_revalidated_from_memory(
    server: str, coding: str
) -> None:
    url = f"{server}/v1/recommendations?limit=50"
    headers = {"Accept-Encoding": coding}
    with httpx.Client(timeout=10) as client:
        first = client.get(url, headers=headers)
        second = client.get(url, headers=headers)
        head = client.head(url, headers=headers)
        etag = second.headers["etag"]
        revalidated = client.get(url, headers={**headers, "If-None-Match": etag})
        since = client.get(
            url, headers={**headers, "If-Modified-Since": second.headers["last-modified"]}
        )
    assert first.status_code == second.status_code == head.status_code == 200
    assert second.content == first.content
    assert without_per_request(head.headers) == without_per_request(second.headers)
    assert head.content == b""
    if coding == "identity":
        assert "content-encoding" not in second.headers
        assert not etag.endswith(('-gzip"', '-br"'))
    else:
        assert second.headers["content-encoding"] == coding
        assert etag.endswith(f'-{coding}"')
    for not_modified in (revalidated, since):
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == etag
        assert not_modified.headers["vary"] == second.headers["vary"]
        assert not_modified.headers["cache-control"] == second.headers["cache-control"]
        assert not_modified.headers["link"] == second.headers["link"]
    assert second.headers["link"].endswith('; rel="license"')


def test_the_media_type_asked_for_is_its_own_entry(server: str) -> None:
    with httpx.Client(timeout=10) as client:
        plain = client.get(f"{server}{DETAIL}")
        linked = client.get(f"{server}{DETAIL}", headers={"Accept": "application/ld+json"})
        plain_again = client.get(f"{server}{DETAIL}")
        malformed = client.get(f"{server}{DETAIL}", headers={"If-None-Match": "not a tag"})
    assert plain.headers["content-type"] == plain_again.headers["content-type"]
    assert plain.headers["content-type"].startswith("application/json")
    assert linked.headers["content-type"].startswith("application/ld+json")
    assert linked.json()["@context"] == "https://schema.org"
    assert linked.headers["etag"] != plain.headers["etag"]
    assert malformed.status_code == 400
    assert malformed.headers["content-type"] == "application/problem+json"


def _tip_and_worker(base_url: str) -> tuple[str, str]:
    """The tip served, and which worker served it: a request id starts with its process's
    prefix."""
    response = httpx.get(f"{base_url}{DETAIL}", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["tip"], response.headers["x-request-id"][:20]


def test_two_workers_serve_an_edit_within_a_second() -> None:
    """`uvicorn --workers 2`: both workers keep the response, and both serve the edit made in
    another process within a second, over fresh connections either worker may accept."""
    with seeded_scratch("two_workers") as engine:
        url = engine.url.render_as_string(hide_password=False)
        with live_server(url, workers=2, env=SERVER_ENV) as base_url:

            def from_both_workers(tip: str) -> None:
                """Asks until both workers have answered (a fresh connection goes to whichever
                accepts it first), every answer showing `tip`."""
                workers: set[str] = set()
                for _ in range(20):
                    with ThreadPoolExecutor(max_workers=8) as pool:
                        answers = list(pool.map(lambda _: _tip_and_worker(base_url), range(20)))
                    assert {served for served, _ in answers} == {tip}
                    workers |= {worker for _, worker in answers}
                    if len(workers) == 2:
                        return
                raise AssertionError(f"only {workers} answered")

            original = tip_of(base_url)
            from_both_workers(original)
            write_unversioned(engine, "changed without a new version")
            # Each worker keeps its response: a row changed without a new version stays unseen.
            from_both_workers(original)
            publish_tip(engine, "a new version of the tip")
            time.sleep(VISIBLE_WITHIN_SECONDS)
            from_both_workers("a new version of the tip")


def entry(size: int) -> CachedResponse:
    return CachedResponse([], b"x" * size, '"tag"', None)


def test_the_store_is_bounded_in_bytes_and_drops_the_least_recently_used() -> None:
    store = ResponseStore(max_bytes=8 * 1000)
    generation = (1, 0)

    def put(query: bytes, size: int, at: tuple[int, int] = generation) -> None:
        store.put(at, (b"/p", query, False), {}, entry(size), ())

    def kept(query: bytes, at: tuple[int, int] = generation) -> bool:
        return store.get(at, store.key((b"/p", query, False), {})) is not None

    for number in range(12):
        put(str(number).encode(), 500)
        if number == 2:
            assert kept(b"0")  # used again
    assert store.size <= store.max_bytes
    assert kept(b"0")
    assert not kept(b"1")
    assert kept(b"11")
    # Larger than its share of the store: not kept.
    put(b"big", 2000)
    assert not kept(b"big")
    # A newer version starts afresh; an older one is not kept.
    put(b"new", 10, (2, 0))
    assert len(store) == 1
    put(b"old", 10)
    assert not kept(b"old", (2, 0))


def test_the_version_is_trusted_only_briefly_once_the_database_stops_answering(
    monkeypatch: pytest.MonkeyPatch, scratch_engine: Engine
) -> None:
    monkeypatch.setattr(content_version, "TRUST_SECONDS", 0.3)
    engine = scratch_engine
    with engine.begin() as connection:
        connection.execute(sa.delete(ContentState))
        connection.execute(sa.insert(ContentState).values(id=1, version=7, changed_at=utcnow()))
    watch = ContentVersionWatch(lambda: engine)
    try:
        deadline = time.monotonic() + 3
        while watch.current() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert watch.current() == 7
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE content_state"))
        time.sleep(0.5)
        assert watch.current() is None
    finally:
        watch.stop()


def test_concurrent_requests_for_one_response_build_it_once(seeded_engine: Engine) -> None:
    """After an edit every client asks at once: one request builds, the rest wait for it."""
    with seeded_engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version FROM content_state")).scalar_one()
    built = []

    async def route(scope: AsgiScope, receive: Receive, send: Send) -> None:
        built.append(scope["path"])
        await asyncio.sleep(0.2)
        scope["state"]["cacheable"] = CacheableRepresentation(version, utc_day())
        headers = [
            (b"etag", b'"abc"'),
            (b"last-modified", b"Fri, 04 Dec 2026 00:00:00 GMT"),
            (b"vary", b"Accept, Accept-Encoding"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"built once"})

    cache = ResponseCacheMiddleware(route, max_bytes=1 << 20, limiter=None)

    async def get() -> tuple[int, bytes]:
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b""}

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/v1/x", "query_string": b"",
                 "headers": []}  # fmt: skip
        await cache(scope, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    async def burst() -> list[tuple[int, bytes]]:
        deadline = time.monotonic() + 3
        while cache.watch.current() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return await asyncio.gather(*(get() for _ in range(20)))

    try:
        answers = asyncio.run(burst())
    finally:
        cache.watch.stop()
    assert answers == [(200, b"built once")] * 20
    assert built == ["/v1/x"]
