"""Eager loading by prebuilt statements: chunked or not, as ORM instances or plain rows, the same
relationships, in order."""

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.evidence import loading
from app.evidence.queries import keyset_page, published_by_slug
from app.mechanisms import service as mechanism_service
from app.mechanisms.schemas import MechanismFilters
from app.models import Mechanism, Recommendation, SourceDocument, Study
from app.recommendations import service as recommendation_service
from app.recommendations.schemas import RecommendationFilters
from app.sources import service as source_service
from app.studies import service as study_service


def _shown(value: Any, depth: int = 0) -> Any:
    """The loaded graph as plain data: columns, and relationships as they were set."""
    if isinstance(value, list):
        return [_shown(item, depth) for item in value]
    row = hasattr(value, "__table__") or type(value).__module__ == loading.__name__
    if not row or depth > 4:
        return value
    return {
        key: _shown(item, depth + 1)
        for key, item in sorted(vars(value).items())
        if not key.startswith("_")
    }


def _everything(engine: Engine) -> Any:
    with Session(engine) as session:
        recommendations = recommendation_service.list_recommendations(
            session, RecommendationFilters(), None, 100
        )
        mechanisms = keyset_page(
            session,
            Mechanism,
            mechanism_service.filter_clauses(MechanismFilters()),
            mechanism_service.SUMMARY_LOADING,
            None,
            100,
        )
        recommendation = recommendation_service.get_recommendation(session, "breastfeed")
        details = [
            recommendation,
            mechanism_service.get_mechanism(session, mechanisms[0].slug),
            study_service.get_study(session, recommendation.studies[0].slug),
            published_by_slug(
                session,
                SourceDocument,
                recommendation.quotes[0].source.slug,
                source_service.DETAIL_LOADING,
                "source document",
            ),
        ]
        return _shown([recommendations, mechanisms, details])


def test_chunks_load_what_one_statement_loads(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _everything(seeded_engine)
    monkeypatch.setattr(loading, "CHUNK", 1)
    assert _everything(seeded_engine) == whole


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 8, 9, 512])
def test_padding_binds_every_key_and_a_power_of_two(count: int) -> None:
    ((sizes, params),) = loading._chunks([list(range(count)), []])
    assert sizes == (loading._padded(count), 0)
    assert sizes[0] >= count
    assert sizes[0] & (sizes[0] - 1) == 0
    assert set(params.values()) == set(range(count))


def _agrees(plain: Any, orm: Any) -> bool:
    """Plain rows show what ORM instances show, less what the identity map adds: an instance
    reached again by another path carries the relationships loaded there too."""
    if isinstance(plain, list):
        return isinstance(orm, list) and len(plain) == len(orm) and all(map(_agrees, plain, orm))
    if isinstance(plain, dict):
        return (
            isinstance(orm, dict)
            and set(plain) <= set(orm)
            and all(_agrees(value, orm[key]) for key, value in plain.items())
        )
    return bool(plain == orm)


@pytest.mark.parametrize(
    ("model", "plan"),
    [
        (Recommendation, recommendation_service.SUMMARY_LOADING),
        (Recommendation, recommendation_service.DETAIL_LOADING),
        (Mechanism, mechanism_service.SUMMARY_LOADING),
        (Mechanism, mechanism_service.DETAIL_LOADING),
        (Study, study_service.SUMMARY_LOADING),
        (Study, study_service.DETAIL_LOADING),
        (SourceDocument, source_service.SUMMARY_LOADING),
        (SourceDocument, source_service.DETAIL_LOADING),
    ],
)
def test_plain_rows_carry_what_orm_instances_carry(
    seeded_engine: Engine, model: Any, plan: list[loading.Eager]
) -> None:
    with Session(seeded_engine) as session:
        instances = list(
            session.exec(select(model).options(*loading.unread(model)).order_by(model.slug))
        )
        loading.load(session, instances, plan)
        rows = loading.read(session, model, loading.plain_select(model).order_by(model.slug), plan)
        shown, expected = _shown(rows), _shown(instances)
        assert len(shown) == len(expected) > 1
        assert [set(row) for row in shown] == [set(row) for row in expected]
        assert _agrees(shown, expected)
