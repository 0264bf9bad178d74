"""The two read operations every content kind offers: a filtered, paginated list and a detail."""

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.attribution.schemas import Attributed
from app.attribution.service import attribution
from app.core.db import ReadSession
from app.core.http_cache import CACHE_HEADERS, NOT_MODIFIED, Representation, RepresentationDep
from app.core.item_cache import views_of
from app.core.negotiation import JSON, JSON_LD, AcceptHeader, choose
from app.core.pagination import Page, PageParamsDep
from app.core.runtime import ThreadedRoute
from app.core.sparse_fields import FieldSelection, only, selection, sparse_page
from app.core.urls import Urls, UrlsDep
from app.evidence.loading import Eager
from app.evidence.queries import keyset_keys, published_key
from app.evidence.schemas import SLUG_PATTERN
from app.evidence.vocabulary import DEFAULT_LANGUAGE

LANGUAGE_HEADER = {
    "Content-Language": {
        "description": "Language of the content (BCP 47), as each item's `language` says.",
        "schema": {"type": "string", "example": DEFAULT_LANGUAGE},
    }
}

RESPONSE_HEADERS = {**LANGUAGE_HEADER, **CACHE_HEADERS}
# What every item's JSON-LD has at its top; the rest is schema.org vocabulary. Named properties
# (not a bare object) let typed clients tell it from the JSON detail in the same 200.
LINKED_DATA_SCHEMA = {
    "type": "object",
    "description": "The item as schema.org JSON-LD.",
    "properties": {
        "@context": {"type": "string", "examples": ["https://schema.org"]},
        "@type": {"type": "string", "examples": ["MedicalWebPage"]},
        "@id": {"type": "string", "format": "uri"},
    },
    "required": ["@context", "@type", "@id"],
}
LINKED_DATA_CONTENT = {"content": {JSON_LD: {"schema": LINKED_DATA_SCHEMA}}}


def declare_language(response: Response, rows: Iterable[Any]) -> None:
    languages = sorted({row.language for row in rows}) or [DEFAULT_LANGUAGE]
    response.headers["Content-Language"] = ", ".join(languages)


def page_json(page: BaseModel, items: list[bytes]) -> bytes:
    """The bytes `page.model_dump_json(by_alias=True)` gives, with its items' JSON, each dumped
    before, set in: the page is dumped without them."""
    empty = page.model_copy(update={"items": []}).model_dump_json(by_alias=True).encode()
    slot = b'"items":[]'
    if empty.count(slot) != 1:
        return page.model_dump_json(by_alias=True).encode()
    before, after = empty.split(slot)
    return before + b'"items":[' + b",".join(items) + b"]" + after


def answer(
    body: BaseModel,
    rows: list[Any],
    fields: FieldSelection,
    representation: Representation,
    cut: Callable[[dict[str, Any], tuple[str, ...]], dict[str, Any]] = only,
    keys: list[str] | None = None,
    json: bytes | None = None,
) -> Response:
    """The body as JSON, cut down to `fields` where given, with its language and cache headers
    (surrogate keys of the whole body, found from it unless given as `keys`: a sparse item still
    shows its item). `json`, when given, is the body's whole JSON, dumped before."""
    if fields is None:
        # The bytes FastAPI would send through the response model, less its validating the
        # body (already an instance of that model) once more.
        dumped = body.model_dump_json(by_alias=True) if json is None else json
        response = Response(dumped, media_type=JSON)
    else:
        response = JSONResponse(cut(body.model_dump(mode="json"), fields))
    declare_language(response, rows)
    representation.send(response, body, keys)
    return response


