"""Editor routes: per content kind, read, create, replace, merge-patch, move through the workflow,
withdraw, list revisions and restore one; and the review queue."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.core.db import ReadSession, WriteSession
from app.core.errors import AppError
from app.core.pagination import PageParamsDep
from app.core.types import utcnow
from app.core.urls import Urls, UrlsDep, public_url
from app.editor import idempotency, service, workflow
from app.editor.preconditions import IfMatch, etag, versions_matching
from app.editor.schemas import (
    DueItem,
    DueList,
    EditorItem,
    EditorLinks,
    RevisionOut,
    RevisionPage,
    TransitionIn,
)
from app.evidence.schemas import SLUG_PATTERN
from app.evidence.vocabulary import PUBLIC_STATUSES, Status
from app.keys.auth import Editor, editor_router, requires
from app.keys.scopes import Scope
from app.models import ContentFields
from app.writing.kinds import CONTENT_KINDS, ContentKind

MERGE_PATCH = "application/merge-patch+json"
SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=100)]
Writer = Annotated[Editor, requires(Scope.content_write)]
Publisher = Annotated[Editor, requires(Scope.content_publish)]
ETAG_HEADER = {
    "ETag": {
        "description": "The item's version: send it as If-Match to change it.",
        "schema": {"type": "string"},
    }
}
CHANGED: dict[int | str, dict[str, Any]] = {
    200: {"headers": ETAG_HEADER},
    400: {},
    404: {},
    409: {},
    412: {},
    422: {},
    428: {},
}


class UnsupportedMediaType(AppError):
    status_code = 415
    title = "Unsupported Media Type"


def _item(request: Request, urls: Urls, spec: ContentKind, row: ContentFields) -> JSONResponse:
    singular = spec.kind.value
    own = public_url(request.app.url_path_for(f"get_editor_{singular}", slug=row.slug))
    history = request.app.url_path_for(f"list_{singular}_revisions", slug=row.slug)
    item = EditorItem(
        kind=spec.kind,
        slug=row.slug,
        status=row.status,
        version=row.version,
        edited_by=row.edited_by,
        updated_at=row.updated_at,
        next_review_due=row.next_review_due,
        allowed_transitions=workflow.allowed_next(row.status),
        document=row.document or {},
        links=EditorLinks(
            self=own,
            revisions=public_url(history),
            public=urls.item(singular, row.slug) if row.status in PUBLIC_STATUSES else None,
        ),
    )
    return JSONResponse(item.model_dump(mode="json"), headers={"ETag": etag(row.version)})


async def _merge_patch_body(request: Request) -> Any:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (MERGE_PATCH, "application/json"):
        raise UnsupportedMediaType(f"Send the patch as {MERGE_PATCH}.")
    try:
        return json.loads(await request.body())
    except ValueError as error:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"not JSON: {error}", "type": "json_invalid"}]
        ) from error


def kind_routes(spec: ContentKind) -> APIRouter:
    """The editor operations on one kind, typed with its own input schema."""
    singular, plural = spec.kind.value, spec.plural
    body = service.body_schema(spec)
    routes = editor_router(prefix=f"/{plural}")

    def create(
        item: body,  # type: ignore[valid-type]
        editor: Writer,
        session: WriteSession,
        request: Request,
        urls: UrlsDep,
        idempotency_key: idempotency.IdempotencyKey = None,
    ) -> Response:
        document = item.model_dump(mode="json")  # type: ignore[attr-defined]
        fingerprint = idempotency.request_hash("POST", request.url.path, document)
        if idempotency_key is not None:
            replayed = idempotency.replay(session, editor, idempotency_key, fingerprint)
            if replayed is not None:
                return replayed
        row = service.create(session, editor, spec, document)
        response = _item(request, urls, spec, row)
        response.status_code = 201
        response.headers["Location"] = public_url(
            request.app.url_path_for(f"get_editor_{singular}", slug=row.slug)
        )
        if idempotency_key is not None:
            idempotency.remember(session, editor, idempotency_key, fingerprint, response)
        return response

    def get_item(
        slug: SlugPath, editor: Writer, session: ReadSession, request: Request, urls: UrlsDep
    ) -> Response:
        return _item(request, urls, spec, service.item_row(session, spec, slug))

    def replace(
        slug: SlugPath,
        item: body,  # type: ignore[valid-type]
        editor: Writer,
        session: WriteSession,
        request: Request,
        urls: UrlsDep,
        if_match: IfMatch = None,
    ) -> Response:
        versions = versions_matching(if_match)
        document = item.model_dump(mode="json")  # type: ignore[attr-defined]
        row = service.replace(session, editor, spec, slug, document, versions)
        return _item(request, urls, spec, row)

    async def patch(
        slug: SlugPath,
        editor: Writer,
        session: WriteSession,
        request: Request,
        urls: UrlsDep,
        if_match: IfMatch = None,
    ) -> Response:
        versions = versions_matching(if_match)
        changes = await _merge_patch_body(request)
        row = service.patch(session, editor, spec, slug, changes, versions)
        return _item(request, urls, spec, row)

    def transition(
        slug: SlugPath,
        step: TransitionIn,
        editor: Writer,
        session: WriteSession,
        request: Request,
        urls: UrlsDep,
        if_match: IfMatch = None,
    ) -> Response:
        versions = versions_matching(if_match)
        row = service.transition(session, editor, spec, slug, step.status, versions)
        return _item(request, urls, spec, row)

    def withdraw(
        slug: SlugPath,
        editor: Publisher,
        session: WriteSession,
        request: Request,
        urls: UrlsDep,
        if_match: IfMatch = None,
    ) -> Response:
        step = TransitionIn(status=Status.withdrawn)
        return transition(slug, step, editor, session, request, urls, if_match)

    def list_revisions(
        slug: SlugPath, editor: Writer, session: ReadSession, page: PageParamsDep
    ) -> RevisionPage:
        before = int(page.after) if page.after is not None else None
        rows = service.revisions(session, spec, slug, before, page.limit)
        return RevisionPage(
            **page.page(
                rows,
                lambda row: RevisionOut.model_validate(row, from_attributes=True),
                lambda row: str(row.version),
            )
        )

    def restore(
        slug: SlugPath,
        version: Annotated[int, Path(ge=1, le=10**9)],
        editor: Writer,
        session: WriteSession,
        request: Request,
        urls: UrlsDep,
        if_match: IfMatch = None,
    ) -> Response:
        versions = versions_matching(if_match)
        row = service.restore(session, editor, spec, slug, version, versions)
        return _item(request, urls, spec, row)

    routes.add_api_route(
        "",
        create,
        methods=["POST"],
        name=f"create_{singular}",
        status_code=201,
        response_model=EditorItem,
        responses={
            201: {
                "headers": {
                    **ETAG_HEADER,
                    "Location": {
                        "description": "The new item in the editor API.",
                        "schema": {"type": "string", "format": "uri"},
                    },
                    idempotency.REPLAYED_HEADER: {
                        "description": "`true` on a replay of the first response to its key.",
                        "schema": {"type": "string", "enum": ["true"]},
                    },
                }
            },
            409: {},
            422: {},
        },
        summary=f"Create a {singular}, as a draft",
        description="Written through the same rules as every other write: a breach is a 422"
        " naming each field by JSON Pointer. Send `Idempotency-Key` to retry safely.",
    )
    routes.add_api_route(
        "/{slug}",
        get_item,
        methods=["GET"],
        name=f"get_editor_{singular}",
        response_model=EditorItem,
        responses={200: {"headers": ETAG_HEADER}, 404: {}},
        summary=f"Get a {singular} in any status, with its document and ETag",
    )
    routes.add_api_route(
        "/{slug}",
        replace,
        methods=["PUT"],
        name=f"replace_{singular}",
        response_model=EditorItem,
        responses=CHANGED,
        summary=f"Replace a {singular}'s document",
        description="Needs If-Match. Its status stays; changing a published item needs"
        " `content:publish`.",
    )
    routes.add_api_route(
        "/{slug}",
        patch,
        methods=["PATCH"],
        name=f"patch_{singular}",
        response_model=EditorItem,
        responses={**CHANGED, 415: {}},
        summary=f"Change part of a {singular}'s document (JSON Merge Patch)",
        description="RFC 7396 against the stored document, then validated whole as a PUT.",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    MERGE_PATCH: {
                        "schema": {
                            "type": "object",
                            "description": f"Members of a {singular} document to set;"
                            " `null` removes one.",
                        }
                    }
                },
            }
        },
    )
    routes.add_api_route(
        "/{slug}/transitions",
        transition,
        methods=["POST"],
        name=f"transition_{singular}",
        response_model=EditorItem,
        responses=CHANGED,
        summary=f"Move a {singular} through the workflow",
        description="draft → in_review → published → needs_update / withdrawn. Publishing,"
        " withdrawing and reinstating need `content:publish`; an illegal step is a 409. A public"
        " item cites only public items: publishing one that cites a draft study, or taking a"
        " study or source that public items cite off the site, is a 422 naming them.",
    )
    routes.add_api_route(
        "/{slug}",
        withdraw,
        methods=["DELETE"],
        name=f"withdraw_{singular}",
        response_model=EditorItem,
        responses=CHANGED,
        summary=f"Withdraw a {singular}",
        description="Not deleted: its public URL answers 410 and its history stays. A study or"
        " source that public items still cite is not withdrawn (422, naming them).",
    )
    routes.add_api_route(
        "/{slug}/revisions",
        list_revisions,
        methods=["GET"],
        name=f"list_{singular}_revisions",
        response_model=RevisionPage,
        responses={404: {}},
        summary=f"A {singular}'s revisions, newest first",
    )
    routes.add_api_route(
        "/{slug}/revisions/{version}/restore",
        restore,
        methods=["POST"],
        name=f"restore_{singular}_revision",
        response_model=EditorItem,
        responses=CHANGED,
        summary=f"Restore a {singular}'s document to a revision",
        description="Written anew through every rule, as a new revision; the status stays.",
    )
    return routes


review_queue = editor_router()


@review_queue.get(
    "/due",
    response_model=DueList,
    summary="The review queue: items whose review is due",
    description="Items not withdrawn whose next review date has passed or falls within"
    " `within_days`, oldest due date first.",
)
def get_review_queue(
    editor: Writer,
    session: ReadSession,
    request: Request,
    within_days: Annotated[int, Query(ge=0, le=366, description="Days ahead to look.")] = 30,
) -> DueList:
    today = utcnow().date()
    items = []
    for spec, row in service.due(session, within_days):
        assert row.next_review_due is not None
        path = request.app.url_path_for(f"get_editor_{spec.kind.value}", slug=row.slug)
        items.append(
            DueItem(
                kind=spec.kind,
                slug=row.slug,
                title=getattr(row, "title", row.slug),
                status=row.status,
                next_review_due=row.next_review_due,
                overdue_days=(today - row.next_review_due).days,
                edit=public_url(path),
            )
        )
    return DueList(within_days=within_days, items=items)


# Every editor route: one router per content kind, then the review queue.
routers = [*(kind_routes(spec) for spec in CONTENT_KINDS), review_queue]
