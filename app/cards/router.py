"""Card pages, `GET /cards/{kind}/{slug}`, and their oEmbed endpoint, `GET /oembed`."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.attribution.service import attribution
from app.cards import service
from app.cards.oembed import (
    CACHE_AGE_SECONDS,
    MAX_REQUESTED_SIZE,
    OEmbed,
    card_target,
    embed_size,
    iframe,
)
from app.cards.views import Card, CardKind, mechanism_card, recommendation_card, study_card
from app.core.config import get_settings
from app.core.content_router import RESPONSE_HEADERS, declare_language
from app.core.db import ReadSession
from app.core.errors import AppError, Gone, NotFound, ProblemType
from app.core.html import HTML, render, templates_for
from app.core.http_cache import NOT_MODIFIED, RepresentationDep
from app.core.negotiation import JSON, AcceptHeader, choose
from app.core.runtime import ThreadedRoute
from app.core.security_headers import EMBEDDABLE_PAGE_POLICY
from app.core.urls import Urls, UrlsDep, public_url
from app.evidence.schemas import SLUG_PATTERN
from app.linked_data import mechanism_linked_data, recommendation_linked_data, study_linked_data
from app.mechanisms import schemas as mechanism_schemas
from app.mechanisms import service as mechanism_service
from app.models import Mechanism, Recommendation, Study
from app.recommendations import schemas as recommendation_schemas
from app.recommendations import service as recommendation_service
from app.studies import schemas as study_schemas
from app.studies import service as study_service

ASSETS = FilePath(__file__).parent / "static"
templates = templates_for(FilePath(__file__).parent)
router = APIRouter(route_class=ThreadedRoute, tags=["cards"])


@dataclass(frozen=True)
class CardSource:
    """Where one kind's card comes from: the same row and detail the JSON API serves."""

    model: Any
    singular: str
    get_row: Callable[[Session, str], Any]
    detail_of: Callable[[Any, Urls], Any]
    card_of: Callable[[Any], Card]
    linked_data_of: Callable[[Any], dict[str, Any]]


SOURCES = {
    CardKind.recommendations: CardSource(
        Recommendation,
        "recommendation",
        recommendation_service.get_recommendation,
        recommendation_schemas.detail_of,
        recommendation_card,
        recommendation_linked_data,
    ),
    CardKind.mechanisms: CardSource(
        Mechanism,
        "mechanism",
        mechanism_service.get_mechanism,
        mechanism_schemas.detail_of,
        mechanism_card,
        mechanism_linked_data,
    ),
    CardKind.studies: CardSource(
        Study,
        "study",
        study_service.get_study,
        study_schemas.detail_of,
        study_card,
        study_linked_data,
    ),
}


class FormatNotImplemented(AppError):
    status_code = 501
    problem_type = ProblemType.format_not_implemented
    title = "Format not implemented"


def oembed_url(card_url: str) -> str:
    return public_url("/oembed", urlencode({"url": card_url, "format": "json"}))


@router.get(
    "/cards/{kind}/{slug}",
    name="get_card",
    response_class=HTMLResponse,
    responses={
        200: {
            "description": "The card, an HTML page that may be framed by any site.",
            "headers": RESPONSE_HEADERS,
            "content": {HTML: {"schema": {"type": "string"}}},
        },
        **NOT_MODIFIED,
        406: {},
        410: {
            "description": "Withdrawn: a card saying so.",
            "content": {HTML: {"schema": {"type": "string"}}},
        },
    },
    summary="Get the embeddable card of a recommendation, mechanism or study",
    description="A self-contained HTML page (no scripts, no external assets) that always shows"
    " the title, the certainty in words with its badge, the gut-rationale certainty where there"
    " is one, the most important caveat, the last-reviewed date and a link to the sources and"
    " quotes; a recommendation's card lists when to see a professional, and the footer has the"
    " medical disclaimer, the licence and the citation to credit. Embed it with the iframe"
    " `/oembed` returns. Light and dark, 280 to 800 px wide.",
)
def get_card(
    kind: CardKind,
    slug: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=100, examples=["breastfeed"])],
    request: Request,
    session: ReadSession,
    urls: UrlsDep,
    representation: RepresentationDep,
    accept: AcceptHeader,
) -> HTMLResponse:
    representation.check(choose(accept, [HTML]))
    source = SOURCES[kind]
    try:
        row = source.get_row(session, slug)
    except Gone:
        withdrawn = render(
            templates,
            request,
            "withdrawn.html",
            {"title": service.title_of(session, source.model, slug), "language": "en"},
            policy=EMBEDDABLE_PAGE_POLICY,
            status_code=410,
        )
        withdrawn.headers["Cache-Control"] = "no-store"
        return withdrawn
    detail = source.detail_of(row, urls)
    card_url = urls.card(kind, slug)
    response = render(
        templates,
        request,
        "card.html",
        {
            "card": source.card_of(detail),
            "card_url": card_url,
            "oembed_url": oembed_url(card_url),
            "linked_data": source.linked_data_of(detail),
            "language": detail.language,
        },
        policy=EMBEDDABLE_PAGE_POLICY,
    )
    declare_language(response, [row])
    representation.send(response, detail)
    return response


SizeLimit = Annotated[int | None, Query(ge=1, le=MAX_REQUESTED_SIZE)]


@router.get(
    "/oembed",
    name="get_oembed",
    responses={200: {"headers": RESPONSE_HEADERS}, **NOT_MODIFIED, 404: {}, 406: {}, 501: {}},
    summary="oEmbed 1.0: the embed code of a card",
    description="For the URL of a card (or of a recommendation, mechanism or study in this API),"
    " a `rich` oEmbed response whose `html` is an iframe of the card, no wider than `maxwidth`"
    " and no taller than `maxheight`. A URL of another host, of nothing published or of a"
    " withdrawn item is a `404`; any `format` other than `json` is a `501`.",
)
def get_oembed(
    request: Request,
    session: ReadSession,
    urls: UrlsDep,
    response: Response,
    representation: RepresentationDep,
    accept: AcceptHeader,
    url: Annotated[
        str,
        Query(
            max_length=2048,
            description="URL of a card or of an item of this API.",
            examples=["http://127.0.0.1:8000/cards/recommendations/breastfeed"],
        ),
    ],
    maxwidth: SizeLimit = None,
    maxheight: SizeLimit = None,
    response_format: Annotated[str, Query(alias="format", max_length=16)] = "json",
) -> OEmbed:
    if response_format != "json":
        raise FormatNotImplemented(f"oEmbed is served as json only, not '{response_format}'.")
    representation.check(choose(accept, [JSON]))
    target = card_target(url, get_settings().public_base_url)
    if target is None:
        raise NotFound("The url is not a card or an item of this API.")
    source = SOURCES[target.kind]
    try:
        row = source.get_row(session, target.slug)
    except Gone as withdrawn:
        raise NotFound(withdrawn.detail) from withdrawn
    width, height = embed_size(maxwidth, maxheight)
    body = OEmbed(
        type="rich",
        version="1.0",
        title=row.title,
        provider_name=request.app.title,
        provider_url=public_url("/"),
        cache_age=CACHE_AGE_SECONDS,
        html=iframe(urls.card(target.kind, target.slug), row.title, width, height),
        width=width,
        height=height,
        attribution=attribution(),
    )
    declare_language(response, [row])
    representation.send(response, {"slug": row.slug, "url": urls.item(source.singular, row.slug)})
    return body
