"""Whole responses kept per content version, so that a public read is built once per version
and then served from memory: status, every header, the body as sent (compressed or not), and
the ETag naming its coding.

A response is kept only when its route said it may be (`CacheableRepresentation`, left by
`Representation.check`), it is a 200 to a GET (HEAD is a GET by the time it gets here), and the
request carries no credentials. It is found again by path, the query with its parameters in
order, and the value of every request header its `Vary` names. Entries are for one content
version and UTC day at a time, and are dropped least recently used first past a size in bytes.

Sits outside every middleware but metrics and the access log, so that a kept answer costs no
more than a dictionary lookup and what must be done per request: it gives the request its id and
counts it against the caller's budget as the request id and rate limit middleware would (a
request over budget goes on to the rate limiter, which answers the 429 from that count). What
the inner middleware add per response (security headers, CORS, the licence link, compression and
the coding-tagged ETag) is kept with the entry; whether the request came with an `Origin`, which
decides the CORS headers, is part of its key. A HEAD is answered from its GET's entry.
"""

import asyncio
import time
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.content_version import ContentVersionWatch, utc_day
from app.core.db import get_read_session, get_watch_engine
from app.core.http_cache import (
    BUILDING_FOR_CACHE,
    CacheableRepresentation,
    MalformedPrecondition,
    not_modified_tag,
)
from app.core.middleware import REQUEST_ID_HEADER, assign_request_id
from app.rate_limits.middleware import RATE_LIMIT_OUTCOME, RateLimiter, unlimited

# Request headers that make a request someone's own: never served from or kept in the cache.
_CREDENTIALS = (b"authorization", b"cookie")
# Headers of a 200 that its 304 leaves out: those describing the body it does not send (RFC 9110,
# 15.4.5); the ETag is the one the client's copy has.
_BODY_HEADERS = frozenset(
    {b"content-type", b"content-length", b"content-encoding", b"content-language", b"etag"}
)
# Headers set per request, never kept: each answer gets its own.
_PER_REQUEST_HEADERS = frozenset(
    {REQUEST_ID_HEADER.lower().encode(), b"ratelimit", b"ratelimit-policy", b"retry-after"}
)
_ALWAYS_VARIES = (b"accept", b"accept-encoding")
# Bookkeeping per entry beyond its body and headers, for the size bound.
_ENTRY_OVERHEAD = 256
# How long a request waits for the same response being built for another before building it.
BUILD_WAIT_SECONDS = 5.0
# One response may take at most this share of the whole cache.
_LARGEST_SHARE = 8

# Path, query and whether the request came with an Origin; then the values it varies on.
_Base = tuple[bytes, bytes, bool]
_Key = tuple[bytes, bytes, bool, tuple[bytes | None, ...]]


@dataclass(frozen=True)
class CachedResponse:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    last_modified: datetime | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(n) + len(v) for n, v in self.headers) + _ENTRY_OVERHEAD

    def revalidation_headers(self, tag: str) -> list[tuple[bytes, bytes]]:
        kept = [(n, v) for n, v in self.headers if n not in _BODY_HEADERS]
        return [(b"etag", tag.encode("latin-1")), *kept]


class ResponseStore:
    """The responses of one content version and day, least recently used dropped first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.generation = (-1, -1)
        self.size = 0
        self._entries: OrderedDict[_Key, CachedResponse] = OrderedDict()
        # The request headers each path and query's responses vary on, learnt from their Vary.
        self._varies: dict[_Base, tuple[bytes, ...]] = {}

    def key(self, base: _Base, headers: dict[bytes, bytes]) -> _Key:
        names = self._varies.get(base, _ALWAYS_VARIES)
        return (*base, tuple(headers.get(name) for name in names))

    def get(self, generation: tuple[int, int], key: _Key) -> CachedResponse | None:
        if generation != self.generation:
            return None
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(
        self,
        generation: tuple[int, int],
        base: _Base,
        headers: dict[bytes, bytes],
        entry: CachedResponse,
        varies: tuple[bytes, ...],
    ) -> None:
        if generation < self.generation or entry.size > self.max_bytes // _LARGEST_SHARE:
            return
        if generation > self.generation:
            self.generation, self.size = generation, 0
            self._entries.clear()
            self._varies.clear()
        self._varies[base] = varies
        key = self.key(base, headers)
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.size -= previous.size
        self._entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.size -= dropped.size

    def __len__(self) -> int:
        return len(self._entries)


def _query_key(query_string: bytes) -> bytes:
    """The query with its parameters in order: `b=2&a=1` is `a=1&b=2`."""
    if b"&" not in query_string:
        return query_string
    return b"&".join(sorted(part for part in query_string.split(b"&") if part))


def _varies(headers: list[tuple[bytes, bytes]]) -> tuple[bytes, ...] | None:
    """The request headers a response varies on; None if it may not be kept."""
    names = dict.fromkeys(_ALWAYS_VARIES)
    for name, value in headers:
        if name == b"vary":
            for token in value.lower().split(b","):
                if token.strip() == b"*":
                    return None
                names[token.strip()] = None
        elif (
            name == b"set-cookie"
            or name == b"cache-control"
            and (b"no-store" in value or b"private" in value)
        ):
            return None
    return tuple(name for name in names if name)


def _per_request_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The request's id and what is left of its budget, as the middleware would send them."""
    own = [(b"x-request-id", assign_request_id(scope).encode("latin-1"))]
    outcome = scope["state"].get(RATE_LIMIT_OUTCOME)
    if outcome is not None:
        own += [(n.lower().encode(), v.encode()) for n, v in outcome.headers(time.time()).items()]
    return own


