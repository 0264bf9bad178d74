import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from app.core.errors import NotFound
from app.evidence.queries import is_public, with_caveats, with_quotes
from app.models import (
    Caveat,
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
        clauses.append(
            sa.exists().where(
                MechanismStudy.study_id == s.id,
                MechanismStudy.mechanism_id == Mechanism.id,
                Mechanism.slug == filters.mechanism,
            )
        )
    if filters.recommendation:
        clauses.append(
            sa.exists().where(
                RecommendationStudy.study_id == s.id,
                RecommendationStudy.recommendation_id == Recommendation.id,
                Recommendation.slug == filters.recommendation,
            )
        )
    if filters.source:
        clauses.append(
            sa.exists().where(
                StudySource.study_id == s.id,
                StudySource.source_id == SourceDocument.id,
                SourceDocument.slug == filters.source,
            )
        )
    if filters.caveat_kind:
        clauses.append(
            sa.exists().where(
                Caveat.study_id == s.id,
                Caveat.kind == filters.caveat_kind,
                Caveat.dismissed_reason.is_(None),
            )
        )
    if filters.updated_since:
        clauses.append(s.updated_at >= filters.updated_since)
    return clauses


SUMMARY_LOADING = [
    selectinload(Study.life_stage_rows),
    with_caveats(Study.caveats),
]

DETAIL_LOADING = [
    *SUMMARY_LOADING,
    selectinload(Study.sources),
    selectinload(Study.mechanisms),
    selectinload(Study.recommendations),
    with_quotes(Study.quotes),
]


def list_studies(
    session: Session, filters: StudyFilters, after: str | None, limit: int
) -> list[Study]:
    query = select(Study).where(*filter_clauses(filters)).options(*SUMMARY_LOADING)
    if after is not None:
        query = query.where(Study.slug > after)
    return list(session.exec(query.order_by(Study.slug).limit(limit + 1)))


def get_study(session: Session, slug: str) -> Study:
    query = select(Study).where(Study.slug == slug, is_public(Study)).options(*DETAIL_LOADING)
    item = session.exec(query).first()
    if item is None:
        raise NotFound(f"No published study has the slug '{slug}'.")
    return item
