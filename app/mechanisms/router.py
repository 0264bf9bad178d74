from app.core.content_router import content_router
from app.linked_data import mechanism_linked_data
from app.mechanisms import schemas, service
from app.models import Mechanism

router = content_router(
    plural="mechanisms",
    singular="mechanism",
    example_slug="serotonin",
    filters=schemas.MechanismFilters,
    summary=schemas.MechanismSummary,
    detail=schemas.Mechanism,
    model=Mechanism,
    filter_clauses=service.filter_clauses,
    summary_plan=service.SUMMARY_LOADING,
    detail_plan=service.DETAIL_LOADING,
    summary_of=schemas.summary_of,
    detail_of=schemas.detail_of,
    linked_data_of=mechanism_linked_data,
)
