"""Full-text search: the obvious query finds the obvious item first, on SQLite and PostgreSQL."""

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.search import service
from app.seeding.loader import load_seed
from tests.conftest import IS_POSTGRES, serving
from tests.editing import editing
from tests.helpers import assert_problem
from tests.test_seed_loader import edit_seed

MARKED = re.compile(r"<mark>(.*?)</mark>")


def search(client: TestClient, q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def found(client: TestClient, q: str) -> list[tuple[str, str, str]]:
    """What a search finds, without the ranks (which move with the whole index's statistics)."""
    return [(item["kind"], item["slug"], item["snippet"]) for item in search(client, q, limit=50)]


def slugs(items: list[dict[str, Any]], kind: str | None = None) -> list[str]:
    return [item["slug"] for item in items if kind in (None, item["kind"])]


@pytest.mark.parametrize(
    ("q", "kind", "slug"),
    [
        ("breastfeeding", "recommendation", "breastfeed"),
        ("sleeping", "recommendation", "prioritise-sleep"),
        ("probiotic", "recommendation", "be-wary-of-probiotic-products"),
        ("probiotics", "recommendation", "be-wary-of-probiotic-products"),
        ("serotonin", "mechanism", "serotonin"),
        ("vagus", "mechanism", "vagus-nerve"),
        ("Vagus nerve", "mechanism", "vagus-nerve"),
        ("cortisol", "mechanism", "stress-axis-cortisol"),
        ("PROBIT", "study", "kramer-2001-probit-trial"),
    ],
)
def test_the_obvious_query_finds_the_obvious_item_first(
    client: TestClient, q: str, kind: str, slug: str
) -> None:
    first = search(client, q)[0]
    assert (first["kind"], first["slug"]) == (kind, slug)


def test_words_are_stemmed(client: TestClient) -> None:
    sleeping = search(client, "sleeping", limit=50)
    assert slugs(sleeping, "recommendation")[0] == "prioritise-sleep"
    # "Breastfeed if you can" is found by its title too, though the stemmers take "breastfeed"
    # and "breastfeeding" apart.
    assert slugs(search(client, "breastfeed"))[0] == "breastfeed"
    assert slugs(search(client, "probiotics")) == slugs(search(client, "probiotic"))


def test_results_carry_the_contract(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "gut bacteria", "limit": 50})
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    body = response.json()
    assert body["terms"] == ["gut", "bacteria"]
    items = body["items"]
    assert len(items) > 10
    assert {item["kind"] for item in items} == {"recommendation", "mechanism", "study"}
    ranks = [item["rank"] for item in items]
    assert ranks == sorted(ranks, reverse=True)
    assert len({(item["kind"], item["slug"]) for item in items}) == len(items)
    for item in items[:5]:
        assert item["url"].startswith("http")
        detail = client.get(item["url"])
        assert detail.status_code == 200, item["url"]
        assert (detail.json()["slug"], detail.json()["title"]) == (item["slug"], item["title"])


def test_limit_and_kind_filter(client: TestClient) -> None:
    everything = search(client, "serotonin gut", limit=50)
    for kind in ("recommendation", "mechanism", "study"):
        only = search(client, "serotonin gut", kind=kind, limit=50)
        assert only
        assert {item["kind"] for item in only} == {kind}
        assert slugs(only) == slugs(everything, kind)
    assert len(search(client, "gut")) == 10
    assert slugs(search(client, "gut", limit=3)) == slugs(search(client, "gut"))[:3]


@pytest.mark.parametrize("q", ["sleeping", "Probiotic supplements", "serotonin", "vagus"])
def test_snippets_mark_the_matching_words_in_escaped_text(client: TestClient, q: str) -> None:
    stems = [word.lower()[:5] for word in q.split()]
    for item in search(client, q):
        marked = MARKED.findall(item["snippet"])
        assert marked, item
        assert all(word.lower().startswith(tuple(stems)) for word in marked), item["snippet"]
        text = MARKED.sub(r"\1", item["snippet"])
        assert "<" not in text
        assert ">" not in text
        assert html.escape(html.unescape(text)) == text


def test_snippets_escape_markup_in_the_content(edited: TestClient) -> None:
    [item] = search(edited, "lemonade")
    expected = "<mark>lemonade</mark> &lt;b&gt;or&lt;/b&gt; squash &amp; &quot;cordial&quot;"
    assert expected in item["snippet"]


