"""Every write path records what it changed, in the same transaction as the change itself."""

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


def record_change(session: Session, item: ContentFields, change: ChangeKind) -> None:
    """Logs the change. Its id is taken under the content state's row lock, which the
    transaction holds from here to its commit (`bump_content_version` writes that row), so ids
    are numbered in commit order: a reader following the log by id (the webhook outbox) never
    sees change n+1 committed while n is still to come."""
    session.exec(select(ContentState).where(ContentState.id == STATE_ROW).with_for_update())
    session.add(
        ContentChange(
            kind=ITEM_KINDS[type(item)], slug=item.slug, version=item.version, change=change
        )
    )


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
