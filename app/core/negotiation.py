"""Content negotiation: the representation a client's Accept header asks for, or 406."""

from functools import lru_cache
from typing import Annotated

import mimeparse
from fastapi import Depends, Request

from app.core.errors import AppError, ProblemType

JSON = "application/json"
JSON_LD = "application/ld+json"


class NotAcceptable(AppError):
    status_code = 406
    problem_type = ProblemType.not_acceptable
    title = "Not Acceptable"


# Async, as every dependency that does no I/O: a sync one costs a trip to the thread pool.
async def _accept(request: Request) -> str:
    # OpenAPI ignores a header parameter named Accept; responses document the media types.
    return request.headers.get("accept", "")


AcceptHeader = Annotated[str, Depends(_accept)]


def choose(accept: str, offered: list[str]) -> str:
    """The offered media type the Accept header ranks highest; the first on ties."""
    return _best_offer(accept, tuple(offered))


# Clients send few distinct Accept headers, and parsing one costs as much as a small query.
@lru_cache(maxsize=1024)
def _best_offer(accept: str, offered: tuple[str, ...]) -> str:
    if not accept.strip():
        return offered[0]
    try:
        # mimeparse prefers the last of equally ranked offers, so give it ours reversed.
        best = mimeparse.best_match(list(reversed(offered)), accept)
    except (ValueError, mimeparse.MimeTypeParseException):
        best = ""
    if not best:
        raise NotAcceptable(
            f"This resource is available as {', '.join(offered)}; the Accept header allows none."
        )
    return str(best)
