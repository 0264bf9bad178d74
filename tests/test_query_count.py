"""No N+1: a list page costs the same small number of SQL statements whatever its size."""

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import get_settings
from app.seeding.loader import load_seed
from tests.conftest import (
    SEED_DIR,
    create_db_engine,
    drop_scratch,
    migrate,
    scratch_url,
    serving,
)

COPIES = 60


def _many_recommendations(directory: Path) -> None:
    path = directory / "content" / "recommendations.yaml"
    originals = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for number in range(COPIES):
        item = copy.deepcopy(originals[number % len(originals)])
        item["slug"] = f"{item['slug']}-{number}"
        for claim in item["claims"]:
            claim["slug"] = f"{claim['slug']}-{number}"
        items.append(item)
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")


class StatementCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


@pytest.fixture(scope="module", params=["kept", "built"])
def crowded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Any]]:
    """`kept`: item representations kept across requests (app/core/item_cache.py), as served;
    `built`: none kept, so that every response is built from its statements."""
    directory = tmp_path_factory.mktemp("crowded")
    shutil.copytree(SEED_DIR / "content", directory / "content")
    (directory / "sources").symlink_to((SEED_DIR / "sources").resolve())
    _many_recommendations(directory)
    url = scratch_url("crowded")
    migrate(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        load_seed(session, directory)
        session.commit()
    counter = StatementCounter(engine)
    with pytest.MonkeyPatch.context() as patch, serving(engine) as client:
        if request.param == "built":
            patch.setattr(get_settings(), "item_cache_items", 0)
        yield client, counter
    engine.dispose()
    drop_scratch(url)


def _statements(crowded: tuple[TestClient, Any], url: str) -> int:
    client, counter = crowded
    before = counter.count
    response = client.get(url)
    assert response.status_code == 200, response.text
    return counter.count - before


def test_list_statements_do_not_grow_with_page_size(crowded: tuple[TestClient, Any]) -> None:
    client, _ = crowded
    assert len(client.get("/v1/recommendations?limit=50").json()["items"]) == 50
    small = _statements(crowded, "/v1/recommendations?limit=2")
    large = _statements(crowded, "/v1/recommendations?limit=50")
    assert large == small
    # The version, the page's keys, then its rows in full with their children.
    assert large <= 8


def test_detail_takes_a_constant_number_of_statements(crowded: tuple[TestClient, Any]) -> None:
    """The same statements whatever the number of claims, quotes or targets; a relationship
    that is empty for an item saves the statements that would load beneath it."""
    client, _ = crowded
    slugs = [item["slug"] for item in client.get("/v1/recommendations?limit=40").json()["items"]]
    counts: dict[bool, set[int]] = {True: set(), False: set()}
    for slug in slugs:
        has_targets = bool(client.get(f"/v1/recommendations/{slug}").json()["targets"])
        counts[has_targets].add(_statements(crowded, f"/v1/recommendations/{slug}"))
    assert all(len(seen) == 1 for seen in counts.values()), counts
    # The version, the key row, then the row in full and its children, level by level.
    assert max(counts[True]) <= 12


LISTS = [
    "/v1/recommendations?limit={limit}",
    "/v1/recommendations?life_stage=toddler&min_certainty=low&limit={limit}",
    "/v1/mechanisms?limit={limit}",
    "/v1/studies?limit={limit}",
    "/v1/sources?limit={limit}",
    "/v1/tips?limit={limit}",
    "/v1/changes?limit={limit}",
    "/v1/search?q=sleep&limit={limit}",
]
DETAILS = ["recommendations", "mechanisms", "studies", "sources"]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_costs_the_same_statements_for_half_a_page_as_for_all(
    crowded: tuple[TestClient, Any], url: str
) -> None:
    client, _ = crowded
    found = len(client.get(url.format(limit=50)).json()["items"])
    assert found >= 3
    small = _statements(crowded, url.format(limit=found // 2))
    large = _statements(crowded, url.format(limit=found))
    assert large == small, (small, large)
    assert large <= 8


@pytest.mark.parametrize("kind", DETAILS)
def test_every_detail_is_bounded_whatever_the_item(
    crowded: tuple[TestClient, Any], kind: str
) -> None:
    """However many claims, quotes, studies or linked items an item has, its detail takes at
    most a fixed number of statements (one per relationship level, none per row)."""
    client, _ = crowded
    slugs = [item["slug"] for item in client.get(f"/v1/{kind}?limit=50").json()["items"]]
    counts = {slug: _statements(crowded, f"/v1/{kind}/{slug}") for slug in slugs}
    assert max(counts.values()) <= 12, counts


def test_the_daily_tip_costs_the_same_whatever_the_day(crowded: tuple[TestClient, Any]) -> None:
    counts = {
        _statements(crowded, f"/v1/tips/daily?date=2026-01-{day:02d}") for day in range(1, 29)
    }
    assert len(counts) == 1, counts
    assert max(counts) <= 8
