"""`Link: <licence URL>; rel="license"` (RFC 8288, the IANA `license` relation) on every
response of a route whose content is under the licence.

A router puts its routes under the licence with the `UNDER_LICENSE` dependency; the middleware
adds the header to whatever those routes answer (a body, a 304, a problem), and the OpenAPI
document declares it on exactly those operations, read from the same route table.
"""

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.attribution.service import content_license
from app.core.config import get_settings

_STATE_KEY = "under_license"
LINK_HEADER = {
    "Link": {
        "description": 'The licence of the content: `<URL>; rel="license"` (RFC 8288).',
        "schema": {"type": "string"},
        "example": '<https://spdx.org/licenses/CC-BY-4.0.html>; rel="license"',
    }
}


# Async, as every dependency that does no I/O: a sync one costs a trip to the thread pool.
async def _mark_licensed(request: Request) -> None:
    setattr(request.state, _STATE_KEY, True)


UNDER_LICENSE = Depends(_mark_licensed)


def license_link() -> str:
    return f'<{content_license(get_settings()).url}>; rel="license"'


class LicenseLinkMiddleware:
    """Pure ASGI: adds the licence link to the responses of requests a licensed route marked."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Shared with every copy of the scope made further in, where the route marks it.
        state = scope.setdefault("state", {})

        async def send_linked(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get(_STATE_KEY):
                MutableHeaders(scope=message).append("Link", license_link())
            await send(message)

        await self.app(scope, receive, send_linked)


def _licensed_operations(app: FastAPI) -> list[tuple[str | None, str]]:
    """(path, method) of every documented route under the licence, included routers and all."""
    return [
        (context.path_format, method.lower())
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and context.original_route.include_in_schema
        and any(depends.dependency is _mark_licensed for depends in context.dependencies)
        for method in context.methods or ()
    ]


def document_license_links(app: FastAPI) -> None:
    """Declares the header on the successful and not-modified responses of every licensed
    operation in the OpenAPI document."""
    build = app.openapi

    def with_links() -> dict[str, Any]:
        # The document is built once and cached; adding the same header again changes nothing.
        document = build()
        paths = document.get("paths", {})
        for path, method in _licensed_operations(app):
            operation = paths.get(path or "", {}).get(method)
            if operation is None:
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2") or status == "304":
                    response["headers"] = {**response.get("headers", {}), **LINK_HEADER}
        return document

    app.openapi = with_links  # type: ignore[method-assign]
