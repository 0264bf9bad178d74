from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.core.db import ReadSession
from app.core.http_cache import CACHE_HEADERS, NOT_MODIFIED, Representation
from app.core.negotiation import AcceptHeader, choose
from app.core.runtime import ThreadedRoute
from app.core.urls import UrlsDep
from app.export import service
from app.export.schemas import Export
from app.export.service import FORMATS, JSON, NDJSON

router = APIRouter(route_class=ThreadedRoute, prefix="/export", tags=["export"])

NDJSON_SCHEMA = {
    "type": "string",
    "description": "One JSON object a line: first"
    ' `{"kind": "meta", "content_version": N, "generated_at": ..., "attribution": {...}}`, then'
    ' `{"kind": "recommendation", "item": {...}}` for every item, `item` being its detail.',
}


@router.get(
    "",
    name="export_content",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The whole published dataset at one content version.",
            "headers": {k: v for k, v in CACHE_HEADERS.items() if k != "Surrogate-Key"},
            "model": Export,
            "content": {NDJSON: {"schema": NDJSON_SCHEMA}},
        },
        **NOT_MODIFIED,
        406: {},
    },
    summary="Export every published item",
    description="Recommendations, mechanisms, studies and sources, each as its detail route"
    " serves it, read from one snapshot and stamped with its `content_version` (its ETag is"
    " that version's). As one JSON document, or as NDJSON with `Accept: application/x-ndjson`"
    " or `format=ndjson`. To mirror the content, load the export, then follow `/v1/changes`"
    " and apply the changes after `content_version`.",
)
def export_content(
    request: Request,
    session: ReadSession,
    urls: UrlsDep,
    accept: AcceptHeader,
    format: Annotated[
        Literal["json", "ndjson"] | None,
        Query(description="The format, instead of the Accept header."),
    ] = None,
) -> Any:
    media_type = FORMATS[format] if format else choose(accept, [JSON, NDJSON])
    # The validators and every item come from the same snapshot, so the ETag names the
    # version the body states. The stream owns the snapshot and closes it.
    snapshot = service.open_snapshot(session.get_bind())  # type: ignore[arg-type]
    try:
        representation = Representation(request, snapshot)
        representation.check(media_type)
    except BaseException:
        service.close_snapshot(snapshot)
        raise
    return StreamingResponse(
        service.stream_export(snapshot, urls, media_type),
        media_type=media_type,
        headers=representation.headers,
    )
