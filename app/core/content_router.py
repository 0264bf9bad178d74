"""The two read operations every content kind offers: a filtered, paginated list and a detail."""

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.core.db import ReadSession
from app.core.pagination import Page, PageParamsDep
from app.core.urls import Urls, UrlsDep
from app.evidence.schemas import SLUG_PATTERN
from app.evidence.vocabulary import DEFAULT_LANGUAGE

LANGUAGE_HEADER = {
    "Content-Language": {
        "description": "Language of the content (BCP 47), as each item's `language` says.",
        "schema": {"type": "string", "example": DEFAULT_LANGUAGE},
    }
}


def declare_language(response: Response, rows: Iterable[Any]) -> None:
    languages = sorted({row.language for row in rows}) or [DEFAULT_LANGUAGE]
    response.headers["Content-Language"] = ", ".join(languages)


def content_router(
    *,
    plural: str,
    singular: str,
    filters: type[BaseModel],
    summary: type[BaseModel],
    detail: type[BaseModel],
    list_rows: Callable[[Session, Any, str | None, int], list[Any]],
    get_row: Callable[[Session, str], Any],
    summary_of: Callable[[Any, Urls], BaseModel],
    detail_of: Callable[[Any, Urls], BaseModel],
) -> APIRouter:
    router = APIRouter(prefix=f"/{plural}", tags=[plural])
    page_model = type(f"{summary.__name__}Page", (Page[summary],), {})  # type: ignore[valid-type]

    def list_items(
        session: ReadSession,
        page: PageParamsDep,
        urls: UrlsDep,
        response: Response,
        query: Annotated[filters, Query()],  # type: ignore[valid-type]
    ) -> Any:
        rows = list_rows(session, query, page.after, page.limit)
        declare_language(response, rows)
        return page_model(**page.page(rows, lambda row: summary_of(row, urls)))

    def get_item(
        session: ReadSession,
        urls: UrlsDep,
        response: Response,
        slug: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=100)],
    ) -> Any:
        row = get_row(session, slug)
        declare_language(response, [row])
        return detail_of(row, urls)

    router.add_api_route(
        "",
        list_items,
        methods=["GET"],
        name=f"list_{plural}",
        response_model=page_model,
        responses={200: {"headers": LANGUAGE_HEADER}},
        summary=f"List published {plural}",
        description=f"Ordered by slug. Follow `next` for the following page of {plural}.",
    )
    router.add_api_route(
        "/{slug}",
        get_item,
        methods=["GET"],
        name=f"get_{singular}",
        response_model=detail,
        responses={200: {"headers": LANGUAGE_HEADER}},
        summary=f"Get one {singular} with its evidence",
    )
    return router
