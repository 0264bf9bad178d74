"""Authentication for the editor API: routers authenticated by default, scopes per operation.

A route is public only by living in the public tree: every route on an `editor_router()` needs
a valid API key in `Authorization: Bearer <key>`, and `requires(scope)` adds the scope that an
operation needs, which the OpenAPI document lists in the operation's `security`.
"""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.core.db import ReadSession
from app.core.errors import Forbidden, Unauthorized
from app.core.runtime import ThreadedRoute
from app.keys import service
from app.keys.scopes import SCOPE_DESCRIPTIONS, Scope
from app.models import ApiKey

EDITOR_PREFIX = "/v1/editor"
MISSING_KEY = "This operation needs an API key, sent as `Authorization: Bearer <key>`."
# One answer for a malformed, unknown, wrong, revoked or expired key: which it is would help
# someone guessing keys, not the editor who holds one.
INVALID_KEY = "The API key is not valid: it may be mistyped, revoked or expired."

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="gbk_<prefix>_<secret>",
    description="An editor API key from `gutbrain keys create` or `POST /v1/editor/keys`, sent"
    " as `Authorization: Bearer <key>` (never in the URL). The names each operation lists are"
    " the scopes its key needs: "
    + "; ".join(f"`{scope}`: {what}" for scope, what in SCOPE_DESCRIPTIONS.items())
    + ".",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@dataclass(frozen=True)
class Editor:
    """Who is calling: the API key's id and name, and what it may do."""

    key_id: int
    name: str
    scopes: frozenset[Scope]


def editor_of(row: ApiKey) -> Editor:
    assert row.id is not None
    return Editor(key_id=row.id, name=row.name, scopes=frozenset(service.known_scopes(row)))


def current_editor(request: Request, credentials: Credentials, session: ReadSession) -> Editor:
    """The editor whose API key authenticates this request, or a 401 problem. The session's
    connection goes back to the pool before the request waits for a thread again, for the
    operation itself (`ThreadedRoute` says why)."""
    if credentials is None:
        # A header that is there but is not `Bearer <something>` is a bad key, not a missing one.
        raise Unauthorized(INVALID_KEY if "authorization" in request.headers else MISSING_KEY)
    try:
        row = service.authenticate(session, credentials.credentials)
        if row is None:
            raise Unauthorized(INVALID_KEY)
        if service.use_due(row):
            _record_use(session, row)
        return editor_of(row)
    finally:
        session.close()


def _record_use(session: Session, row: ApiKey) -> None:
    """In a short transaction of its own, on the request's database: the use is recorded even
    if the request then fails, and no write lock is held while the request runs."""
    with Session(session.get_bind()) as own:
        if service.record_use(own, row):
            own.commit()


CurrentEditor = Annotated[Editor, Depends(current_editor)]


def requires(scope: Scope) -> Any:
    """A dependency on the current editor whose key must carry `scope`, else a 403 problem
    naming it. Use it as `dependencies=[requires(Scope.content_write)]`, or as a parameter
    `editor: Annotated[Editor, requires(Scope.content_write)]`."""

    def check(
        editor: CurrentEditor,
        # Adds the scope to the operation's `security` in the OpenAPI document.
        _declared: Annotated[
            HTTPAuthorizationCredentials | None, Security(bearer, scopes=[scope.value])
        ],
    ) -> Editor:
        if scope not in editor.scopes:
            raise Forbidden(f"This operation needs an API key with the scope '{scope}'.")
        return editor

    check.__name__ = f"requires_{scope.name}"
    return Depends(check)


class NoStoreRoute(ThreadedRoute):
    """Every response of an editor route is `Cache-Control: no-store`, including those a route
    builds itself (errors are problems, which always are)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def no_store(request: Request) -> Response:
            response = await handler(request)
            response.headers["Cache-Control"] = "no-store"
            return response

        return no_store


EDITOR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {
        "headers": {
            "WWW-Authenticate": {
                "description": "The scheme to authenticate with: `Bearer`.",
                "schema": {"type": "string"},
            }
        }
    },
    403: {},
}


def editor_router(**kwargs: Any) -> APIRouter:
    """An `APIRouter` under `/v1/editor` (plus any `prefix` given), tagged `editor`, whose every
    route needs a valid API key, answers `Cache-Control: no-store` and documents 401 and 403.
    Other arguments go to `APIRouter`; `dependencies` and `responses` add to these."""
    prefix = EDITOR_PREFIX + kwargs.pop("prefix", "")
    dependencies = [Depends(current_editor), *kwargs.pop("dependencies", [])]
    responses = {**EDITOR_RESPONSES, **kwargs.pop("responses", {})}
    kwargs.setdefault("tags", ["editor"])
    return APIRouter(
        prefix=prefix,
        dependencies=dependencies,
        responses=responses,
        route_class=NoStoreRoute,
        **kwargs,
    )
