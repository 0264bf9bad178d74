from app.core.content_router import content_router
from app.models import SourceDocument
from app.sources import schemas, service

router = content_router(
    plural="sources",
    singular="source",
    example_slug="news-baby-gut-mental-health",
    filters=schemas.SourceFilters,
    summary=schemas.SourceSummary,
    detail=schemas.Source,
    model=SourceDocument,
    filter_clauses=service.filter_clauses,
    summary_plan=service.SUMMARY_LOADING,
    detail_plan=service.DETAIL_LOADING,
    summary_of=schemas.summary_of,
    detail_of=schemas.detail_of,
    noun="source document",
)
