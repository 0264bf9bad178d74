"""The medical disclaimer and when to see a professional, through HTTP: the disclaimer comes with
every recommendation (list, detail, tip, JSON-LD) and on every card; `see_a_professional_if` is
content, served as written, required where the advice touches symptoms, and editable."""

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from lxml import html

from app.core.config import DEFAULT_DISCLAIMER
from app.evidence.rules import PROFESSIONAL_TOPICS
from tests.conftest import SEED_DIR
from tests.editing import Editing, editing
from tests.helpers import walk

JSON_LD = "application/ld+json"
CARD_KINDS = ["recommendations", "mechanisms", "studies"]


def _seeded_conditions() -> dict[str, list[str]]:
    path = SEED_DIR / "content" / "recommendations.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {item["slug"]: item.get("see_a_professional_if", []) for item in items}


def _card(client: TestClient, kind: str, slug: str) -> Any:
    response = client.get(f"/cards/{kind}/{slug}")
    assert response.status_code == 200, response.text
    return html.fromstring(response.text)


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def test_every_recommendation_carries_the_disclaimer(client: TestClient) -> None:
    summaries = walk(client, "/v1/recommendations?limit=100")
    tips = walk(client, "/v1/tips?limit=100")
    assert summaries
    assert len(tips) == len(summaries)
    for item in [*summaries, *tips]:
        assert item["disclaimer"] == DEFAULT_DISCLAIMER
    for summary in summaries:
        assert client.get(summary["url"]).json()["disclaimer"] == DEFAULT_DISCLAIMER
    daily = client.get("/v1/tips/daily?date=2026-01-31").json()
    assert daily["disclaimer"] == DEFAULT_DISCLAIMER


@pytest.mark.parametrize("kind", CARD_KINDS)
def test_every_card_shows_the_disclaimer(client: TestClient, kind: str) -> None:
    items = walk(client, f"/v1/{kind}?limit=100")
    assert items
    for item in items:
        page = _card(client, kind, item["slug"])
        (disclaimer,) = page.xpath("//footer//*[@data-testid='disclaimer']")
        assert _text(disclaimer) == DEFAULT_DISCLAIMER


def test_when_to_see_a_professional_is_served_as_the_content_says(client: TestClient) -> None:
    seeded = _seeded_conditions()
    served = {}
    for summary in walk(client, "/v1/recommendations?limit=100"):
        detail = client.get(summary["url"]).json()
        served[detail["slug"]] = detail["see_a_professional_if"]
        if detail["topic"] in PROFESSIONAL_TOPICS:
            assert detail["see_a_professional_if"], detail["slug"]
    assert served == seeded
    # Advice that touches symptoms says when to get care; everyday advice need not.
    assert served["check-serious-stomach-problems"]
    assert served["stay-hydrated"] == []


def test_the_card_lists_when_to_see_a_professional(client: TestClient) -> None:
    for slug, conditions in _seeded_conditions().items():
        page = _card(client, "recommendations", slug)
        section = page.xpath("//*[@data-testid='see-a-professional']")
        if not conditions:
            assert section == [], slug
            continue
        (shown,) = section
        assert [_text(item) for item in shown.xpath(".//li")] == conditions
        assert "health professional" in _text(shown.xpath(".//h2")[0])


def test_linked_data_says_when_to_see_a_professional_and_that_it_is_no_advice(
    client: TestClient,
) -> None:
    for slug, conditions in _seeded_conditions().items():
        page = client.get(f"/v1/recommendations/{slug}", headers={"Accept": JSON_LD}).json()
        parts = {part["name"]: part for part in page["hasPart"]}
        assert parts["Medical disclaimer"]["text"] == DEFAULT_DISCLAIMER
        care = parts.get("When to see a professional")
        if not conditions:
            assert care is None, slug
            continue
        assert care is not None
        assert care["hasHealthAspect"] == {"@id": "schema:SeeDoctorHealthAspect"}
        for condition in conditions:
            assert condition in care["text"]


def test_no_condition_names_a_country_specific_service() -> None:
    # The rule is checked by the loader; this says what the seeded wording avoids.
    for conditions in _seeded_conditions().values():
        for condition in conditions:
            for word in ("GP", "NHS", "A&E", "911", "999", "111"):
                assert word not in condition.split(), condition


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("care") as ready:
        yield ready


def test_editors_set_when_to_see_a_professional(editor: Editing) -> None:
    conditions = ["you have stomach pain or bloating that lasts more than a few weeks"]
    document, etag = editor.read("recommendations", "whole-grains")
    assert document.get("see_a_professional_if", []) == []
    response = editor.patch(
        "recommendations",
        "whole-grains",
        {"see_a_professional_if": conditions},
        etag,
        editor.publisher,
    )
    assert response.status_code == 200, response.text
    detail = editor.client.get("/v1/recommendations/whole-grains").json()
    assert detail["see_a_professional_if"] == conditions
    page = _card(editor.client, "recommendations", "whole-grains")
    (shown,) = page.xpath("//*[@data-testid='see-a-professional']")
    assert [_text(item) for item in shown.xpath(".//li")] == conditions
    # And they can be taken away again where the advice does not need them.
    _, etag = editor.read("recommendations", "whole-grains")
    cleared = editor.patch(
        "recommendations", "whole-grains", {"see_a_professional_if": []}, etag, editor.publisher
    )
    assert cleared.status_code == 200, cleared.text
    assert (
        editor.client.get("/v1/recommendations/whole-grains").json()["see_a_professional_if"] == []
    )