@pytest.mark.parametrize(
    ("q", "terms"),
    [
        ('"', []),
        ("*", []),
        ("-", []),
        (")(", []),
        ("\\", []),
        ("NEAR(", ["near"]),
        ("NEAR(sleep gut, 2)", ["near", "sleep", "gut", "2"]),
        ("a:b", ["b"]),
        ("title:sleep", ["title", "sleep"]),
        ('"sleep', ["sleep"]),
        ("sleep*", ["sleep"]),
        ("-sleep", ["sleep"]),
        ("sleep OR", ["sleep"]),
        ("NOT sleep AND", ["sleep"]),
        ("(sleep) ^gut {x} [y] + ~z", ["sleep", "gut", "x", "y", "z"]),
        ("'; DROP TABLE search_index; --", ["drop", "table", "search", "index"]),
        ("the of and", []),
        ("\x00sleep", ["sleep"]),
    ],
)
def test_operators_and_punctuation_are_plain_text(
    client: TestClient, q: str, terms: list[str]
) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["terms"] == terms
    if "sleep" in terms:
        assert "prioritise-sleep" in slugs(response.json()["items"])
    if not terms:
        assert response.json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": " "},
        {"q": " \t\n\u3000 "},
        {"q": "a" * 201},
        {"q": "sleep " * 1700},
        {"q": "x" * 10_000},
        {"q": "sleep", "limit": "0"},
        {"q": "sleep", "limit": "51"},
        {"q": "sleep", "kind": "source"},
    ],
)
def test_bad_parameters_are_422_problems(client: TestClient, params: dict[str, str]) -> None:
    body = assert_problem(client.get("/v1/search", params=params), 422)
    assert body["type"].endswith("/problems/validation-error")


def test_length_is_counted_once_trimmed(client: TestClient) -> None:
    words = "sleep " * 32 + "sleep zz"
    assert len(words) == 200
    response = client.get("/v1/search", params={"q": f" \t {words}\n "})
    assert response.status_code == 200, response.text
    assert response.json()["terms"] == ["sleep", "zz"]
    assert_problem(client.get("/v1/search", params={"q": f" {words}z "}), 422)


# A recommendation the edited seed sets to draft, and one whose text it gives some markup.
DRAFTED = "prioritise-sleep"
MARKUP = ' Add lemonade <b>or</b> squash & "cordial" if it helps.'


@pytest.fixture
def edited(scratch_engine: Engine, seed_copy: Path) -> Iterator[TestClient]:
    def draft_and_mark_up(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item["slug"] == DRAFTED:
                item["status"] = "draft"
            if item["slug"] == "stay-hydrated":
                item["statement"] += MARKUP

    edit_seed(seed_copy, "recommendations", draft_and_mark_up)
    with Session(scratch_engine) as session:
        load_seed(session, seed_copy)
        session.commit()
    with serving(scratch_engine) as client:
        yield client


def test_only_published_items_are_found(
    edited: TestClient, scratch_engine: Engine, seed_copy: Path
) -> None:
    found = search(edited, "sleeping", limit=50)
    assert DRAFTED not in slugs(found)
    assert "watson-2015-adult-sleep-consensus" in slugs(found)
    assert DRAFTED not in slugs(search(edited, "Get enough sleep", kind="recommendation"))

    # Published again, the next load puts it back in the index.
    def publish(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item["slug"] == DRAFTED:
                item["status"] = "published"

    edit_seed(seed_copy, "recommendations", publish)
    with Session(scratch_engine) as session:
        load_seed(session, seed_copy)
        session.commit()
    assert slugs(search(edited, "sleeping"))[0] == DRAFTED


def test_an_index_row_left_behind_by_an_unpublished_item_is_not_served(
    edited: TestClient, scratch_engine: Engine
) -> None:
    """If an item stops being published without a reindex, search still leaves it out."""
    with scratch_engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE mechanism SET status = 'withdrawn' WHERE slug = 'vagus-nerve'")
        )
    assert "vagus-nerve" not in slugs(search(edited, "vagus"))
    assert slugs(search(edited, "vagus"))[0] == "bravo-2011-lactobacillus-vagus-mice"


def test_statements_are_cut_off_after_the_time_limit(
    scratch_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "TIMEOUT_SECONDS", 0.05)
    slow = (
        "SELECT pg_sleep(5)"
        if IS_POSTGRES
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1e8)"
        " SELECT count(*) FROM n"
    )
    with Session(scratch_engine) as session:
        with pytest.raises(service.SearchTimeout), service._bounded(session):
            session.execute(sa.text(slow))
        session.rollback()
        # The limit ends with the transaction, and on SQLite the handler is taken off.
        assert session.execute(sa.text("SELECT 1")).scalar() == 1


def test_editor_writes_keep_the_index_up_to_date_item_by_item() -> None:
    """An edit re-indexes the items it revised and leaves every other row as it was; a
    withdrawal takes the item out, a reinstatement puts it back."""
    with editing("search_edits") as editor:
        everything = {q: found(editor.client, q) for q in ("sleep", "vagus", "serotonin")}
        _, etag = editor.read("recommendations", "breastfeed")
        patched = editor.patch(
            "recommendations",
            "breastfeed",
            {"tip": "Try xylophonic lullabies."},
            etag,
            editor.publisher,
        )
        assert patched.status_code == 200, patched.text
        assert slugs(search(editor.client, "xylophonic")) == ["breastfeed"]
        for q, before in everything.items():
            assert found(editor.client, q) == before, q

        withdrawn = editor.move("mechanisms", "vagus-nerve", "withdrawn", editor.publisher)
        assert withdrawn.status_code == 200, withdrawn.text
        assert "vagus-nerve" not in slugs(search(editor.client, "vagus", limit=50))
        assert slugs(search(editor.client, "xylophonic")) == ["breastfeed"]
        with editor.engine.connect() as connection:
            indexed = connection.execute(
                sa.text("SELECT count(*) FROM search_index WHERE slug = 'vagus-nerve'")
            ).scalar()
        assert indexed == 0
