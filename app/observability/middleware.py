"""Counts, times and logs every HTTP request, by route template (pure ASGI, outermost)."""

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi.routing import iter_route_contexts
from prometheus_client import Counter, Histogram
from starlette.routing import BaseRoute, Mount, compile_path, get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.logging import ACCESS_LOGGER
from app.observability.metrics import IN_FLIGHT, LATENCY, REQUESTS, UNMATCHED_ROUTE

access_logger = logging.getLogger(ACCESS_LOGGER)
# Any other method token shares one label, as unmatched paths do.
_KNOWN_PATHS = 4096
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class _Template:
    template: str
    pattern: re.Pattern[str]
    methods: frozenset[str] | None  # None: any method (a mount)

    def matches(self, path: str) -> bool:
        return self.pattern.match(path) is not None


def route_templates(routes: Sequence[BaseRoute]) -> list[_Template]:
    """Every route's path template in the order the router tries them, included routers and
    mounts flattened (`/assets/core/{path}`)."""
    table = []
    for context in iter_route_contexts(routes):
        path, template = context.path, context.path_format
        if path is None or template is None:
            continue
        mount = isinstance(context.original_route, Mount)
        pattern, _, _ = compile_path(f"{path.rstrip('/')}/{{path:path}}" if mount else path)
        methods = None if mount else frozenset(context.methods or ())
        table.append(_Template(template, pattern, methods))
    return table


def route_template(table: Sequence[_Template], method: str, path: str) -> str:
    """The template of the route that serves this path (`/v1/recommendations/{slug}`), never the
    raw path; a route matching the path but not the method (a 405) still names it."""
    on_path = [entry for entry in table if entry.matches(path)]
    for entry in on_path:
        if entry.methods is None or method in entry.methods:
            return entry.template
    return on_path[0].template if on_path else UNMATCHED_ROUTE


@dataclass(frozen=True)
class _Series:
    """The request counter and latency histogram of one method, route and status."""

    requests: Counter
    latency: Histogram

    def record(self, seconds: float) -> None:
        self.requests.inc()
        self.latency.observe(seconds)


class ObservabilityMiddleware:
    """Added outermost, so that HEAD, compression and every header are inside what it times.
    A request whose app raised is counted as the 500 the error handler answers it with."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: list[_Template] | None = None
        # Matching a path against every route costs more than the rest of a cached response;
        # the last paths seen are remembered.
        self._known: OrderedDict[tuple[str, str], str] = OrderedDict()
        # Looking a labelled series up costs a lock and a tuple per request; routes are few.
        self._series_of: dict[tuple[str, str, int], _Series] = {}

    def _series(self, method: str, route: str, status: int) -> _Series:
        key = (method, route, status)
        series = self._series_of.get(key)
        if series is None:
            series = self._series_of[key] = _Series(
                REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route)
            )
        return series

    def _route_template(self, scope: Scope, method: str, path: str) -> str:
        # Built on the first request, when every route is in place; routes do not change then.
        if self._templates is None:
            self._templates = route_templates(scope["app"].routes)
        # A HEAD is served by the GET route.
        key = ("GET" if method == "HEAD" else method, path)
        template = self._known.get(key)
        if template is None:
            template = self._known[key] = route_template(self._templates, *key)
            if len(self._known) > _KNOWN_PATHS:
                self._known.popitem(last=False)
        return template

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        # Read now: a mount rewrites the scope's root path on the way in.
        path, raw_path = get_route_path(scope), scope["path"]
        status = 500
        started = time.perf_counter()

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_counted)
        finally:
            IN_FLIGHT.dec()
            seconds = time.perf_counter() - started
            method = scope["method"] if scope["method"] in _METHODS else "other"
            route = self._route_template(scope, method, path)
            self._series(method, route, status).record(seconds)
            if access_logger.isEnabledFor(logging.INFO):
                self._log(scope, method, route, status, seconds, raw_path)

    @staticmethod
    def _log(
        scope: Scope, method: str, route: str, status: int, seconds: float, raw_path: str
    ) -> None:
        client = scope.get("client")
        access_logger.info(
            "%s %s %d",
            method,
            route,
            status,
            extra={
                "method": method,
                "route": route,
                "path": raw_path,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client_ip": client[0] if client else None,
                "request_id": scope["state"].get("request_id"),
            },
        )
