"""Pure ASGI middleware (no BaseHTTPMiddleware on the hot path)."""

import itertools
import os
import re
import secrets
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode()
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PROCESS_PREFIX = secrets.token_hex(10)
_issued = itertools.count()


def _new_process_prefix() -> None:
    global _PROCESS_PREFIX
    _PROCESS_PREFIX = secrets.token_hex(10)


# A forked worker would otherwise repeat its parent's ids.
os.register_at_fork(after_in_child=_new_process_prefix)
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request served by this task (and the threads it runs code in), for logs."""
    return _request_id.get()


def _new_request_id() -> str:
    """Unique, not secret: a random prefix per process and a counter, which unlike uuid4 asks
    the kernel for no randomness per request."""
    return f"{_PROCESS_PREFIX}{next(_issued):012x}"


def assign_request_id(scope: Scope) -> str:
    """The request's id (the caller's, if well-formed), given once: the response cache, which
    answers before this middleware runs, gives it the same way."""
    state = scope.setdefault("state", {})
    request_id: str | None = state.get("request_id")
    if request_id is None:
        incoming = dict(scope["headers"]).get(_REQUEST_ID_NAME, b"").decode("latin-1")
        request_id = incoming if _ACCEPTABLE_ID.match(incoming) else _new_request_id()
        state["request_id"] = request_id
        # Not reset on the way out: each request runs in a task of its own, whose context dies
        # with it, and the 500 handler, which runs outside every middleware, still logs with it.
        _request_id.set(request_id)
    return request_id


class RequestIdMiddleware:
    """Gives every request an id and echoes it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = assign_request_id(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if REQUEST_ID_HEADER not in headers:
                    headers.append(REQUEST_ID_HEADER, request_id)
            await send(message)

        await self.app(scope, receive, send_with_id)


class HeadAsGetMiddleware:
    """Answers HEAD wherever GET is: runs the GET and sends its headers without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class ResponseHeadersMiddleware:
    """Edits the headers of every HTTP response on their way out; subclasses say how."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def rewrite(self, headers: MutableHeaders) -> None:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.rewrite(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_rewritten)


class EncodedRepresentationMiddleware(ResponseHeadersMiddleware):
    """Runs outside compression: a strong ETag names the content coding it was sent in (each
    coding is a different representation), and Vary lists each header once."""

    def rewrite(self, headers: MutableHeaders) -> None:
        coding, etag = headers.get("content-encoding"), headers.get("etag")
        if coding and etag and etag.endswith('"') and not etag.startswith("W/"):
            headers["ETag"] = f'{etag[:-1]}-{coding}"'
        if "vary" in headers:
            tokens = [token.strip() for token in headers["vary"].split(",")]
            headers["Vary"] = ", ".join(dict.fromkeys(filter(None, tokens)))
