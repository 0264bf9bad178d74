"""The search index: one row per published recommendation, mechanism and study.

Its table is created per database by raw SQL in its migration (an FTS5 virtual table on SQLite;
a table with a weighted `tsvector` column and a GIN index on PostgreSQL) and is not on the
models' metadata. This module is the only code that writes it.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from app.evidence.queries import is_public
from app.models import Mechanism, Recommendation, Study
from app.search.schemas import SearchKind

SEARCH_TABLE = "search_index"
# Private-use characters that the database's highlighter puts around matching words.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
# Stand-ins for < and > while PostgreSQL makes a snippet: it would drop what looks like a tag.
LESS_THAN = "\ue002"
GREATER_THAN = "\ue003"
# Removed from the indexed text, so that in a snippet they can only be what is said above.
RESERVED = MARK_START + MARK_STOP + LESS_THAN + GREATER_THAN

search_index = sa.table(
    SEARCH_TABLE,
    sa.column("kind"),
    sa.column("slug"),
    sa.column("language"),
    sa.column("title"),
    sa.column("body"),
)

_UNRESERVED = str.maketrans("", "", RESERVED)


def _text(*parts: str | None) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip()).translate(_UNRESERVED)


def _entry(kind: SearchKind, row: Any, *body: str | None) -> dict[str, str]:
    return {
        "kind": kind.value,
        "slug": row.slug,
        "language": row.language,
        "title": _text(row.title),
        "body": _text(*body),
    }


# Slugs per statement when the index is brought up to date for some items only.
_BATCH = 500


def _published(session: Session, model: Any, slugs: list[str] | None, *loading: Any) -> list[Any]:
    query = select(model).where(is_public(model)).options(*loading)
    if slugs is not None:
        query = query.where(col(model.slug).in_(slugs))
    return list(session.exec(query))


def _entries(session: Session, kind: SearchKind, slugs: list[str] | None) -> list[dict[str, str]]:
    """The index rows of the published items of one kind (of those slugs): the title, and the
    body text searched."""
    if kind is SearchKind.recommendation:
        loading = selectinload(Recommendation.claims)  # type: ignore[arg-type]
        return [
            _entry(kind, row, row.statement, row.tip, *(claim.text for claim in row.claims))
            for row in _published(session, Recommendation, slugs, loading)
        ]
    if kind is SearchKind.mechanism:
        loading = selectinload(Mechanism.claims)  # type: ignore[arg-type]
        return [
            _entry(kind, row, row.description, *(claim.text for claim in row.claims))
            for row in _published(session, Mechanism, slugs, loading)
        ]
    return [
        _entry(kind, row, row.population, row.findings, row.outcome)
        for row in _published(session, Study, slugs)
    ]


def reindex(session: Session, only: Mapping[str, Iterable[str]] | None = None) -> int:
    """Bring the index up to date in the caller's transaction; flushes, never commits. With
    `only` (slugs by kind), just those items: their rows go, and come back if published;
    otherwise the whole index is rebuilt. Returns the number of items indexed."""
    indexed = 0
    if only is None:
        session.execute(sa.delete(search_index))
        for kind in SearchKind:
            indexed += _insert(session, _entries(session, kind, None))
        session.flush()
        return indexed
    for kind in SearchKind:
        slugs = sorted(only.get(kind.value, ()))
        for start in range(0, len(slugs), _BATCH):
            batch = slugs[start : start + _BATCH]
            session.execute(
                sa.delete(search_index).where(
                    search_index.c.kind == kind.value, search_index.c.slug.in_(batch)
                )
            )
            indexed += _insert(session, _entries(session, kind, batch))
    session.flush()
    return indexed


def _insert(session: Session, rows: list[dict[str, str]]) -> int:
    if rows:
        session.execute(sa.insert(search_index), rows)
    return len(rows)
