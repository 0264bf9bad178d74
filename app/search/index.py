"""The search index: one row per published recommendation, mechanism and study.

Its table is created per database by raw SQL in its migration (an FTS5 virtual table on SQLite;
a table with a weighted `tsvector` column and a GIN index on PostgreSQL) and is not on the
models' metadata. This module is the only code that writes it.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

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


def _published(session: Session, model: Any, *loading: Any) -> list[Any]:
    return list(session.exec(select(model).where(is_public(model)).options(*loading)))


def entries(session: Session) -> list[dict[str, str]]:
    """The index rows for everything published now: title, and the body text searched."""
    recommendation_claims = selectinload(Recommendation.claims)  # type: ignore[arg-type]
    mechanism_claims = selectinload(Mechanism.claims)  # type: ignore[arg-type]
    return [
        *(
            _entry(
                SearchKind.recommendation,
                row,
                row.statement,
                row.tip,
                *(claim.text for claim in row.claims),
            )
            for row in _published(session, Recommendation, recommendation_claims)
        ),
        *(
            _entry(SearchKind.mechanism, row, row.description, *(c.text for c in row.claims))
            for row in _published(session, Mechanism, mechanism_claims)
        ),
        *(
            _entry(SearchKind.study, row, row.population, row.findings, row.outcome)
            for row in _published(session, Study)
        ),
    ]


def reindex(session: Session) -> int:
    """Rebuild the index from the current rows, in the caller's transaction; flushes, never
    commits. Returns the number of items indexed."""
    rows = entries(session)
    session.execute(sa.delete(search_index))
    if rows:
        session.execute(sa.insert(search_index), rows)
    session.flush()
    return len(rows)
