"""The content version each worker believes current, kept in memory so that serving a cached
response costs no database round trip.

A daemon thread per worker reads the one-row version every `POLL_SECONDS`, so a write made by
another worker (or process) is seen within that interval plus one read. A write committed in
this process is seen at once: the commit clears the version, so nothing is served from the
cache until the next read, which the commit also triggers. When the database stops answering,
the last version read is trusted for `TRUST_SECONDS` and then no longer: requests go to the
routes, which answer 503 like any other read during an outage.
"""

import logging
import threading
import time
import weakref
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import select

from app.models import ContentState
from app.models.state import STATE_ROW

POLL_SECONDS = 0.5
TRUST_SECONDS = 5.0
# PostgreSQL: the poll gives up quickly rather than holding a pooled connection.
POLL_STATEMENT_TIMEOUT_MS = 1000
CONTENT_CHANGED = "content_changed"

logger = logging.getLogger(__name__)
_watches: "weakref.WeakSet[ContentVersionWatch]" = weakref.WeakSet()


def utc_day() -> int:
    """Days since 1970-01-01 in UTC: what responses that change with the date are keyed by."""
    return int(time.time() // 86400)


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
        self._version: int | None = None
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
        if self._thread is None or not self._thread.is_alive():
            self.start()
        if self._version is None or time.monotonic() - self._read_at > TRUST_SECONDS:
            return None
        return self._version

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
        self._version = None
        self._wake.set()

    def _run(self, stop: threading.Event, wake: threading.Event) -> None:
        while not stop.is_set():
            wake.clear()
            self.poll()
            wake.wait(POLL_SECONDS)

    def poll(self) -> None:
        generation = self._generation
        try:
            version = self._read()
        except sa.exc.SQLAlchemyError as error:
            if not self._failing:
                logger.warning("content version not readable: %s", error.__class__.__name__)
            self._failing = True
            return
        self._failing = False
        if generation == self._generation:
            self._version, self._read_at = version, time.monotonic()

    def _read(self) -> int:
        engine = self._engine_of()
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(
                    sa.text(f"SET LOCAL statement_timeout = {POLL_STATEMENT_TIMEOUT_MS}")
                )
            version = connection.execute(
                select(ContentState.version).where(ContentState.id == STATE_ROW)
            ).scalar()
        return int(version or 0)
