"""Eager loading by prebuilt statements: chunked or not, the same relationships, in order."""

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.evidence import loading
from app.mechanisms import service as mechanism_service
from app.mechanisms.schemas import MechanismFilters
from app.recommendations import service as recommendation_service
from app.recommendations.schemas import RecommendationFilters
from app.sources import service as source_service
from app.studies import service as study_service


def _shown(value: Any, depth: int = 0) -> Any:
    """The loaded graph as plain data: columns, and relationships as they were set."""
    if isinstance(value, list):
        return [_shown(item, depth) for item in value]
    if not hasattr(value, "__table__") or depth > 4:
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
        mechanisms = mechanism_service.list_mechanisms(session, MechanismFilters(), None, 100)
        recommendation = recommendation_service.get_recommendation(session, "breastfeed")
        details = [
            recommendation,
            mechanism_service.get_mechanism(session, mechanisms[0].slug),
            study_service.get_study(session, recommendation.studies[0].slug),
            source_service.get_source(session, recommendation.quotes[0].source.slug),
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
