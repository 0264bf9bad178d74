"""The parts of items a writer has built and not yet inserted.

An item's parts (claims, caveats, quotes, links, its revision) are kept as plain rows and go in
together when the writer checks its work, or sooner when it must read them back: a few
multi-row INSERTs per table for a whole batch of items, where an ORM object and a flush per
part cost a round trip and the unit of work's bookkeeping each. A part's owner may be a row not
inserted yet; it is named by the row itself and replaced by its id when it has one.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
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
            if rows := self._rows.pop(model, []):
                ids = _insert(session, model.__table__, _parameters(rows), returning=True)  # type: ignore[attr-defined]
                for row, row_id in zip(rows, ids, strict=True):
                    row.id = row_id
        for model in LEAVES:
            if rows := self._rows.pop(model, []):
                _insert(session, model.__table__, _parameters(rows), returning=False)  # type: ignore[attr-defined]


def _insert(
    session: Session, table: sa.Table, parameters: list[dict[str, Any]], *, returning: bool
) -> list[int]:
    """Insert the rows; with `returning`, their ids in the rows' order."""
    if _unnests(session, table):
        statement = _from_arrays(table, parameters)
        if not returning:
            session.execute(statement)
            return []
        # The ids come from the table's sequence as the rows go in, in the order given.
        return sorted(session.execute(statement.returning(table.c.id)).scalars())
    if not returning:
        session.execute(sa.insert(table), parameters)
        return []
    statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, parameters).scalars())


def _unnests(session: Session, table: sa.Table) -> bool:
    """On PostgreSQL, rows go in as one array per column: one short statement for any number
    of rows. A many-row VALUES (insertmanyvalues) is a long statement the driver parses anew
    each time, and executemany is one statement per row. Not for JSON columns: a JSON list
    would be read as one more dimension of the array."""
    return session.get_bind().dialect.name == "postgresql" and not any(
        isinstance(column.type, sa.JSON) for column in table.columns
    )


def _from_arrays(table: sa.Table, parameters: list[dict[str, Any]]) -> sa.Insert:
    names = list(parameters[0])
    arrays = [
        sa.cast(
            sa.bindparam(None, [row[name] for row in parameters], ARRAY(table.c[name].type)),
            ARRAY(table.c[name].type),
        )
        for name in names
    ]
    rows = sa.func.unnest(*arrays).table_valued(*names, with_ordinality="ordinal")
    rows = rows.render_derived("rows")
    ordered = sa.select(*(rows.c[name] for name in names)).order_by(rows.c.ordinal)
    return sa.insert(table).from_select(names, ordered)


def _parameters(rows: list[PendingRow]) -> list[dict[str, Any]]:
    """One parameter set per row, each with every key any of them has, so that one statement
    takes them all: the keys some rows leave out are optional columns (another kind of owner,
    a dismissal), NULL when not given."""
    keys = dict.fromkeys(key for row in rows for key in row.values)
    return [{key: _value(row.values.get(key)) for key in keys} for row in rows]
