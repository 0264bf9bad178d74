"""Item representations kept across content versions (app/core/item_cache.py): an edit rebuilds
what it could have changed, and nothing it changed is ever served from before it."""

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import get_settings
from app.evidence.vocabulary import Status
from tests.editing import Editing, editing
from tests.helpers import walk

KINDS = ["recommendations", "mechanisms", "studies", "sources"]


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("kept") as ready:
        yield ready


class BoundKeys:
    """The parent keys bound by each statement that loads children (app/evidence/loading.py
    binds them as k0_0, k0_1, ...; repeated to pad)."""

    def __init__(self, engine: Engine) -> None:
        self.seen: list[set[Any]] = []
        sa.event.listen(engine, "before_execute", self._seen)

    def _seen(self, _conn: Any, _statement: Any, _many: Any, params: Any, _options: Any) -> None:
        if params and "k0_0" in params:
            self.seen.append(set(params.values()))

    def __enter__(self) -> "BoundKeys":
        self.seen.clear()
        return self

    def __exit__(self, *_: object) -> None:
        pass


def _mechanism_titles(client: TestClient, url: str, slug: str) -> dict[str, str]:
    body = client.get(url).json()
    item = next(i for i in body.get("items", [body]) if i["slug"] == slug)
    return {m["slug"]: m["title"] for m in item["mechanisms"]}


def test_an_edited_item_shows_in_every_item_that_links_it(editor: Editing) -> None:
    client = editor.client
    detail, listed = "/v1/recommendations/outdoor-play", "/v1/recommendations?limit=50"
    assert "serotonin" in _mechanism_titles(client, detail, "outdoor-play")
    assert "serotonin" in _mechanism_titles(client, listed, "outdoor-play")

    _, etag = editor.read("mechanisms", "serotonin")
    renamed = editor.patch(
        "mechanisms", "serotonin", {"title": "Serotonin, renamed"}, etag, editor.publisher
    )
    assert renamed.status_code == 200, renamed.text
    assert _mechanism_titles(client, detail, "outdoor-play")["serotonin"] == "Serotonin, renamed"
    assert _mechanism_titles(client, listed, "outdoor-play")["serotonin"] == "Serotonin, renamed"


def test_a_withdrawn_item_leaves_lists_and_comes_back_when_published(editor: Editing) -> None:
    client = editor.client

    def listed() -> set[str]:
        return {item["slug"] for item in client.get("/v1/recommendations?limit=50").json()["items"]}

    assert "outdoor-play" in listed()
    withdrawn = editor.move("recommendations", "outdoor-play", Status.withdrawn, editor.publisher)
    assert withdrawn.status_code == 200, withdrawn.text
    assert "outdoor-play" not in listed()
    assert client.get("/v1/recommendations/outdoor-play").status_code == 410
    for step in (Status.draft, Status.in_review, Status.published):
        moved = editor.move("recommendations", "outdoor-play", step, editor.publisher)
        assert moved.status_code == 200, moved.text
    assert "outdoor-play" in listed()
    assert client.get("/v1/recommendations/outdoor-play").status_code == 200


def test_an_edit_rebuilds_only_the_item_it_changed(editor: Editing) -> None:
    client = editor.client
    keys = BoundKeys(editor.engine)
    client.get("/v1/recommendations?limit=50")
    with keys:
        again = client.get("/v1/recommendations?limit=49")
    assert again.status_code == 200
    assert keys.seen == [], "every summary was kept"

    _, etag = editor.read("recommendations", "breastfeed")
    tip = "Breast milk feeds a baby's gut bacteria too."
    edited = editor.patch("recommendations", "breastfeed", {"tip": tip}, etag, editor.publisher)
    assert edited.status_code == 200, edited.text
    with keys:
        after = client.get("/v1/recommendations?limit=48")
    items = {item["slug"]: item for item in after.json()["items"]}
    assert items["breastfeed"]["tip"] == tip
    # The first statement loads children for the items built again: the edited one only.
    assert len(keys.seen[0]) == 1, keys.seen

    mechanism = "microbial-metabolites"
    shown_by = client.get(f"/v1/mechanisms/{mechanism}").json()["recommendations"]
    linking = {recommendation["slug"] for recommendation in shown_by}
    _, etag = editor.read("mechanisms", mechanism)
    described = {"description": "Substances gut microbes make from the food they break down."}
    edited = editor.patch("mechanisms", mechanism, described, etag, editor.publisher)
    assert edited.status_code == 200, edited.text
    with keys:
        rebuilt = client.get("/v1/recommendations?limit=47")
    # The recommendations that show the mechanism are built again, and no other.
    shown = [item for item in rebuilt.json()["items"] if item["slug"] in linking]
    assert len(shown) == len(linking) > 1
    assert len(keys.seen[0]) == len(linking), keys.seen
    detail = client.get("/v1/recommendations/breastfeed").json()
    assert detail["tip"] == tip


def _studies_of(client: TestClient, source: str) -> list[str]:
    response = client.get(f"/v1/sources/{source}")
    assert response.status_code == 200, response.text
    return [study["slug"] for study in response.json()["studies"]]


def test_a_link_made_from_one_side_shows_on_the_other(editor: Editing) -> None:
    """A study's document names its sources: linking one more changes what the source shows,
    though nothing the source showed before named the study."""
    client = editor.client
    sources = [item["slug"] for item in walk(client, "/v1/sources")]
    study = _studies_of(client, sources[0])[0]
    document, etag = editor.read("studies", study)
    other = next(source for source in sources if source not in document["sources"])
    assert study not in _studies_of(client, other)

    linked = editor.patch(
        "studies", study, {"sources": [*document["sources"], other]}, etag, editor.publisher
    )
    assert linked.status_code == 200, linked.text
    assert study in _studies_of(client, other)

    _, etag = editor.read("studies", study)
    back = {"sources": document["sources"]}
    unlinked = editor.patch("studies", study, back, etag, editor.publisher)
    assert unlinked.status_code == 200, unlinked.text
    assert study not in _studies_of(client, other)


def test_a_write_that_logs_no_change_drops_everything_kept(editor: Editing) -> None:
    """A new content version the change log does not explain is trusted for nothing."""
    client = editor.client
    before = client.get("/v1/recommendations/stay-hydrated").json()
    with editor.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE recommendation SET tip = :tip WHERE slug = 'stay-hydrated'"),
            {"tip": "Drink water through the day."},
        )
        connection.execute(sa.text("UPDATE content_state SET version = version + 1"))
    after = client.get("/v1/recommendations/stay-hydrated").json()
    assert before["tip"] != after["tip"] == "Drink water through the day."


@pytest.mark.parametrize("kind", KINDS)
def test_kept_representations_answer_the_bytes_a_build_answers(
    client: TestClient, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages spliced from kept JSON, and kept details, are byte for byte what building them
    gives. Distinct limits, so that the response cache answers none of them."""
    slugs = [item["slug"] for item in walk(client, f"/v1/{kind}?limit=100")][:5]
    urls = [f"/v1/{kind}?limit={limit}" for limit in (3, 100)]
    urls += [f"/v1/{kind}/{slug}" for slug in slugs]
    for url in urls:
        client.get(url)
    kept = {url: client.get(url, headers={"Accept": "application/json"}) for url in urls}
    monkeypatch.setattr(get_settings(), "item_cache_items", 0)
    for url in urls:
        built = client.get(url, headers={"Accept": "application/json, */*"})
        assert built.status_code == kept[url].status_code == 200
        assert built.content == kept[url].content, url
        assert built.headers["Surrogate-Key"] == kept[url].headers["Surrogate-Key"]
