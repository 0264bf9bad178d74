import sqlalchemy as sa
from sqlmodel import Session

from app.evidence.loading import Eager
from app.evidence.queries import (
    certainty_at_least,
    has_caveat,
    is_public,
    keyset_page,
    linked_to,
    published_by_slug,
    with_caveats,
    with_claim_caveats,
    with_claims,
    with_quotes,
)
from app.models import (
    Mechanism,
    Recommendation,
    RecommendationLifeStage,
    RecommendationMechanism,
    RecommendationStudy,
    RecommendationTarget,
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
        own = RecommendationMechanism.recommendation_id == r.id
        other = RecommendationMechanism.mechanism_id
        clauses.append(linked_to(own, other, Mechanism, filters.mechanism))
    if filters.study:
        own = RecommendationStudy.recommendation_id == r.id
        clauses.append(linked_to(own, RecommendationStudy.study_id, Study, filters.study))
    if filters.caveat_kind:
        clauses.append(has_caveat(r, "recommendation_id", filters.caveat_kind))
    if filters.updated_since:
        clauses.append(r.updated_at >= filters.updated_since)
    return clauses


SUMMARY_LOADING = [
    Eager(Recommendation.life_stage_rows),
    Eager(Recommendation.mechanisms),
    with_caveats(Recommendation.caveats),
    with_claim_caveats(Recommendation.claims),
]

DETAIL_LOADING = [
    Eager(Recommendation.life_stage_rows),
    Eager(Recommendation.mechanisms),
    Eager(Recommendation.studies),
    Eager(
        Recommendation.targets,
        Eager(RecommendationTarget.study),
        with_quotes(RecommendationTarget.quotes),
    ),
    with_caveats(Recommendation.caveats),
    with_quotes(Recommendation.quotes),
    with_claims(Recommendation.claims),
]


def list_recommendations(
    session: Session, filters: RecommendationFilters, after: str | None, limit: int
) -> list[Recommendation]:
    clauses = filter_clauses(filters)
    return keyset_page(session, Recommendation, clauses, SUMMARY_LOADING, after, limit)


def get_recommendation(session: Session, slug: str) -> Recommendation:
    return published_by_slug(session, Recommendation, slug, DETAIL_LOADING, "recommendation")
