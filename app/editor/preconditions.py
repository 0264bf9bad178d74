"""Optimistic concurrency: an item's ETag names its version, and a change must send it back."""

import re
from typing import Annotated

from fastapi import Header

from app.core.errors import PreconditionRequired
from app.core.http_cache import MalformedPrecondition

ENTITY_TAG_LIST = r'^(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*$'
_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e]*)"\s*(?:,|$)')
# A compressed response's tag carries its content coding (`"v3-br"`): the same version.
_VERSION_TAG = re.compile(r"^v([1-9][0-9]{0,17})(?:-(?:br|gzip|zstd))?$")

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag the item was read with, e.g. `"v3"`. Required: without it the'
        " answer is 428; when the item has changed since, 412.",
        examples=['"v3"'],
        # Documented, not enforced by the framework: a malformed header is this API's 400
        # invalid-precondition problem, as for If-None-Match.
        json_schema_extra={"pattern": ENTITY_TAG_LIST},
    ),
]


def etag(version: int) -> str:
    return f'"v{version}"'


def versions_matching(if_match: str | None) -> set[int]:
    """The versions an If-Match header names. Strong comparison (RFC 9110): weak tags and tags
    of no version match nothing; `*` is refused, since it would overwrite changes unseen."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Send If-Match with the ETag you read the item with, so that no one's change is"
            " overwritten unseen."
        )
    if if_match.strip() == "*":
        raise PreconditionRequired(
            "If-Match: * would overwrite whatever is there; send the ETag you read instead."
        )
    versions, position = set(), 0
    while position < len(if_match):
        tag = _TAG.match(if_match, position)
        if tag is None:
            raise MalformedPrecondition('If-Match must be a list of entity tags, e.g. "v3".')
        weak, opaque = tag.groups()
        version = _VERSION_TAG.match(opaque)
        if not weak and version:
            versions.add(int(version.group(1)))
        position = tag.end()
    return versions
