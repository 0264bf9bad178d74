"""Absolute links to the API's own resources, so clients follow links instead of building them.

Every absolute URL starts with the configured `PUBLIC_BASE_URL`, never with the request's Host
header: a hostile Host must not reach a body, a header or a cache.
"""

from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import WithJsonSchema

from app.core.config import get_settings

# An absolute URL in a response body, documented as `format: uri` so that clients may type it.
# Kept a `str` at run time: the API builds these itself and sends them exactly as built.
Link = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


def public_url(path: str, query: str = "") -> str:
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}{path}?{query}" if query else f"{base}{path}"


@lru_cache(maxsize=64)
def _path_template(app: Any, route: str, *params: str) -> str:
    """The route's path with a marker in place of each parameter: looking a route up by name
    walks every route, which a page of links would do for every link."""
    return str(app.url_path_for(route, **{param: f"\x00{param}\x00" for param in params}))


def path_for(app: Any, route: str, **params: str) -> str:
    path = _path_template(app, route, *params)
    for param, value in params.items():
        path = path.replace(f"\x00{param}\x00", value)
    return path


class Urls:
    def __init__(self, request: Request) -> None:
        self._request = request

    def _to(self, route: str, slug: str) -> str:
        return public_url(path_for(self._request.app, route, slug=slug))

    def recommendation(self, slug: str) -> str:
        return self._to("get_recommendation", slug)

    def mechanism(self, slug: str) -> str:
        return self._to("get_mechanism", slug)

    def study(self, slug: str) -> str:
        return self._to("get_study", slug)

    def source(self, slug: str) -> str:
        return self._to("get_source", slug)

    def card(self, kind: str, slug: str) -> str:
        """The embeddable card page of an item; `kind` is the plural (`recommendations`, ...)."""
        return public_url(path_for(self._request.app, "get_card", kind=kind, slug=slug))

    def item(self, kind: str, slug: str) -> str:
        """The URL of an item named by its kind (`recommendation`, `mechanism`, ...)."""
        return self._to(f"get_{kind}", slug)


async def _urls(request: Request) -> Urls:
    """Async, as it does no I/O: a sync dependency costs a trip to the thread pool."""
    return Urls(request)


UrlsDep = Annotated[Urls, Depends(_urls)]
