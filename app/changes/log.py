"""Every write path records what it changed, in the same transaction as the change itself."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from app.core.content_version import note_content_change
from app.core.types import utcnow
from app.evidence.vocabulary import PUBLIC_STATUSES, ChangeKind, ItemKind, Status
from app.models import (
    ContentChange,
    ContentFields,
    ContentState,
    Mechanism,
    Recommendation,
    SourceDocument,
    Study,
)
from app.models.state import STATE_ROW

ITEM_KINDS: dict[type[ContentFields], ItemKind] = {
    Recommendation: ItemKind.recommendation,
    Mechanism: ItemKind.mechanism,
    Study: ItemKind.study,
    SourceDocument: ItemKind.source,
}


def public_change(
    was: Status | None, now: Status, certainty_changed: bool = False
) -> ChangeKind | None:
    """What a reader of the public feed learns from a status transition, if anything."""
    was_public, is_public = was in PUBLIC_STATUSES, now in PUBLIC_STATUSES
    if is_public and not was_public:
        return ChangeKind.created
    if was_public and not is_public:
        return ChangeKind.withdrawn
    if is_public:
        return ChangeKind.certainty_changed if certainty_changed else ChangeKind.updated
    return None


def change_of(item: ContentFields, change: ChangeKind) -> dict[str, Any]:
    """The change-log row of a change to an item, as the item stands now."""
    return {
        "kind": ITEM_KINDS[type(item)],
        "slug": item.slug,
        "version": item.version,
        "change": change,
    }


def record_changes(session: Session, changes: list[dict[str, Any]]) -> None:
    """Logs the changes (rows from `change_of`). Their ids are taken under the content state's
    row lock, which the transaction holds from here to its commit (`bump_content_version`
    writes that row), so ids are numbered in commit order: a reader following the log by id
    (the webhook outbox) never sees change n+1 committed while n is still to come."""
    if changes:
        session.exec(select(ContentState).where(ContentState.id == STATE_ROW).with_for_update())
        session.execute(sa.insert(ContentChange.__table__), changes)  # type: ignore[attr-defined]


def bump_content_version(session: Session) -> None:
    """A new content version: every cached representation and ETag is stale from now on."""
    state = session.get(ContentState, STATE_ROW)
    if state is None:
        state = ContentState(id=STATE_ROW)
        session.add(state)
    state.version += 1
    state.changed_at = utcnow()
    session.flush()
    note_content_change(session)