def content_router(
    *,
    plural: str,
    singular: str,
    example_slug: str,
    filters: type[BaseModel],
    summary: type[BaseModel],
    detail: type[BaseModel],
    model: Any,
    filter_clauses: Callable[[Any], list[sa.ColumnElement[bool]]],
    summary_plan: Sequence[Eager],
    detail_plan: Sequence[Eager],
    summary_of: Callable[[Any, Urls], BaseModel],
    detail_of: Callable[[Any, Urls], BaseModel],
    linked_data_of: Callable[[Any], dict[str, Any]] | None = None,
    noun: str | None = None,
) -> APIRouter:
    """`example_slug`, a slug of the seeded content, is the path parameter's example in the
    OpenAPI document. A list shows the published rows of `model` that `filter_clauses(filters)`
    keep; a detail, the published row with the slug. `summary_plan` and `detail_plan` are what
    `summary_of` and `detail_of` need, loaded only for the rows whose representation is not kept
    (app/core/item_cache.py). `linked_data_of`, given a detail, returns its schema.org JSON-LD,
    served to clients whose Accept header prefers `application/ld+json`. `noun` names the kind
    in problems (the singular by default)."""
    detail_types = [JSON, JSON_LD] if linked_data_of else [JSON]
    router = APIRouter(route_class=ThreadedRoute, prefix=f"/{plural}", tags=[plural])
    page_model = type(
        f"{summary.__name__}Page",
        (Page[summary], Attributed),  # type: ignore[valid-type]
        {},
    )

    def list_items(
        session: ReadSession,
        page: PageParamsDep,
        urls: UrlsDep,
        representation: RepresentationDep,
        query: Annotated[filters, Query()],  # type: ignore[valid-type]
        accept: AcceptHeader,
        fields: Annotated[FieldSelection, Depends(selection(summary))],
    ) -> Any:
        representation.check(choose(accept, [JSON]))
        rows = keyset_keys(session, model, filter_clauses, query, page.after, page.limit)
        shown = rows[: page.limit]
        summaries = views_of(
            session,
            representation.validators,
            model,
            "summary",
            shown,
            summary_plan,
            lambda row: summary_of(row, urls),
        )
        kept = dict(zip(map(id, shown), summaries.views, strict=True))
        body = page_model(**page.page(rows, lambda row: kept[id(row)]), attribution=attribution())
        # The connection goes back now, on this thread (see get_read_session).
        session.close()
        json = page_json(body, summaries.json) if fields is None else None
        return answer(body, shown, fields, representation, sparse_page, summaries.keys, json)

    def get_item(
        session: ReadSession,
        urls: UrlsDep,
        representation: RepresentationDep,
        slug: Annotated[
            str,
            Path(
                pattern=SLUG_PATTERN,
                max_length=100,
                description=f"The {singular}'s slug, as in its `slug` field.",
                examples=[example_slug],
            ),
        ],
        accept: AcceptHeader,
        fields: Annotated[FieldSelection, Depends(selection(detail))],
    ) -> Any:
        media_type = choose(accept, detail_types)
        representation.check(media_type)
        row = published_key(session, model, slug, noun or singular)
        views = views_of(
            session,
            representation.validators,
            model,
            "detail",
            [row],
            detail_plan,
            lambda row: detail_of(row, urls),
        )
        (detail,) = views.views
        session.close()
        if media_type == JSON_LD and linked_data_of is not None:
            linked = JSONResponse(linked_data_of(detail), media_type=JSON_LD)
            declare_language(linked, [row])
            representation.send(linked, detail, views.keys)
            return linked
        return answer(detail, [row], fields, representation, keys=views.keys, json=views.json[0])

    router.add_api_route(
        "",
        list_items,
        methods=["GET"],
        name=f"list_{plural}",
        response_model=page_model,
        responses={200: {"headers": RESPONSE_HEADERS}, **NOT_MODIFIED, 406: {}},
        summary=f"List published {plural}",
        description=f"Ordered by slug. Follow `next` for the following page of {plural}; it"
        " keeps every filter and `fields`.",
    )
    router.add_api_route(
        "/{slug}",
        get_item,
        methods=["GET"],
        name=f"get_{singular}",
        response_model=detail,
        responses={
            200: {
                "headers": RESPONSE_HEADERS,
                **(LINKED_DATA_CONTENT if linked_data_of else {}),
            },
            **NOT_MODIFIED,
            406: {},
            410: {},
        },
        summary=f"Get one {singular} with its evidence",
    )
    return router
