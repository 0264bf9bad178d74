from app.core.content_router import content_router
from app.linked_data import recommendation_linked_data
from app.models import Recommendation
from app.recommendations import schemas, service

router = content_router(
    plural="recommendations",
    singular="recommendation",
    example_slug="breastfeed",
    filters=schemas.RecommendationFilters,
    summary=schemas.RecommendationSummary,
    detail=schemas.Recommendation,
    model=Recommendation,
    filter_clauses=service.filter_clauses,
    summary_plan=service.SUMMARY_LOADING,
    detail_plan=service.DETAIL_LOADING,
    summary_of=schemas.summary_of,
    detail_of=schemas.detail_of,
    linked_data_of=recommendation_linked_data,
)
