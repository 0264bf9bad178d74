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
from app.mechanisms.schemas import MechanismFilters
from app.models import (
    Mechanism,
    MechanismStudy,
    Recommendation,
    RecommendationMechanism,
    Study,
)


def filter_clauses(filters: MechanismFilters) -> list[sa.ColumnElement[bool]]:
    m = Mechanism
    clauses = [is_public(m)]
    if filters.pathway:
        clauses.append(m.pathway == filters.pathway)
    if filters.support_level:
        clauses.append(m.support_level == filters.support_level)
    if filters.min_certainty:
        clauses.append(certainty_at_least(m.certainty, filters.min_certainty))
    if filters.recommendation:
        clauses.append(
            sa.exists().where(
                RecommendationMechanism.mechanism_id == m.id,
                RecommendationMechanism.recommendation_id == Recommendation.id,
                Recommendation.slug == filters.recommendation,
            )
        )
    if filters.study:
        clauses.append(
            sa.exists().where(
                MechanismStudy.mechanism_id == m.id,
                MechanismStudy.study_id == Study.id,
                Study.slug == filters.study,
            )
        )
    if filters.caveat_kind:
        clauses.append(has_caveat(m, "mechanism_id", filters.caveat_kind))
    if filters.updated_since:
        clauses.append(m.updated_at >= filters.updated_since)
    return clauses


SUMMARY_LOADING = [
    with_caveats(Mechanism.caveats),
    with_claim_caveats(Mechanism.claims),
]

DETAIL_LOADING = [
    selectinload(Mechanism.recommendations),
    selectinload(Mechanism.studies),
    with_caveats(Mechanism.caveats),
    with_quotes(Mechanism.quotes),
    *claim_loading(Mechanism.claims),
]


def list_mechanisms(
    session: Session, filters: MechanismFilters, after: str | None, limit: int
) -> list[Mechanism]:
    query = select(Mechanism).where(*filter_clauses(filters)).options(*SUMMARY_LOADING)
    if after is not None:
        query = query.where(Mechanism.slug > after)
    return list(session.exec(query.order_by(Mechanism.slug).limit(limit + 1)))


def get_mechanism(session: Session, slug: str) -> Mechanism:
    query = (
        select(Mechanism)
        .where(Mechanism.slug == slug, is_public(Mechanism))
        .options(*DETAIL_LOADING)
    )
    item = session.exec(query).first()
    if item is None:
        raise NotFound(f"No published mechanism has the slug '{slug}'.")
    return item
