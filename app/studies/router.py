from app.core.content_router import content_router
from app.linked_data import study_linked_data
from app.models import Study
from app.studies import schemas, service

router = content_router(
    plural="studies",
    singular="study",
    example_slug="child-gut-microbiome-cohort",
    filters=schemas.StudyFilters,
    summary=schemas.StudySummary,
    detail=schemas.Study,
    model=Study,
    filter_clauses=service.filter_clauses,
    summary_plan=service.SUMMARY_LOADING,
    detail_plan=service.DETAIL_LOADING,
    summary_of=schemas.summary_of,
    detail_of=schemas.detail_of,
    linked_data_of=study_linked_data,
)
