"""Absolute links to the API's own resources, so clients follow links instead of building them.

Every absolute URL starts with the configured `PUBLIC_BASE_URL`, never with the request's Host
header: a hostile Host must not reach a body, a header or a cache.
"""

from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from pydantic import WithJsonSchema

from app.core.config import get_settings

# An absolute URL in a response body, documented as `format: uri` so that clients may type it.
# Kept a `str` at run time: the API builds these itself and sends them exactly as built.
Link = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


def public_url(path: str, query: str = "") -> str:
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}{path}?{query}" if query else f"{base}{path}"


# Per app (weakly, as tests make many): the route's path with a marker for each parameter.
_templates: WeakKeyDictionary[Any, dict[tuple[str, ...], str]] = WeakKeyDictionary()


def path_for(app: Any, route: str, **params: str) -> str:
    """`app.url_path_for`, templated once per route: looking a route up by name walks every
    route, which a page of links would do for every link."""
    known = _templates.setdefault(app, {})
    key = (route, *params)
    if key not in known:
        markers = {param: f"\x00{param}\x00" for param in params}
        known[key] = str(app.url_path_for(route, **markers))
    path = known[key]
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
