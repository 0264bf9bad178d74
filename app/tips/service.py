import datetime

from sqlmodel import Session, select

from app.core.errors import NotFound
from app.evidence.queries import published_by_slug
from app.models import Recommendation
from app.recommendations.service import SUMMARY_LOADING, filter_clauses, list_recommendations
from app.tips.schemas import TipFilters


def list_tips(
    session: Session, filters: TipFilters, after: str | None, limit: int
) -> list[Recommendation]:
    return list_recommendations(session, filters.as_recommendation_filters(), after, limit)


def pick_for(day: datetime.date, slugs: list[str]) -> str:
    """The slug of the day: walks the slugs in order, one a day, so each comes round in turn.

    Sorted here rather than by the database, whose collation may order hyphens differently, so
    every worker on every database picks the same one.
    """
    ordered = sorted(slugs)
    return ordered[day.toordinal() % len(ordered)]


def daily_tip(session: Session, filters: TipFilters, day: datetime.date) -> Recommendation:
    clauses = filter_clauses(filters.as_recommendation_filters())
    slugs = list(session.exec(select(Recommendation.slug).where(*clauses)))
    if not slugs:
        raise NotFound("No published recommendation matches these filters.")
    slug = pick_for(day, slugs)
    return published_by_slug(session, Recommendation, slug, SUMMARY_LOADING, "recommendation")
