import sqlalchemy as sa
from sqlmodel import Session

from app.evidence.loading import Eager
from app.evidence.queries import (
    certainty_at_least,
    has_caveat,
    is_public,
    linked_to,
    published_by_slug,
    with_caveats,
    with_claim_caveats,
    with_claims,
    with_quotes,
)
from app.mechanisms.schemas import MechanismFilters
from app.models import Mechanism, MechanismStudy, Recommendation, RecommendationMechanism, Study


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
        own = RecommendationMechanism.mechanism_id == m.id
        other = RecommendationMechanism.recommendation_id
        clauses.append(linked_to(own, other, Recommendation, filters.recommendation))
    if filters.study:
        own = MechanismStudy.mechanism_id == m.id
        clauses.append(linked_to(own, MechanismStudy.study_id, Study, filters.study))
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
    Eager(Mechanism.recommendations),
    Eager(Mechanism.studies),
    with_caveats(Mechanism.caveats),
    with_quotes(Mechanism.quotes),
    with_claims(Mechanism.claims),
]


def get_mechanism(session: Session, slug: str) -> Mechanism:
    return published_by_slug(session, Mechanism, slug, DETAIL_LOADING, "mechanism")
