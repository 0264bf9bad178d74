"""Is the database reachable, and is its schema the one this code expects?

Shared by `GET /readyz` and the `gutbrain` commands that need a migrated database. Nothing is
cached but the code's own head revision, so the answer follows the database as it comes back.
"""

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session

from app.core.errors import database_reason, is_database_unavailable
from app.core.migrations import head_revisions

MIGRATE_HINT = "run `gutbrain migrate`"


class Readiness(StrEnum):
    ready = "ready"
    unreachable = "unreachable"
    not_migrated = "not_migrated"


@dataclass(frozen=True)
class DatabaseStatus:
    readiness: Readiness
    revisions: tuple[str, ...]
    reason: str

    @property
    def revision(self) -> str:
        return ",".join(self.revisions) or "none"


def database_status(session: Session) -> DatabaseStatus:
    try:
        context = MigrationContext.configure(session.connection())
        current = tuple(sorted(context.get_current_heads()))
    except sa.exc.SQLAlchemyError as error:
        if not is_database_unavailable(error):
            raise
        return DatabaseStatus(Readiness.unreachable, (), database_reason(error))
    head = head_revisions()
    if current == head:
        return DatabaseStatus(Readiness.ready, current, "the schema is at the latest revision")
    if not current:
        reason = f"the database has no schema; {MIGRATE_HINT}"
    else:
        at, expected = ",".join(current), ",".join(head)
        reason = f"the schema is at revision {at}, this code needs {expected}; {MIGRATE_HINT}"
    return DatabaseStatus(Readiness.not_migrated, current, reason)
