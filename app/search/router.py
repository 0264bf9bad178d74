from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.attribution.service import attribution
from app.core.content_router import RESPONSE_HEADERS, declare_language
from app.core.db import ReadSession
from app.core.http_cache import NOT_MODIFIED, RepresentationDep
from app.core.negotiation import JSON, AcceptHeader, choose
from app.core.runtime import ThreadedRoute
from app.core.urls import UrlsDep
from app.search import service
from app.search.schemas import SearchKind, SearchResult, SearchResults

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 50
# Unicode white space, spelled out so that Python, pydantic (Rust) and ECMA regular expressions,
# which disagree on what `\s` means, all read the pattern alike.
_SPACE = r"\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# 1-200 characters once leading and trailing white space is trimmed.
QUERY_PATTERN = (
    rf"^[{_SPACE}]*[^{_SPACE}](?:[\s\S]{{0,{MAX_QUERY_LENGTH - 2}}}[^{_SPACE}])?[{_SPACE}]*$"
)

router = APIRouter(route_class=ThreadedRoute, prefix="/search", tags=["search"])


@router.get(
    "",
    name="search",
    responses={200: {"headers": RESPONSE_HEADERS}, **NOT_MODIFIED, 406: {}, 503: {}},
    summary="Search published recommendations, mechanisms and studies",
    description="Full-text search over titles and body text (statement, tip and claims of a"
    " recommendation; description and claims of a mechanism; population, findings and outcome of"
    " a study). The query is split into words; punctuation and search operators (quotes, `*`,"
    " `-`, `NEAR`, parentheses, colons) are read as plain text, never as syntax. Words are"
    " stemmed (`sleeping` finds `sleep`), and an item matches if it contains any of them; items"
    " with more of the words, or with them in the title, rank first. Not paginated: ask for up"
    " to 50 results. `503` if the search takes too long.",
)
def search(
    session: ReadSession,
    urls: UrlsDep,
    response: Response,
    representation: RepresentationDep,
    accept: AcceptHeader,
    q: Annotated[
        str,
        Query(
            pattern=QUERY_PATTERN,
            max_length=1000,
            description="The words to search for: 1-200 characters once leading and trailing"
            " white space is trimmed (at most 1000 with it).",
            examples=["sleeping"],
        ),
    ],
    kind: Annotated[SearchKind | None, Query(description="Only items of this kind.")] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="At most this many results (1-50).")
    ] = 10,
) -> SearchResults:
    representation.check(choose(accept, [JSON]))
    terms = service.terms_of(q)
    hits = service.search(session, terms, kind, limit)
    declare_language(response, hits)
    body = SearchResults(
        items=[
            SearchResult(
                kind=hit.kind,
                slug=hit.slug,
                title=hit.title,
                url=urls.item(hit.kind, hit.slug),
                snippet=hit.snippet,
                rank=hit.rank,
                language=hit.language,
            )
            for hit in hits
        ],
        terms=terms,
        attribution=attribution(),
    )
    representation.send(response, body)
    return body
