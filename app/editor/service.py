"""Editor operations: each reads the item, checks the editor may do it, and writes through the
one write path, whose conditional UPDATE on the version settles any race."""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.core.errors import (
    AppError,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ProblemType,
)
from app.core.types import utcnow
from app.editor import workflow
from app.editor.merge_patch import merge_patch
from app.editor.schemas import SourceWrite
from app.evidence.vocabulary import ItemKind, Status
from app.keys.auth import Editor
from app.keys.scopes import Scope
from app.models import ContentFields, Revision
from app.writing.errors import ContentInvalid, StaleItem
from app.writing.kinds import CONTENT_KINDS, ContentKind
from app.writing.writer import ContentWriter

STALE = (
    "The item changed since you read it: fetch it again, reapply your change, and send its"
    " new ETag in If-Match."
)


class ContentRuleBroken(AppError):
    status_code = 422
    problem_type = ProblemType.content_rule
    title = "Content rule broken"


def body_schema(spec: ContentKind) -> type[Any]:
    """What an editor sends for an item of this kind: its input schema, and a source's text."""
    return SourceWrite if spec.kind is ItemKind.source else spec.schema


def item_row(session: Session, spec: ContentKind, slug: str) -> ContentFields:
    """The item in whatever status; editors see drafts and withdrawn items too."""
    row = session.exec(select(spec.model).where(spec.model.slug == slug)).first()
    if row is None:
        raise NotFound(f"There is no {spec.kind} '{slug}'.")
    return row


def _require(editor: Editor, scope: Scope, what: str) -> None:
    if scope not in editor.scopes:
        raise Forbidden(f"{what} needs an API key with the scope '{scope}'.")


def _current(row: ContentFields, versions: set[int]) -> int:
    """The version the editor read, if it is still the item's; else a 412 problem."""
    if row.version not in versions:
        raise PreconditionFailed(STALE)
    return row.version


def _writer(session: Session, editor: Editor, message: str | None = None) -> ContentWriter:
    return ContentWriter(session, editor.name, message=message)


def _write(
    writer: ContentWriter,
    spec: ContentKind,
    document: dict[str, Any],
    status: Status,
    expected: int | None,
) -> None:
    """Write, re-derive what depends on it, check; rule breaches and races become problems."""
    try:
        writer.write(spec, document, status, expected)
        if spec.kind in (ItemKind.source, ItemKind.study):
            writer.rederive_after(spec)
        writer.finish()
    except StaleItem as error:
        raise PreconditionFailed(STALE) from error
    except ContentInvalid as error:
        raise _rule_problem(error, spec, str(document.get("slug", ""))) from error


def _rule_problem(error: ContentInvalid, spec: ContentKind, slug: str) -> ContentRuleBroken:
    """Each violation by JSON Pointer into the body sent; a violation in another item that the
    write would break (a quote no longer verbatim in a corrected source) names that item."""
    own = error.kind is spec.kind and error.slug == slug
    errors = [
        {
            "detail": str(violation) if own else f"{error.kind} {error.slug}: {violation}",
            "code": "content-rule",
            **({"pointer": violation.pointer} if own else {}),
        }
        for violation in error.violations
    ]
    detail = "The content breaks one or more content rules; see `errors`."
    return ContentRuleBroken(detail, errors=errors)


def create(session: Session, editor: Editor, spec: ContentKind, document: dict[str, Any]) -> Any:
    """A new item, as a draft."""
    slug = document["slug"]
    if session.exec(select(spec.model.id).where(spec.model.slug == slug)).first() is not None:
        raise Conflict(f"A {spec.kind} '{slug}' already exists; change it with PUT or PATCH.")
    try:
        _write(_writer(session, editor), spec, document, Status.draft, None)
    except sa.exc.IntegrityError as error:
        # Another editor created the same slug at the same moment.
        raise Conflict(f"A {spec.kind} '{slug}' already exists.") from error
    return item_row(session, spec, slug)


