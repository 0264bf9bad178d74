"""The change feed: the change log merged with the derived "review overdue" events, in order.

An item becomes overdue at the start of the day after its review date, without any write; the
feed shows that moment as an event so that syncing clients refresh it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.changes.log import ITEM_KINDS
from app.core.errors import InvalidCursor
from app.core.types import utcnow
from app.evidence.vocabulary import PUBLIC_STATUSES, ChangeKind, ItemKind
from app.models import ContentChange

# On the same instant, derived events sort before logged ones, and logged ones by id.
DERIVED, LOGGED = 0, 1
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class FeedEvent:
    at: datetime
    order: int
    id: int
    kind: ItemKind
    slug: str
    version: int
    change: ChangeKind

    @property
    def position(self) -> str:
        return f"{self.at:{_FORMAT}}|{self.order}|{self.id}|{self.kind}/{self.slug}"

    def key(self) -> tuple[datetime, int, int, str]:
        return (self.at, self.order, self.id, f"{self.kind}/{self.slug}")


def parse_position(position: str) -> tuple[datetime, int, int, str]:
    try:
        at, order, event_id, item = position.split("|")
        return datetime.strptime(at, _FORMAT).replace(tzinfo=UTC), int(order), int(event_id), item
    except ValueError as exc:
        raise InvalidCursor("The cursor cannot be read.") from exc


def _became_overdue(due: date) -> datetime:
    return datetime.combine(due + timedelta(days=1), time(), UTC)


def _logged(
    session: Session, after: tuple[datetime, int, int, str] | None, limit: int
) -> list[FeedEvent]:
    query = select(ContentChange)
    if after is not None:
        at, order, event_id, _ = after
        later = col(ContentChange.at) > at
        same_instant = col(ContentChange.at) == at
        if order == LOGGED:
            same_instant = sa.and_(same_instant, col(ContentChange.id) > event_id)
        query = query.where(sa.or_(later, same_instant))
    query = query.order_by(col(ContentChange.at), col(ContentChange.id)).limit(limit)
    return [
        FeedEvent(row.at, LOGGED, row.id or 0, row.kind, row.slug, row.version, row.change)
        for row in session.exec(query)
    ]


def _derived(session: Session, after: tuple[datetime, int, int, str] | None) -> list[FeedEvent]:
    today = utcnow().date()
    since = after[0].date() - timedelta(days=1) if after else date.min
    events = []
    for model, kind in ITEM_KINDS.items():
        rows = session.exec(
            select(col(model.slug), col(model.version), col(model.next_review_due)).where(
                col(model.next_review_due) < today,
                col(model.next_review_due) >= since,
                col(model.status).in_(list(PUBLIC_STATUSES)),
            )
        )
        events += [
            FeedEvent(
                _became_overdue(due), DERIVED, 0, kind, slug, version, ChangeKind.review_overdue
            )
            for slug, version, due in rows
        ]
    return events


def feed_page(session: Session, after: str | None, limit: int) -> list[FeedEvent]:
    """Up to `limit + 1` events after the position `after`, in feed order."""
    position = parse_position(after) if after is not None else None
    events = _logged(session, position, limit + 1) + _derived(session, position)
    events.sort(key=FeedEvent.key)
    if position is not None:
        events = [event for event in events if event.key() > position]
    return events[: limit + 1]
