"""The parts of items a writer has built and not yet inserted.

An item's parts (claims, caveats, quotes, links, its revision) are kept as plain rows and go in
together when the write ends: a few multi-row INSERTs per table for a whole batch of items,
where an ORM object and a flush per part cost a round trip and the unit of work's bookkeeping
each. A part's owner may be a row not inserted yet; it is named by the row itself and replaced
by its id when it has one.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from app.models import (
    Caveat,
    CertaintyJudgement,
    Claim,
    ClaimStudy,
    Mechanism,
    MechanismStudy,
    PersonQuoted,
    Quote,
    Recommendation,
    RecommendationLifeStage,
    RecommendationMechanism,
    RecommendationStudy,
    RecommendationTarget,
    Revision,
    SourceDocument,
    Study,
    StudyLifeStage,
    StudySource,
)


@dataclass(eq=False)
class PendingRow:
    """A row waiting for its INSERT; the rows that refer to it take its id once it has one."""

    values: dict[str, Any]
    id: int | None = None


# Each table after those its rows refer to; the rows of the first four are referred to.
REFERRED_TO: list[type[SQLModel]] = [Claim, RecommendationTarget, PersonQuoted, Caveat]
LEAVES: list[type[SQLModel]] = [
    Quote,
    CertaintyJudgement,
    ClaimStudy,
    StudySource,
    StudyLifeStage,
    MechanismStudy,
    RecommendationLifeStage,
    RecommendationMechanism,
    RecommendationStudy,
    Revision,
]


# What a value may refer to: a pending row, or an item's own row (flushed before its parts).
# Looked up by exact type: isinstance on a model class costs a metaclass hook per value.
REFERENCES = frozenset({PendingRow, SourceDocument, Study, Mechanism, Recommendation})


def _value(value: Any) -> Any:
    return value.id if type(value) in REFERENCES else value


class PendingRows:
    """Rows by table, inserted in the order they were added (so ids keep that order)."""

    def __init__(self) -> None:
        self._rows: defaultdict[type[SQLModel], list[PendingRow]] = defaultdict(list)

    def add(self, model: type[SQLModel], **values: Any) -> PendingRow:
        row = PendingRow(values)
        self._rows[model].append(row)
        return row

    def insert(self, session: Session) -> None:
        """Insert every pending row; the items they belong to are flushed first for their ids."""
        session.flush()
        for model in REFERRED_TO:
            rows = self._rows.pop(model, [])
            if rows:
                table = model.__table__  # type: ignore[attr-defined]
                statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
                ids = session.execute(statement, _parameters(rows)).scalars()
                for row, row_id in zip(rows, ids, strict=True):
                    row.id = row_id
        for model in LEAVES:
            if rows := self._rows.pop(model, []):
                session.execute(sa.insert(model.__table__), _parameters(rows))  # type: ignore[attr-defined]


def _parameters(rows: list[PendingRow]) -> list[dict[str, Any]]:
    """One parameter set per row, each with every key any of them has, so that one statement
    takes them all: the keys some rows leave out are optional columns (another kind of owner,
    a dismissal), NULL when not given."""
    keys = dict.fromkeys(key for row in rows for key in row.values)
    return [{key: _value(row.values.get(key)) for key in keys} for row in rows]