def _entry(start: Message, body: bytes) -> CachedResponse:
    headers = [(n, v) for n, v in start.get("headers", []) if n not in _PER_REQUEST_HEADERS]
    etag, last_modified = "", None
    for name, value in headers:
        if name == b"etag":
            etag = value.decode("latin-1")
        elif name == b"last-modified":
            try:
                last_modified = parsedate_to_datetime(value.decode("latin-1"))
            except (TypeError, ValueError, IndexError):
                last_modified = None
    return CachedResponse(headers, body, etag, last_modified)


class ResponseCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        limiter: RateLimiter | None,
        watch: ContentVersionWatch | None = None,
    ) -> None:
        self.app = app
        self.store = ResponseStore(max_bytes)
        self.watch = watch or ContentVersionWatch(get_watch_engine)
        self.limiter = limiter
        self._building: dict[_Key, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._stopping_on_shutdown(receive), send)
            return
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not self._watched(scope)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if any(name in headers for name in _CREDENTIALS):
            await self.app(scope, receive, send)
            return
        base = (scope["path"].encode(), _query_key(scope["query_string"]), b"origin" in headers)
        version = self.watch.current()
        if version is not None:
            generation = (version, utc_day())
            key = self.store.key(base, headers)
            entry = self.store.get(generation, key)
            building = self._building.get(key)
            if entry is None and building is not None:
                # The same response is being built for another request: wait for it rather
                # than build it again alongside (after an edit, every client asks at once).
                with suppress(TimeoutError):
                    await asyncio.wait_for(building.wait(), BUILD_WAIT_SECONDS)
                entry = self.store.get(generation, key)
            if entry is not None:
                await self._answer_kept(entry, scope, receive, send, headers)
                return
        if scope["method"] == "HEAD":
            # A HEAD has no body to keep; its GET builds the entry.
            await self.app(scope, receive, send)
            return
        await self._build(scope, receive, send, base, headers)

    @staticmethod
    def _watched(scope: Scope) -> bool:
        """Reads go to the engine the version is watched on, unless a test swapped it."""
        app = scope.get("app")
        return get_read_session not in getattr(app, "dependency_overrides", {})

    async def _answer_kept(
        self,
        entry: CachedResponse,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[bytes, bytes],
    ) -> None:
        """Count the request, as the rate limiter it skips would, then answer it from the entry;
        the routes answer what the entry cannot (an exhausted budget, a malformed condition)."""
        if self.limiter is not None and not unlimited(scope["path"]):
            outcome = await self.limiter.count(scope)
            if not outcome.allowed:
                await self.app(scope, receive, send)
                return
        try:
            await self._answer(entry, scope, headers, send)
        except MalformedPrecondition:
            await self.app(scope, receive, send)

    async def _answer(
        self, entry: CachedResponse, scope: Scope, headers: dict[bytes, bytes], send: Send
    ) -> None:
        if_none_match, if_modified_since = (
            headers.get(b"if-none-match"),
            headers.get(b"if-modified-since"),
        )
        tag = not_modified_tag(
            None if if_none_match is None else if_none_match.decode("latin-1"),
            None if if_modified_since is None else if_modified_since.decode("latin-1"),
            entry.etag,
            entry.last_modified,
        )
        own = _per_request_headers(scope)
        if tag is not None:
            revalidated = [*entry.revalidation_headers(tag), *own]
            await send({"type": "http.response.start", "status": 304, "headers": revalidated})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {"type": "http.response.start", "status": 200, "headers": [*entry.headers, *own]}
        )
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    async def _build(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        base: _Base,
        request_headers: dict[bytes, bytes],
    ) -> None:
        """Build the response once at a time per key; a request that finds it being built
        (while the version is unknown) is served by the route as if there were no cache."""
        key = self.store.key(base, request_headers)
        if key in self._building:
            await self.app(scope, receive, send)
            return
        built = self._building[key] = asyncio.Event()
        try:
            await self._build_and_keep(scope, receive, send, base, request_headers)
        finally:
            del self._building[key]
            built.set()

    async def _build_and_keep(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        base: _Base,
        request_headers: dict[bytes, bytes],
    ) -> None:
        """Run the route in full; keep what it answers if it may be kept, and answer the
        client's conditions from that."""
        state = scope.setdefault("state", {})
        state[BUILDING_FOR_CACHE] = True
        start: Message | None = None
        varies: tuple[bytes, ...] | None = None
        chunks: list[bytes] = []
        limit = self.store.max_bytes // _LARGEST_SHARE

        async def keep_or_pass(message: Message) -> None:
            nonlocal start, varies
            if message["type"] == "http.response.start":
                cacheable = state.get("cacheable")
                if isinstance(cacheable, CacheableRepresentation) and message["status"] == 200:
                    varies = _varies(message.get("headers", []))
                if varies is None:
                    await send(message)
                else:
                    start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                if sum(map(len, chunks)) > limit:
                    # Too large to keep: send what there is and let the rest stream through.
                    await send(start)
                    await send({**message, "body": b"".join(chunks)})
                    start = None
                return
            entry = _entry(start, b"".join(chunks))
            if entry.etag and entry.last_modified and varies is not None:
                cacheable = state["cacheable"]
                generation = (cacheable.version, cacheable.day)
                self.store.put(generation, base, request_headers, entry, varies)
                await self._answer(entry, scope, request_headers, send)
            else:
                await send(start)
                await send(message)

        await self.app(scope, receive, keep_or_pass)

    def _stopping_on_shutdown(self, receive: Receive) -> Receive:
        async def receive_and_stop() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.watch.stop()
            return message

        return receive_and_stop
