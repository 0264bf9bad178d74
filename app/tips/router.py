from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.attribution.service import attribution
from app.core.content_router import RESPONSE_HEADERS, answer
from app.core.db import ReadSession
from app.core.http_cache import NOT_MODIFIED, RepresentationDep
from app.core.negotiation import JSON, AcceptHeader, choose
from app.core.pagination import PageParamsDep
from app.core.runtime import ThreadedRoute
from app.core.sparse_fields import FieldSelection, selection, sparse_page
from app.core.types import utcnow
from app.core.urls import UrlsDep
from app.tips import service
from app.tips.schemas import (
    CalendarDate,
    DailyTip,
    Tip,
    TipFilters,
    TipPage,
    daily_tip_of,
    tip_of,
)

router = APIRouter(route_class=ThreadedRoute, prefix="/tips", tags=["tips"])


@router.get(
    "",
    name="list_tips",
    response_model=TipPage,
    responses={200: {"headers": RESPONSE_HEADERS}, **NOT_MODIFIED, 406: {}},
    summary="List tips for mobile cards",
    description="One tip per published recommendation, with both its ratings and the caveat a"
    " card must show, ordered by slug. The filters mean what they mean on"
    " `/v1/recommendations`. Follow `next` for the following page of tips.",
)
def list_tips(
    session: ReadSession,
    page: PageParamsDep,
    urls: UrlsDep,
    representation: RepresentationDep,
    accept: AcceptHeader,
    filters: Annotated[TipFilters, Query()],
    fields: Annotated[FieldSelection, Depends(selection(Tip))],
) -> Any:
    representation.check(choose(accept, [JSON]))
    rows = service.list_tips(session, filters, page.after, page.limit)
    body = TipPage(**page.page(rows, lambda row: tip_of(row, urls)), attribution=attribution())
    return answer(body, rows, fields, representation, sparse_page)


@router.get(
    "/daily",
    name="get_daily_tip",
    response_model=DailyTip,
    responses={200: {"headers": RESPONSE_HEADERS}, **NOT_MODIFIED, 404: {}, 406: {}},
    summary="Get the tip of the day",
    description="One tip among those the filters allow, the same for every client on a given"
    " day: the tips in slug order, taken in turn, one a day, so each comes round within as many"
    " days as there are tips. `404` when no tip matches the filters.",
)
def get_daily_tip(
    session: ReadSession,
    urls: UrlsDep,
    representation: RepresentationDep,
    accept: AcceptHeader,
    filters: Annotated[TipFilters, Query()],
    date: Annotated[
        CalendarDate | None,
        Query(
            description="The day, as YYYY-MM-DD; today in UTC if omitted.", examples=["2026-01-31"]
        ),
    ] = None,
    fields: Annotated[FieldSelection, Depends(selection(DailyTip))] = None,
) -> Any:
    day = date or utcnow().date()
    representation.check(choose(accept, [JSON]), varies_with=day.isoformat())
    row = service.daily_tip(session, filters, day)
    return answer(daily_tip_of(row, urls, day), [row], fields, representation)
