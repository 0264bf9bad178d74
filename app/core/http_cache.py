"""HTTP caching for public content: a representation is a pure function of the route, its
normalised query, the media type and the content version, so validators cost one small query
and a matching `If-None-Match` is answered before any other work.

The read-time `evidence_may_be_outdated` caveat changes what responses say as days pass without a
write; the overdue items' count and latest due date are part of every validator, so it changes
ETag and Last-Modified too.
"""

import hashlib
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session, select

from app.core.config import get_settings
from app.core.content_version import (
    NO_CONTENT,
    ContentValidators,
    ContentVersionWatch,
    read_validators_on,
    utc_day,
)
from app.core.db import ReadSession, get_read_engine
from app.core.errors import AppError, ProblemType
from app.core.types import utcnow
from app.models import ContentState
from app.models.state import STATE_ROW

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
VARY = "Accept, Accept-Encoding"
_ENTITY_TAG = re.compile(r'^(W/)?"[\x21\x23-\x7e]*"$')
# Content codings the compression middleware may add to a tag; equal for If-None-Match.
_CODING_SUFFIX = re.compile(r'-(br|gzip|zstd)"$')


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


CACHE_HEADERS = {
    "ETag": _header("Strong validator of this representation."),
    "Last-Modified": _header("When the content last changed."),
    "Cache-Control": _header(CACHE_CONTROL),
    "Surrogate-Key": _header("Space-separated keys of the items shown, for CDN purges."),
}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified since the validator the client sent."}
}


class MalformedPrecondition(AppError):
    status_code = 400
    problem_type = ProblemType.invalid_precondition
    title = "Malformed conditional header"


class NotModified(Exception):
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


@cache
def _version_query() -> Any:
    """Built once, so that its cache key is too: every read runs it."""
    return select(ContentState.version).where(ContentState.id == STATE_ROW)


# Per database, the validators last read in full and the day they were read for. Only a write
# or a new day changes the overdue items, so a read of the same version on the same day needs
# only the version.
_known: "weakref.WeakKeyDictionary[Any, tuple[date, ContentValidators]]" = (
    weakref.WeakKeyDictionary()
)


def read_validators(session: Session) -> ContentValidators:
    # Through the connection: a Core statement needs none of the ORM's result handling.
    connection = session.connection()
    today = utcnow().date()
    known = _known.get(connection.engine)
    if known is not None and known[0] == today:
        version = connection.execute(_version_query()).scalar()
        if version == known[1].version:
            return known[1]
    validators = read_validators_on(connection, today)
    _known[connection.engine] = (today, validators)
    return validators


def _tags(header: str) -> dict[str, str]:
    """The client's entity tags by what they compare as: weakly, and whatever the coding."""
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if not tags or not all(tag == "*" or _ENTITY_TAG.match(tag) for tag in tags):
        raise MalformedPrecondition(
            'If-None-Match must be "*" or a comma-separated list of entity tags such as "abc".'
        )
    return {_CODING_SUFFIX.sub('"', tag.removeprefix("W/")): tag for tag in tags}


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    """RFC 9110: an unparsable date is ignored, not an error."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


def not_modified_tag(
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    last_modified: datetime | None,
) -> str | None:
    """The entity tag to answer 304 with when the client's copy is current, else None.
    `etag` may name a content coding; the client's tag matches it whatever coding it names."""
    if if_none_match is not None:
        tags = _tags(if_none_match)
        current = _CODING_SUFFIX.sub('"', etag)
        if "*" in tags or current in tags:
            # The tag the client holds names the coding it was sent in; a 304 has no body
            # for the compression layer to tag again.
            return tags.get(current, etag)
        return None
    if (
        if_modified_since is not None
        and last_modified is not None
        and _not_modified_since(if_modified_since, last_modified)
    ):
        return etag
    return None


@dataclass(frozen=True)
class CacheableRepresentation:
    """Left in the request's state by a route whose response is a pure function of the
    request, the content version and the UTC day, for the response cache to keep."""

    version: int
    day: int


# Where the app keeps its ContentVersionWatch (app/core/content_version.py).
CONTENT_WATCH = "content_watch"

