"""The content version each worker believes current, with the rest of the validators (the
overdue items' count and latest due date), kept in memory so that serving a cached response, or
checking the validators of one built anew, costs no database round trip.

A daemon thread per worker reads them every `POLL_SECONDS`, so a write made by another worker
(or process) is seen within that interval plus one read. A write committed in this process is
seen at once: the commit clears them, so requests read them from the database until the next
read, which the commit also triggers. When the database stops answering, the last version read
is trusted for `TRUST_SECONDS` to serve cached responses, and for building responses only
while `FRESH_SECONDS` old; then requests go to the routes and the database, which answer 503
like any other read during an outage.
"""

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.core.types import utcnow
from app.evidence.vocabulary import PUBLIC_STATUSES
from app.models import ContentState, Mechanism, Recommendation, SourceDocument, Study
from app.models.state import STATE_ROW

POLL_SECONDS = 0.5
TRUST_SECONDS = 5.0
# How old the validators may be for a response built anew: an edit made on another worker is
# shown, and tagged, within this.
FRESH_SECONDS = 1.0
# PostgreSQL: the poll gives up quickly rather than holding a pooled connection.
POLL_STATEMENT_TIMEOUT_MS = 1000
CONTENT_CHANGED = "content_changed"
CONTENT_MODELS = (Recommendation, Mechanism, Study, SourceDocument)

logger = logging.getLogger(__name__)
_watches: "weakref.WeakSet[ContentVersionWatch]" = weakref.WeakSet()


def utc_day() -> int:
    """Days since 1970-01-01 in UTC: what responses that change with the date are keyed by."""
    return int(time.time() // 86400)


@dataclass(frozen=True)
class ContentValidators:
    version: int
    changed_at: datetime
    overdue: int
    latest_due: date | None

    @property
    def last_modified(self) -> datetime:
        """The later of the last write and the last moment an item became overdue."""
        if self.latest_due is None:
            return self.changed_at
        became_overdue = datetime.combine(self.latest_due + timedelta(days=1), time_of_day(), UTC)
        return max(self.changed_at, became_overdue)


NO_CONTENT = ContentValidators(0, datetime(2000, 1, 1, tzinfo=UTC), 0, None)


@cache
def validators_query() -> Any:
    """The version with the overdue items' count and latest due date, in one statement so that
    all three are of the same snapshot; bind `today`."""
    today = sa.bindparam("today", type_=sa.Date())
    due = sa.union_all(
        *(
            select(col(model.next_review_due).label("due")).where(
                col(model.next_review_due) < today, col(model.status).in_(list(PUBLIC_STATUSES))
            )
            for model in CONTENT_MODELS
        )
    ).subquery()
    overdue = select(sa.func.count()).select_from(due).scalar_subquery()
    latest = select(sa.func.max(due.c.due)).select_from(due).scalar_subquery()
    return select(ContentState.version, ContentState.changed_at, overdue, latest).where(
        ContentState.id == STATE_ROW
    )


def read_validators_on(connection: sa.Connection, today: date) -> ContentValidators:
    row = connection.execute(validators_query(), {"today": today}).first()
    return NO_CONTENT if row is None else ContentValidators(*row)


def note_content_change(session: Session) -> None:
    """Called in the transaction that bumps the content version; acted on when it commits."""
    session.info[CONTENT_CHANGED] = True


@sa.event.listens_for(Session, "after_commit")
def _content_committed(session: Session) -> None:
    if session.info.pop(CONTENT_CHANGED, False):
        for watch in list(_watches):
            watch.invalidate()


@sa.event.listens_for(Session, "after_rollback")
def _content_rolled_back(session: Session) -> None:
    session.info.pop(CONTENT_CHANGED, None)


class ContentVersionWatch:
    """The current content version of one database, read in the background."""

    def __init__(self, engine_of: Callable[[], Engine]) -> None:
        self._engine_of = engine_of
        self._validators: ContentValidators | None = None
        self._read_at = 0.0
        # Moved on by every invalidation, so that a read begun before it cannot restore the
        # version it made stale.
        self._generation = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False
        _watches.add(self)

    def current(self) -> int | None:
        """The version to serve cached responses for, or None: unknown, or not read lately."""
        validators = self._read_within(TRUST_SECONDS)
        return None if validators is None else validators.version

    def validators(self) -> ContentValidators | None:
        """The validators to tag a response built now with, or None: unknown, or not read
        within `FRESH_SECONDS`."""
        return self._read_within(FRESH_SECONDS)

    def _read_within(self, seconds: float) -> ContentValidators | None:
        if self._thread is None or not self._thread.is_alive():
            self.start()
        validators = self._validators
        if validators is None or time.monotonic() - self._read_at > seconds:
            return None
        return validators

    def start(self) -> None:
        # Events of its own, so that a thread told to stop stays stopped.
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop, self._wake), name="content-version", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def invalidate(self) -> None:
        self._generation += 1
        self._validators = None
        self._wake.set()

    def _run(self, stop: threading.Event, wake: threading.Event) -> None:
        while not stop.is_set():
            wake.clear()
            self.poll()
            wake.wait(POLL_SECONDS)

    def poll(self) -> None:
        generation = self._generation
        try:
            validators = self._read()
        except sa.exc.SQLAlchemyError as error:
            if not self._failing:
                logger.warning("content version not readable: %s", error.__class__.__name__)
            self._failing = True
            return
        self._failing = False
        if generation == self._generation:
            self._validators, self._read_at = validators, time.monotonic()

    def _read(self) -> ContentValidators:
        engine = self._engine_of()
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(
                    sa.text(f"SET LOCAL statement_timeout = {POLL_STATEMENT_TIMEOUT_MS}")
                )
            return read_validators_on(connection, utcnow().date())
