"""The evidence explorer, `GET /explore`: every published recommendation, mechanism and study on
one page, with an evidence map and a connection graph drawn on the server."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.core.content_router import RESPONSE_HEADERS, declare_language
from app.core.db import ReadSession
from app.core.html import HTML, render, templates_for
from app.core.http_cache import NOT_MODIFIED, RepresentationDep
from app.core.negotiation import AcceptHeader, choose
from app.core.runtime import ThreadedRoute
from app.core.security_headers import PAGE_POLICY
from app.core.urls import UrlsDep, public_url
from app.evidence.vocabulary import DEFAULT_LANGUAGE
from app.explore import service
from app.explore.geometry import number
from app.explore.schemas import ExploreFilters
from app.explore.views import explorer_page

ASSETS = Path(__file__).parent / "static"
templates = templates_for(Path(__file__).parent)
templates.env.filters["n"] = number
router = APIRouter(route_class=ThreadedRoute, tags=["explore"])


@router.get(
    "/explore",
    name="get_explorer",
    response_class=HTMLResponse,
    responses={
        200: {
            "description": "The explorer, an HTML page.",
            "headers": RESPONSE_HEADERS,
            "content": {HTML: {"schema": {"type": "string"}}},
        },
        **NOT_MODIFIED,
        406: {},
    },
    summary="Browse all published recommendations, mechanisms and studies",
    description="An HTML page (no scripts, no external assets) listing every published"
    " recommendation, mechanism and study, each linked to its card and its JSON, with an"
    " evidence map (each recommendation placed by its two ratings, marked by the best kind of"
    " evidence behind its advice) and a graph of the links between the three kinds. A plain"
    " form filters it: life stage, topic and certainty narrow the recommendations, certainty the"
    " mechanisms, life stage the studies, and search words all three, matched as `/v1/search`"
    " matches them.",
)
def get_explorer(
    request: Request,
    session: ReadSession,
    urls: UrlsDep,
    representation: RepresentationDep,
    accept: AcceptHeader,
    filters: Annotated[ExploreFilters, Query()],
) -> HTMLResponse:
    representation.check(choose(accept, [HTML]))
    explored = service.explore(session, filters)
    page = explorer_page(explored, filters, urls)
    response = render(
        templates,
        request,
        "explore.html",
        {
            "page": page,
            "explore_url": public_url(request.app.url_path_for("get_explorer")),
            "language": DEFAULT_LANGUAGE,
        },
        policy=PAGE_POLICY,
    )
    declare_language(response, [*explored.recommendations, *explored.mechanisms, *explored.studies])
    representation.send(response, page.surrogate_body())
    return response