def replace(
    session: Session,
    editor: Editor,
    spec: ContentKind,
    slug: str,
    document: dict[str, Any],
    versions: set[int],
    message: str | None = None,
) -> ContentFields:
    """The item's whole document replaced; its status stays."""
    row = item_row(session, spec, slug)
    scope = workflow.edit_scope(row.status)
    if scope is None:
        raise InvalidTransition(
            f"The {spec.kind} '{slug}' is withdrawn: reinstate it as a draft before changing it."
        )
    _require(editor, scope, f"Changing a {row.status} {spec.kind}")
    expected = _current(row, versions)
    if document.get("slug") != slug:
        raise RequestValidationError(
            [{"loc": ("body", "slug"), "msg": "must be the slug in the URL", "type": "value_error"}]
        )
    _write(_writer(session, editor, message), spec, document, row.status, expected)
    return item_row(session, spec, slug)


def patch(
    session: Session,
    editor: Editor,
    spec: ContentKind,
    slug: str,
    changes: Any,
    versions: set[int],
) -> ContentFields:
    """JSON Merge Patch onto the stored document, validated as a whole like a PUT."""
    row = item_row(session, spec, slug)
    if not isinstance(changes, dict):
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "a merge patch must be a JSON object", "type": "dict_type"}]
        )
    merged = merge_patch(row.document or {}, changes)
    try:
        document = body_schema(spec).model_validate(merged).model_dump(mode="json")
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from error
    return replace(session, editor, spec, slug, document, versions)


def transition(
    session: Session,
    editor: Editor,
    spec: ContentKind,
    slug: str,
    target: Status,
    versions: set[int],
) -> ContentFields:
    row = item_row(session, spec, slug)
    scope = workflow.transition_scope(row.status, target)
    if scope is None:
        allowed = ", ".join(workflow.allowed_next(row.status))
        raise InvalidTransition(
            f"A {row.status} {spec.kind} cannot become {target}; it may become: {allowed}."
        )
    _require(editor, scope, f"Moving a {spec.kind} from {row.status} to {target}")
    expected = _current(row, versions)
    writer = _writer(session, editor)
    try:
        writer.set_status(spec, row, target, expected)
        writer.finish()
    except StaleItem as error:
        raise PreconditionFailed(STALE) from error
    except ContentInvalid as error:
        raise _rule_problem(error, spec, slug) from error
    return item_row(session, spec, slug)


def revisions(
    session: Session, spec: ContentKind, slug: str, before: int | None, limit: int
) -> list[Revision]:
    """The item's revisions, newest first, older than version `before` when given; one more
    than `limit`, so the page knows whether another follows."""
    item_row(session, spec, slug)
    query = select(Revision).where(Revision.kind == spec.kind, Revision.slug == slug)
    if before is not None:
        query = query.where(col(Revision.version) < before)
    return list(session.exec(query.order_by(col(Revision.version).desc()).limit(limit + 1)))


def restore(
    session: Session,
    editor: Editor,
    spec: ContentKind,
    slug: str,
    version: int,
    versions: set[int],
) -> ContentFields:
    """The item's document as that revision left it, written anew: a new, validated revision."""
    revision = session.exec(
        select(Revision).where(
            Revision.kind == spec.kind, Revision.slug == slug, Revision.version == version
        )
    ).first()
    if revision is None:
        raise NotFound(f"The {spec.kind} '{slug}' has no revision {version}.")
    message = f"restored the document of version {version}"
    return replace(session, editor, spec, slug, revision.document, versions, message)


def due(session: Session, within_days: int) -> list[tuple[ContentKind, ContentFields]]:
    """Items still served or on their way to be, whose review is due within the days given,
    oldest due date first."""
    horizon = utcnow().date() + timedelta(days=within_days)
    found = []
    for spec in CONTENT_KINDS:
        query = select(spec.model).where(
            col(spec.model.next_review_due) <= horizon,
            col(spec.model.status) != Status.withdrawn,
        )
        found += [(spec, row) for row in session.exec(query)]
    return sorted(found, key=lambda pair: (pair[1].next_review_due, pair[0].kind, pair[1].slug))
