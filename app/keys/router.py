"""Key administration, `/v1/editor/keys`: every operation needs the `keys:admin` scope."""

from typing import Annotated

from fastapi import Path, Request, Response

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageParamsDep
from app.core.urls import public_url
from app.evidence.schemas import SLUG_PATTERN
from app.keys import service
from app.keys.auth import editor_router, requires
from app.keys.schemas import ApiKeyCreate, ApiKeyIssued, ApiKeyPage, ApiKeyPublic, key_fields
from app.keys.scopes import Scope
from app.models import ApiKey

router = editor_router(prefix="/keys", dependencies=[requires(Scope.keys_admin)])

KeyNamePath = Annotated[
    str,
    Path(pattern=SLUG_PATTERN, max_length=100, description="The key's name.", examples=["cms"]),
]
LOCATION = {
    "Location": {"description": "The new key's URL.", "schema": {"type": "string"}},
}


def key_url(request: Request, row: ApiKey) -> str:
    return public_url(request.app.url_path_for("get_api_key", name=row.name))


@router.get(
    "",
    name="list_api_keys",
    summary="List API keys",
    description="Every key by name, revoked and expired ones too; never a key or its hash.",
)
def list_api_keys(session: ReadSession, page: PageParamsDep, request: Request) -> ApiKeyPage:
    rows = service.list_keys(session, page.after, page.limit)
    return ApiKeyPage(
        **page.page(
            rows,
            lambda row: ApiKeyPublic(**key_fields(row, key_url(request, row))),
            position=lambda row: row.name,
        )
    )


@router.get("/{name}", name="get_api_key", summary="Get one API key", responses={404: {}})
def get_api_key(session: ReadSession, name: KeyNamePath, request: Request) -> ApiKeyPublic:
    row = service.get_key(session, name)
    return ApiKeyPublic(**key_fields(row, key_url(request, row)))


@router.post(
    "",
    name="create_api_key",
    status_code=201,
    summary="Create an API key",
    description="The answer holds the key itself, this once: it is stored only as a keyed hash"
    " and cannot be shown again. `409` when the name is taken, even by a revoked key.",
    responses={201: {"headers": LOCATION}, 409: {}},
)
def create_api_key(
    session: WriteSession, body: ApiKeyCreate, request: Request, response: Response
) -> ApiKeyIssued:
    issued = service.create_key(session, body.name, body.scopes, body.expiry())
    url = key_url(request, issued.row)
    response.headers["Location"] = url
    return ApiKeyIssued(**key_fields(issued.row, url), key=issued.key)


@router.delete(
    "/{name}",
    name="revoke_api_key",
    status_code=204,
    summary="Revoke an API key",
    description="The key stops working at once. Revoking a revoked key changes nothing; the"
    " key stays listed, and its name stays taken.",
    responses={404: {}},
)
def revoke_api_key(session: WriteSession, name: KeyNamePath) -> None:
    service.revoke_key(session, name)
