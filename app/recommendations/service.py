import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from app.core.errors import NotFound
from app.evidence.queries import (
    certainty_at_least,
    claim_loading,
    has_caveat,
    is_public,
    with_caveats,
    with_claim_caveats,
    with_quotes,
)
from app.models import (
    Mechanism,
    Recommendation,
    RecommendationLifeStage,
    RecommendationMechanism,
    RecommendationStudy,
    Study,
)
from app.recommendations.schemas import RecommendationFilters


def filter_clauses(filters: RecommendationFilters) -> list[sa.ColumnElement[bool]]:
    r = Recommendation
    clauses = [is_public(r)]
    if filters.life_stage:
        clauses.append(
            sa.exists().where(
                RecommendationLifeStage.recommendation_id == r.id,
                RecommendationLifeStage.life_stage == filters.life_stage,
            )
        )
    if filters.topic:
        clauses.append(r.topic == filters.topic)
    if filters.min_certainty:
        clauses.append(certainty_at_least(r.certainty, filters.min_certainty))
    if filters.strength:
        clauses.append(r.strength == filters.strength)
    if filters.mechanism:
        clauses.append(
            sa.exists().where(
                RecommendationMechanism.recommendation_id == r.id,
                RecommendationMechanism.mechanism_id == Mechanism.id,
                Mechanism.slug == filters.mechanism,
            )
        )
    if filters.study:
        clauses.append(
            sa.exists().where(
                RecommendationStudy.recommendation_id == r.id,
                RecommendationStudy.study_id == Study.id,
                Study.slug == filters.study,
            )
        )
    if filters.caveat_kind:
        clauses.append(has_caveat(r, "recommendation_id", filters.caveat_kind))
    if filters.updated_since:
        clauses.append(r.updated_at >= filters.updated_since)
    return clauses


SUMMARY_LOADING = [
    selectinload(Recommendation.life_stage_rows),
    selectinload(Recommendation.mechanisms),
    with_caveats(Recommendation.caveats),
    with_claim_caveats(Recommendation.claims),
]

DETAIL_LOADING = [
    selectinload(Recommendation.life_stage_rows),
    selectinload(Recommendation.mechanisms),
    selectinload(Recommendation.studies),
    selectinload(Recommendation.targets),
    with_caveats(Recommendation.caveats),
    with_quotes(Recommendation.quotes),
    *claim_loading(Recommendation.claims),
]


def list_recommendations(
    session: Session, filters: RecommendationFilters, after: str | None, limit: int
) -> list[Recommendation]:
    query = select(Recommendation).where(*filter_clauses(filters)).options(*SUMMARY_LOADING)
    if after is not None:
        query = query.where(Recommendation.slug > after)
    return list(session.exec(query.order_by(Recommendation.slug).limit(limit + 1)))


def get_recommendation(session: Session, slug: str) -> Recommendation:
    query = (
        select(Recommendation)
        .where(Recommendation.slug == slug, is_public(Recommendation))
        .options(*DETAIL_LOADING)
    )
    item = session.exec(query).first()
    if item is None:
        raise NotFound(f"No published recommendation has the slug '{slug}'.")
    return item
