"""The explorer's reads: every published item that passes the filters, with its links, in a fixed
number of statements whatever the number of items."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.evidence.loading import Eager, plain_select, read
from app.evidence.queries import is_public, with_caveats
from app.explore.schemas import ExploreFilters
from app.mechanisms import service as mechanism_service
from app.models import (
    Claim,
    Mechanism,
    MechanismStudy,
    Recommendation,
    RecommendationMechanism,
    RecommendationStudy,
    Study,
)
from app.recommendations import service as recommendation_service
from app.search import service as search_service
from app.search.schemas import SearchKind
from app.studies import service as study_service

# A recommendation's summary loading, with the studies behind its claims for the kind of its
# evidence.
RECOMMENDATION_LOADING = [
    Eager(Recommendation.life_stage_rows),
    Eager(Recommendation.mechanisms),
    with_caveats(Recommendation.caveats),
    Eager(Recommendation.claims, with_caveats(Claim.caveats), Eager(Claim.studies)),
]

SlugPair = tuple[str, str]


@dataclass(frozen=True)
class Totals:
    recommendations: int
    mechanisms: int
    studies: int


@dataclass(frozen=True)
class Explored:
    recommendations: list[Recommendation]
    mechanisms: list[Mechanism]
    studies: list[Study]
    recommendation_mechanisms: list[SlugPair]
    recommendation_studies: list[SlugPair]
    mechanism_studies: list[SlugPair]
    totals: Totals
    terms: list[str] | None
    """The words searched for, or None when there was no search."""


def _totals(session: Session) -> Totals:
    def published(model: Any) -> Any:
        return select(sa.func.count()).select_from(model).where(is_public(model)).scalar_subquery()

    row = session.exec(
        select(published(Recommendation), published(Mechanism), published(Study))
    ).one()
    return Totals(*row)


def _rows(
    session: Session,
    model: Any,
    clauses: list[sa.ColumnElement[bool]],
    loading: list[Eager],
    slugs: set[str] | None,
) -> list[Any]:
    """Plain rows passing the clauses, and among the search's matches when there was a
    search."""
    if slugs is not None:
        if not slugs:
            return []
        clauses = [*clauses, col(model.slug).in_(sorted(slugs))]
    return read(session, model, plain_select(model).where(*clauses).order_by(model.slug), loading)


def _links(
    session: Session, left: Any, right: Any, left_ids: dict[int, str], right_ids: dict[int, str]
) -> list[SlugPair]:
    """The links in an association table between the rows shown, as (left slug, right slug)."""
    if not left_ids or not right_ids:
        return []
    query = (
        select(left, right)
        .where(col(left).in_(list(left_ids)), col(right).in_(list(right_ids)))
        .order_by(left, right)
    )
    return [(left_ids[a], right_ids[b]) for a, b in session.exec(query)]


def explore(session: Session, filters: ExploreFilters) -> Explored:
    totals = _totals(session)
    terms: list[str] | None = None
    matches: dict[SearchKind, set[str]] | None = None
    if filters.search_text is not None:
        terms = search_service.terms_of(filters.search_text)
        everything = totals.recommendations + totals.mechanisms + totals.studies
        hits = search_service.search(session, terms, None, max(1, everything))
        matches = {kind: {hit.slug for hit in hits if hit.kind is kind} for kind in SearchKind}

    def matching(kind: SearchKind) -> set[str] | None:
        return None if matches is None else matches[kind]

    recommendations = _rows(
        session,
        Recommendation,
        recommendation_service.filter_clauses(filters.for_recommendations()),
        RECOMMENDATION_LOADING,
        matching(SearchKind.recommendation),
    )
    mechanisms = _rows(
        session,
        Mechanism,
        mechanism_service.filter_clauses(filters.for_mechanisms()),
        mechanism_service.SUMMARY_LOADING,
        matching(SearchKind.mechanism),
    )
    studies = _rows(
        session,
        Study,
        study_service.filter_clauses(filters.for_studies()),
        study_service.SUMMARY_LOADING,
        matching(SearchKind.study),
    )
    recommendation_ids = {row.id: row.slug for row in recommendations}
    mechanism_ids = {row.id: row.slug for row in mechanisms}
    study_ids = {row.id: row.slug for row in studies}
    return Explored(
        recommendations=recommendations,
        mechanisms=mechanisms,
        studies=studies,
        recommendation_mechanisms=_links(
            session,
            RecommendationMechanism.recommendation_id,
            RecommendationMechanism.mechanism_id,
            recommendation_ids,
            mechanism_ids,
        ),
        recommendation_studies=_links(
            session,
            RecommendationStudy.recommendation_id,
            RecommendationStudy.study_id,
            recommendation_ids,
            study_ids,
        ),
        mechanism_studies=_links(
            session,
            MechanismStudy.mechanism_id,
            MechanismStudy.study_id,
            mechanism_ids,
            study_ids,
        ),
        totals=totals,
        terms=terms,
    )
