import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from app.core.errors import NotFound
from app.evidence.queries import is_public, with_caveats
from app.models import SourceDocument
from app.sources.schemas import SourceFilters


def filter_clauses(filters: SourceFilters) -> list[sa.ColumnElement[bool]]:
    clauses = [is_public(SourceDocument)]
    if filters.source_type:
        clauses.append(SourceDocument.source_type == filters.source_type)
    if filters.updated_since:
        clauses.append(SourceDocument.updated_at >= filters.updated_since)
    return clauses


def list_sources(
    session: Session, filters: SourceFilters, after: str | None, limit: int
) -> list[SourceDocument]:
    query = (
        select(SourceDocument)
        .where(*filter_clauses(filters))
        .options(with_caveats(SourceDocument.caveats))
    )
    if after is not None:
        query = query.where(SourceDocument.slug > after)
    return list(session.exec(query.order_by(SourceDocument.slug).limit(limit + 1)))


def get_source(session: Session, slug: str) -> SourceDocument:
    query = (
        select(SourceDocument)
        .where(SourceDocument.slug == slug, is_public(SourceDocument))
        .options(
            with_caveats(SourceDocument.caveats),
            selectinload(SourceDocument.studies),
        )
    )
    item = session.exec(query).first()
    if item is None:
        raise NotFound(f"No published source document has the slug '{slug}'.")
    return item