# Set in the request's state by the response cache while it builds a response to keep: the
# route answers in full and the cache evaluates the client's conditions itself.
BUILDING_FOR_CACHE = "building_for_cache"


class Representation:
    """The validators of one response, checked before the work and sent with the result."""

    def __init__(self, request: Request, session: ReadSession) -> None:
        self.request = request
        self.session = session
        self.headers: dict[str, str] = {}
        # What `check` read: the response shows this content version and overdue items.
        self.validators = NO_CONTENT

    def check(self, media_type: str, varies_with: str = "") -> None:
        """Raise NotModified when the client's copy is current; remember the headers to send.
        `varies_with` names anything else the body depends on: today's date, or a value of
        the request's query. The response may be cached per content version and UTC day, so
        nothing else may change it."""
        day = utc_day()
        validators = self.validators = self._current_validators()
        query = "&".join(sorted(f"{k}={v}" for k, v in self.request.query_params.multi_items()))
        seed = f"{self.request.url.path}?{query}|{media_type}|{validators.version}|{varies_with}"
        seed += f"|{validators.overdue}|{validators.latest_due}|{get_settings().served_settings()}"
        etag = f'"{hashlib.sha256(seed.encode()).hexdigest()[:32]}"'
        self.headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(validators.last_modified, usegmt=True),
            "Cache-Control": CACHE_CONTROL,
            "Vary": VARY,
        }
        state = self.request.state
        state.cacheable = CacheableRepresentation(validators.version, day)
        if_none_match = self.request.headers.get("if-none-match")
        if_modified_since = self.request.headers.get("if-modified-since")
        if if_none_match is not None:
            _tags(if_none_match)  # a malformed header is a 400 whoever evaluates it
        if getattr(state, BUILDING_FOR_CACHE, False):
            return
        tag = not_modified_tag(if_none_match, if_modified_since, etag, validators.last_modified)
        if tag is not None:
            # Nothing more to read: the connection goes back on this thread.
            self.session.close()
            raise NotModified({**self.headers, "ETag": tag})

    def _current_validators(self) -> ContentValidators:
        """The worker's watch's, when read lately and for the database the request reads (the
        served one, not a snapshot or a test's); else read now."""
        watch = getattr(self.request.app.state, CONTENT_WATCH, None)
        if isinstance(watch, ContentVersionWatch) and self.session.get_bind() is get_read_engine():
            watched = watch.validators()
            if watched is not None:
                return watched
        return read_validators(self.session)

    def send(self, response: Response, body: Any, keys: list[str] | None = None) -> None:
        """`keys`, when given, are the surrogate keys of `body`, found before."""
        response.headers.update(self.headers)
        keys = surrogate_keys(body) if keys is None else keys
        if keys:
            response.headers["Surrogate-Key"] = " ".join(keys)


async def _representation(request: Request, session: ReadSession) -> Representation:
    """Async, as making one does no I/O (checking does, in the endpoint's thread): a sync
    dependency costs a trip to the thread pool."""
    return Representation(request, session)


RepresentationDep = Annotated[Representation, Depends(_representation)]


def surrogate_keys(body: Any) -> list[str]:
    """`kind/slug` of every item a body shows, found by the `slug` and `url` it carries. The
    body is JSON or the models it is dumped from, walked as they are: dumping them first would
    cost as much again. Only containers are visited, since a body is mostly scalars."""
    keys: dict[str, None] = {}

    def walk(children: Iterable[Any]) -> None:
        for child in children:
            if isinstance(child, BaseModel):
                child = child.__dict__
            if isinstance(child, dict):
                slug, url = child.get("slug"), child.get("url")
                if isinstance(slug, str) and isinstance(url, str):
                    kind = url.rstrip("/").rsplit("/", 2)[-2]
                    keys[f"{kind}/{slug}"] = None
                walk(child.values())
            elif isinstance(child, list):
                walk(child)

    walk([body])
    return list(keys)


def install_conditional_requests(app: FastAPI) -> None:
    async def not_modified(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotModified)
        return Response(status_code=304, headers=exc.headers)

    app.add_exception_handler(NotModified, not_modified)


def json_with(representation: Representation, body: dict[str, Any], media_type: str) -> Response:
    response = JSONResponse(body, media_type=media_type)
    representation.send(response, body)
    return response
