"""Keyset pagination with opaque, signed cursors.

A cursor carries the last slug of a page and a digest of the filters it was issued for, signed
with HMAC so that a client cannot forge or alter one, nor reuse it with other filters.
"""

import base64
import hashlib
import hmac
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from app.core.config import get_settings
from app.core.errors import InvalidCursor
from app.core.urls import Link, public_url

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
PAGING_PARAMS = frozenset({"cursor", "limit"})

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next: Link | None = Field(
        description="Absolute URL of the next page with the same filters; null on the last page."
    )
    cursor: str | None = Field(
        description="The cursor of the next page, to send back as-is as the `cursor` query"
        " parameter with the same filters; null on the last page. Opaque: do not parse it.",
        examples=[None],
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str) -> str:
    key = get_settings().cursor_secret.encode()
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest()[:16])


def _filters_digest(request: Request) -> str:
    filters = sorted(
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in PAGING_PARAMS
    )
    return _digest(filters)


def cursor_after(position: str) -> str:
    """A cursor for the unfiltered list, continuing after `position`, as a page would issue."""
    payload = _b64(json.dumps({"after": position, "filters": _digest([])}).encode())
    return f"{payload}.{_sign(payload)}"


def _digest(filters: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:16]


class PageParams:
    """`limit` and `cursor` of a list request, with the cursor already verified."""

    def __init__(self, request: Request, limit: int, cursor: str | None) -> None:
        self.request = request
        self.limit = limit
        self.after = self._decode(cursor) if cursor is not None else None

    def _decode(self, cursor: str) -> str:
        payload, _, signature = cursor.partition(".")
        if not hmac.compare_digest(_sign(payload).encode(), signature.encode()):
            raise InvalidCursor("The cursor is not one this API issued, or it was altered.")
        try:
            data = json.loads(_unb64(payload))
            after, digest = data["after"], data["filters"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidCursor("The cursor cannot be read.") from exc
        if digest != _filters_digest(self.request) or not isinstance(after, str):
            raise InvalidCursor("The cursor was issued for other filters; start again.")
        return after

    def page(
        self, rows: list[Any], to_item: Any, position: Any = lambda row: row.slug
    ) -> dict[str, Any]:
        """Build the page from up to `limit + 1` rows in `position` order (slug by default)."""
        has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        next_url = cursor = None
        if has_more:
            payload = _b64(
                json.dumps(
                    {"after": position(rows[-1]), "filters": _filters_digest(self.request)}
                ).encode()
            )
            cursor = f"{payload}.{_sign(payload)}"
            next_url = public_url(
                self.request.url.path,
                str(self.request.url.include_query_params(cursor=cursor).query),
            )
        return {"items": [to_item(row) for row in rows], "next": next_url, "cursor": cursor}


async def page_params(
    request: Request,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-100).")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=400,
            description="Opaque cursor of the next page: a page's `cursor` field, as given.",
        ),
    ] = None,
) -> PageParams:
    """Async, as it does no I/O: a sync dependency costs a trip to the thread pool."""
    return PageParams(request, limit, cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]
