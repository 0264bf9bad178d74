import sqlalchemy as sa

from app.evidence.loading import Eager
from app.evidence.queries import (
    is_public,
    with_caveats,
    with_people_quotes,
)
from app.models import SourceDocument
from app.sources.schemas import SourceFilters


def filter_clauses(filters: SourceFilters) -> list[sa.ColumnElement[bool]]:
    clauses = [is_public(SourceDocument)]
    if filters.source_type:
        clauses.append(SourceDocument.source_type == filters.source_type)
    if filters.updated_since:
        clauses.append(SourceDocument.updated_at >= filters.updated_since)
    return clauses


SUMMARY_LOADING = [with_caveats(SourceDocument.caveats)]
DETAIL_LOADING = [
    *SUMMARY_LOADING,
    Eager(SourceDocument.studies),
    with_people_quotes(SourceDocument.people),
]
