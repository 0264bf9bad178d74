from typing import Any

from fastapi import APIRouter, Response

from app.attribution.schemas import Attributed
from app.attribution.service import attribution
from app.changes import schemas, service
from app.core.db import ReadSession
from app.core.http_cache import CACHE_HEADERS, NOT_MODIFIED, RepresentationDep
from app.core.negotiation import JSON, AcceptHeader, choose
from app.core.pagination import Page, PageParamsDep
from app.core.runtime import ThreadedRoute
from app.core.urls import UrlsDep

router = APIRouter(route_class=ThreadedRoute, prefix="/changes", tags=["changes"])


class ChangePage(Page[schemas.ChangeEvent], Attributed):
    pass


@router.get(
    "",
    name="list_changes",
    response_model=ChangePage,
    responses={200: {"headers": CACHE_HEADERS}, **NOT_MODIFIED, 406: {}},
    summary="Every public change, in commit order",
    description="Created, updated, certainty changed, withdrawn, and review overdue (the moment"
    " an item starts to carry `evidence_may_be_outdated`). Start without a cursor, store the"
    " `next` link of the last page, and follow it later for what changed since; `next` is null"
    " when you are up to date, so keep the URL of the last page you fetched.",
)
def list_changes(
    session: ReadSession,
    page: PageParamsDep,
    urls: UrlsDep,
    response: Response,
    representation: RepresentationDep,
    accept: AcceptHeader,
) -> Any:
    representation.check(choose(accept, [JSON]))
    events = service.feed_page(session, page.after, page.limit)

    def to_item(event: service.FeedEvent) -> schemas.ChangeEvent:
        return schemas.ChangeEvent(
            kind=event.kind,
            slug=event.slug,
            version=event.version,
            change=event.change,
            at=event.at,
            url=urls.item(event.kind, event.slug),
        )

    items = page.page(events, to_item, position=lambda event: event.position)
    body = ChangePage(**items, attribution=attribution())
    representation.send(response, {})
    return body
