import sqlalchemy as sa
from sqlmodel import Session

from app.evidence.loading import Eager
from app.evidence.queries import (
    has_caveat,
    is_public,
    linked_to,
    published_by_slug,
    with_caveats,
    with_quotes,
)
from app.models import (
    Mechanism,
    MechanismStudy,
    Recommendation,
    RecommendationStudy,
    SourceDocument,
    Study,
    StudyLifeStage,
    StudySource,
)
from app.studies.schemas import StudyFilters


def filter_clauses(filters: StudyFilters) -> list[sa.ColumnElement[bool]]:
    s = Study
    clauses = [is_public(s)]
    if filters.design:
        clauses.append(s.design == filters.design)
    if filters.life_stage:
        clauses.append(
            sa.exists().where(
                StudyLifeStage.study_id == s.id, StudyLifeStage.life_stage == filters.life_stage
            )
        )
    if filters.mechanism:
        own = MechanismStudy.study_id == s.id
        clauses.append(linked_to(own, MechanismStudy.mechanism_id, Mechanism, filters.mechanism))
    if filters.recommendation:
        own = RecommendationStudy.study_id == s.id
        other = RecommendationStudy.recommendation_id
        clauses.append(linked_to(own, other, Recommendation, filters.recommendation))
    if filters.source:
        own = StudySource.study_id == s.id
        clauses.append(linked_to(own, StudySource.source_id, SourceDocument, filters.source))
    if filters.caveat_kind:
        clauses.append(has_caveat(s, "study_id", filters.caveat_kind, via_claims=False))
    if filters.updated_since:
        clauses.append(s.updated_at >= filters.updated_since)
    return clauses


SUMMARY_LOADING = [
    Eager(Study.life_stage_rows),
    with_caveats(Study.caveats),
]

DETAIL_LOADING = [
    *SUMMARY_LOADING,
    Eager(Study.sources),
    Eager(Study.mechanisms),
    Eager(Study.recommendations),
    with_quotes(Study.quotes),
]


def get_study(session: Session, slug: str) -> Study:
    return published_by_slug(session, Study, slug, DETAIL_LOADING, "study")
