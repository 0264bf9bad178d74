"""Renditions: every recommendation as a push tip and a card summary, each within its length and
worded at the item's certainty, refused on write otherwise, by the loader and the editor API."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.evidence.renditions import CARD_SUMMARY, PUSH_TIP, Rendition, rendition_problems
from app.evidence.vocabulary import Certainty
from app.models import Recommendation
from app.seeding.loader import SeedError, load_seed
from tests.conftest import SEED_DIR
from tests.editing import Editing, editing
from tests.helpers import assert_problem
from tests.test_seed_loader import edit_seed

# `breastfeed`: advice of moderate certainty, a gut-brain rationale of very low certainty.
SLUG = "breastfeed"
HONEST_START = "Breastfeed if you can: it probably protects your baby's health."


def sized(length: int) -> str:
    """An honestly worded push tip or card summary of exactly `length` characters."""
    return f"{HONEST_START} {'o' * (length - len(HONEST_START) - 2)}."


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("renditions") as ready:
        yield ready


def test_every_seeded_recommendation_has_both_renditions_within_limits(
    client: TestClient,
) -> None:
    seeded = yaml.safe_load((SEED_DIR / "content" / "recommendations.yaml").read_text())
    items = client.get("/v1/recommendations", params={"limit": 100}).json()["items"]
    published = [entry["slug"] for entry in seeded if entry["status"] == "published"]
    assert sorted(item["slug"] for item in items) == sorted(published)
    for item in items:
        push, card = item["renditions"]["push_tip"], item["renditions"]["card_summary"]
        assert 0 < len(push) <= 140, item["slug"]
        assert 0 < len(card) <= 300, item["slug"]
        assert len(push) < len(card), item["slug"]
        certainty = Certainty(item["certainty"]["code"])
        rationale = Certainty(item["gut_rationale_certainty"]["code"])
        for rendition, text in ((PUSH_TIP, push), (CARD_SUMMARY, card)):
            assert rendition_problems(rendition, text, certainty, rationale) == [], item["slug"]
        detail = client.get(f"/v1/recommendations/{item['slug']}").json()
        assert detail["renditions"] == item["renditions"]
        assert len(card) < len(detail["statement"]), item["slug"]


@pytest.mark.parametrize(
    ("rendition", "text", "problem"),
    [
        (PUSH_TIP, sized(141), "141 characters; at most 140"),
        (CARD_SUMMARY, sized(301), "301 characters; at most 300"),
        (PUSH_TIP, "Breastfeeding protects your baby's health.", "at its moderate certainty"),
        (PUSH_TIP, "Breastfeeding may probably help.", "hedges at low,"),
        (PUSH_TIP, "It is not known whether breastfeeding helps.", "at its moderate certainty"),
        (PUSH_TIP, "Breastfeeding probably helps. TODO", "placeholder 'todo'"),
        (PUSH_TIP, "  ", "is empty"),
    ],
)
def test_rendition_rule_names_each_defect(rendition: Rendition, text: str, problem: str) -> None:
    problems = rendition_problems(rendition, text, Certainty.moderate, Certainty.very_low)
    assert any(problem in found for found in problems), problems


def test_rendition_rule_keeps_honest_text_at_its_limits() -> None:
    for rendition in (PUSH_TIP, CARD_SUMMARY):
        assert rendition.max_chars is not None
        text = sized(rendition.max_chars)
        assert rendition_problems(rendition, text, Certainty.moderate, Certainty.very_low) == []
    # At high certainty the advice is stated plainly; the rationale's hedge may stand beside it.
    plain = "Exercise eases low mood; whether through the gut is not known."
    assert rendition_problems(PUSH_TIP, plain, Certainty.high, Certainty.very_low) == []
    assert rendition_problems(PUSH_TIP, plain, Certainty.high, Certainty.low) != []


def _set_rendition(field: str, text: str) -> Any:
    def change(items: list[dict[str, Any]]) -> None:
        next(item for item in items if item["slug"] == SLUG)[field] = text

    return change


@pytest.mark.parametrize(("field", "limit"), [("push_tip", 140), ("card_summary", 300)])
def test_loader_refuses_one_character_over_the_limit_naming_the_field(
    scratch_engine: Engine, seed_copy: Path, field: str, limit: int
) -> None:
    edit_seed(seed_copy, "recommendations", _set_rendition(field, sized(limit + 1)))
    with Session(scratch_engine) as session, pytest.raises(SeedError) as refused:
        load_seed(session, seed_copy)
    error = refused.value
    assert (error.file, error.item, error.field) == ("content/recommendations.yaml", SLUG, field)
    assert f"{limit + 1} characters; at most {limit}" in error.message
    assert f"recommendations.yaml: item '{SLUG}', field '{field}'" in str(error)


@pytest.mark.parametrize(("field", "limit"), [("push_tip", 140), ("card_summary", 300)])
def test_loader_takes_a_rendition_at_the_limit(
    scratch_engine: Engine, seed_copy: Path, field: str, limit: int
) -> None:
    edit_seed(seed_copy, "recommendations", _set_rendition(field, sized(limit)))
    with Session(scratch_engine) as session:
        load_seed(session, seed_copy)
        session.commit()
        stored = session.exec(select(Recommendation).where(Recommendation.slug == SLUG)).one()
        assert getattr(stored, field) == sized(limit)


@pytest.mark.parametrize(
    ("field", "text", "problem"),
    [
        ("push_tip", sized(141), "141 characters"),
        ("card_summary", sized(301), "301 characters"),
        ("push_tip", "Breastfeeding protects your baby's health.", "moderate certainty"),
        ("card_summary", "Breastfeeding may help your baby.", "moderate certainty"),
    ],
)
def test_editor_api_refuses_a_rendition_breaking_its_rule(
    editor: Editing, field: str, text: str, problem: str
) -> None:
    before, etag = editor.read("recommendations", SLUG)
    response = editor.patch("recommendations", SLUG, {field: text}, etag, editor.publisher)
    refused = assert_problem(response, 422)
    assert refused["type"].endswith("/problems/content-rule")
    errors = [error for error in refused["errors"] if error.get("pointer") == f"#/{field}"]
    assert errors, refused
    assert problem in errors[0]["detail"], refused
    assert editor.read("recommendations", SLUG)[0] == before


def test_editor_api_takes_renditions_at_their_limits(editor: Editing) -> None:
    _, etag = editor.read("recommendations", SLUG)
    changes = {"push_tip": sized(140), "card_summary": sized(300)}
    response = editor.patch("recommendations", SLUG, changes, etag, editor.publisher)
    assert response.status_code == 200, response.text
    public = editor.client.get(f"/v1/recommendations/{SLUG}").json()
    assert public["renditions"] == changes
    card = editor.client.get(f"/cards/recommendations/{SLUG}")
    assert str(escape(sized(300))) in card.text
