"""Absolute links to the API's own resources, so clients follow links instead of building them."""

from typing import Annotated

from fastapi import Depends, Request


class Urls:
    def __init__(self, request: Request) -> None:
        self._request = request

    def _to(self, route: str, slug: str) -> str:
        return str(self._request.url_for(route, slug=slug))

    def recommendation(self, slug: str) -> str:
        return self._to("get_recommendation", slug)

    def mechanism(self, slug: str) -> str:
        return self._to("get_mechanism", slug)

    def study(self, slug: str) -> str:
        return self._to("get_study", slug)

    def source(self, slug: str) -> str:
        return self._to("get_source", slug)


UrlsDep = Annotated[Urls, Depends()]
