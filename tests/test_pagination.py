"""Keyset pagination: complete, without duplicates, with opaque cursors that cannot be forged."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.evidence.vocabulary import PUBLIC_STATUSES
from app.models import Mechanism, Recommendation, SourceDocument, Study
from tests.helpers import assert_problem, walk

LISTS = {
    "/v1/recommendations": Recommendation,
    "/v1/mechanisms": Mechanism,
    "/v1/studies": Study,
    "/v1/sources": SourceDocument,
}


def _published(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        query = select(func.count()).where(model.status.in_(list(PUBLIC_STATUSES)))
        return session.exec(query).one()


@pytest.mark.parametrize("path", LISTS)
def test_walk_is_complete_and_has_no_duplicates(
    client: TestClient, seeded_engine: Engine, path: str
) -> None:
    one_by_one = [item["slug"] for item in walk(client, f"{path}?limit=1")]
    at_once = client.get(f"{path}?limit=100").json()
    assert len(one_by_one) == len(set(one_by_one))
    assert one_by_one == [item["slug"] for item in at_once["items"]]
    assert one_by_one == sorted(one_by_one)
    assert len(one_by_one) == _published(seeded_engine, LISTS[path])
    assert at_once["next"] is None


def test_next_is_absolute_and_keeps_filters(client: TestClient) -> None:
    page = client.get("/v1/recommendations?limit=1&strength=conditional").json()
    assert page["next"], "the seed needs at least two conditional recommendations"
    assert page["next"].startswith("http://testserver/v1/recommendations?")
    query = parse_qs(urlsplit(page["next"]).query)
    assert query["strength"] == ["conditional"]
    assert query["limit"] == ["1"]
    assert "cursor" in query


def test_default_page_size_is_20(client: TestClient) -> None:
    assert len(client.get("/v1/recommendations").json()["items"]) <= 20


def _replace_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _first_next(client: TestClient) -> str:
    next_url = client.get("/v1/recommendations?limit=1").json()["next"]
    assert next_url, "the seed needs at least two recommendations"
    return next_url


def test_tampered_cursor_is_rejected(client: TestClient) -> None:
    next_url = _first_next(client)
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]
    flipped = cursor[:3] + ("A" if cursor[3] != "A" else "B") + cursor[4:]
    body = assert_problem(client.get(_replace_query(next_url, cursor=flipped)), 400)
    assert body["type"].endswith("/problems/invalid-cursor")


def test_cursor_reused_with_other_filters_is_rejected(client: TestClient) -> None:
    next_url = _first_next(client)
    body = assert_problem(client.get(_replace_query(next_url, topic="diet")), 400)
    assert "filters" in body["detail"]


def test_cursor_survives_a_change_of_limit(client: TestClient) -> None:
    next_url = _first_next(client)
    assert client.get(_replace_query(next_url, limit="5")).status_code == 200


def test_cursor_field_is_the_next_links_cursor(client: TestClient) -> None:
    """Generated clients pass a page's `cursor` back as the `cursor` parameter, with the same
    filters, instead of parsing `next`."""
    first = client.get("/v1/recommendations?limit=2&strength=conditional").json()
    assert first["cursor"], "the seed needs at least three conditional recommendations"
    assert parse_qs(urlsplit(first["next"]).query)["cursor"] == [first["cursor"]]
    by_cursor = client.get(
        "/v1/recommendations",
        params={"limit": 2, "strength": "conditional", "cursor": first["cursor"]},
    ).json()
    assert by_cursor == client.get(first["next"]).json()
    last = client.get("/v1/recommendations?limit=100").json()
    assert (last["next"], last["cursor"]) == (None, None)
