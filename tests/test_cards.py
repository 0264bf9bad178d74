"""Card pages show what the JSON API says about an item, always with its essentials; oEmbed
embeds them, and refuses what it cannot embed."""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.seeding.loader import load_seed
from tests.conftest import SEED_DIR, serving
from tests.helpers import assert_problem, walk

BASE = "http://testserver"
SAMPLES = [
    ("recommendations", "breastfeed"),
    ("mechanisms", "serotonin"),
    ("studies", "child-gut-microbiome-cohort"),
]
OEMBED_REQUIRED = {"type": str, "version": str, "width": int, "height": int, "html": str}


def _page(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return html.fromstring(response.text)


def _text(page: Any, testid: str) -> str:
    (element,) = page.xpath(f"//*[@data-testid='{testid}']")
    return " ".join(element.text_content().split())


def _oembed(client: TestClient, **params: Any) -> Any:
    return client.get(f"/oembed?{urlencode(params)}")


@pytest.mark.parametrize(("kind", "slug"), SAMPLES)
def test_card_shows_the_essentials_the_api_serves(client: TestClient, kind: str, slug: str) -> None:
    item = client.get(f"/v1/{kind}/{slug}").json()
    page = _page(client.get(f"/cards/{kind}/{slug}"))
    assert page.xpath("string(//h1)") == item["title"]
    badge = _text(page, "certainty-badge")
    if kind == "studies":
        assert badge == item["evidence_level"]["label"]
    else:
        assert badge == item["certainty"]["label"]
        assert item["certainty"]["wording"] in page.text_content()
    assert item["top_caveat"] is not None
    caveat = _text(page, "top-caveat")
    assert item["top_caveat"]["label"] in caveat
    assert " ".join(item["top_caveat"]["text"].split()) in caveat
    reviewed = page.xpath("//*[@data-testid='last-reviewed']//time/@datetime")
    assert reviewed == [item["review"]["last_reviewed_at"][:10]]
    assert page.xpath("//a[@data-testid='sources-link']/@href") == [item["url"]]


def test_recommendation_card_shows_both_ratings(client: TestClient) -> None:
    for item in walk(client, "/v1/recommendations?limit=100"):
        page = _page(client.get(f"/cards/recommendations/{item['slug']}"))
        assert _text(page, "certainty-badge") == item["certainty"]["label"]
        assert _text(page, "rationale-badge") == item["gut_rationale_certainty"]["label"]
        level = item["certainty"]["code"]
        assert page.xpath("//*[@data-testid='certainty-badge']/@class") == [f"badge badge--{level}"]


def test_every_published_item_has_a_card(client: TestClient) -> None:
    for kind, _ in SAMPLES:
        for item in walk(client, f"/v1/{kind}?limit=100"):
            page = _page(client.get(f"/cards/{kind}/{item['slug']}"))
            assert page.xpath("//*[@data-testid='top-caveat']")
            assert page.xpath("//*[@data-testid='sources-link']/@href") == [item["url"]]


@pytest.mark.parametrize(("kind", "slug"), SAMPLES)
def test_card_head_carries_linked_data_and_oembed_discovery(
    client: TestClient, kind: str, slug: str
) -> None:
    page = _page(client.get(f"/cards/{kind}/{slug}"))
    (script,) = page.xpath("//head/script[@type='application/ld+json']/text()")
    linked = client.get(f"/v1/{kind}/{slug}", headers={"Accept": "application/ld+json"})
    assert json.loads(script) == linked.json()
    (discovery,) = page.xpath("//head/link[@type='application/json+oembed']")
    assert discovery.get("title") == page.xpath("string(//h1)")
    embed = client.get(discovery.get("href"))
    assert embed.status_code == 200
    assert f'src="{BASE}/cards/{kind}/{slug}"' in embed.json()["html"]
    assert page.xpath("//head/link[@rel='canonical']/@href") == [f"{BASE}/cards/{kind}/{slug}"]


def test_card_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    response = client.get("/cards/recommendations/breastfeed")
    page = _page(response)
    assert not page.xpath("//script[not(@type='application/ld+json')]")
    assert not page.xpath("//*[@style]")
    assets = page.xpath("//link[@rel='stylesheet']/@href | //img/@src")
    assert assets
    for asset in assets:
        assert asset.startswith(f"{BASE}/assets/")
        fetched = client.get(asset)
        assert fetched.status_code == 200
        assert fetched.headers["content-type"].startswith("text/css")


def test_card_is_cached_like_the_api(client: TestClient) -> None:
    first = client.get("/cards/mechanisms/serotonin")
    assert first.headers["cache-control"].startswith("public")
    assert "mechanisms/serotonin" in first.headers["surrogate-key"].split()
    assert first.headers["content-language"] == "en"
    again = client.get(
        "/cards/mechanisms/serotonin", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    head = client.head("/cards/mechanisms/serotonin")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == first.headers["etag"]


def test_card_frames_anywhere_but_runs_nothing(client: TestClient) -> None:
    headers = client.get("/cards/studies/child-gut-microbiome-cohort").headers
    policy = headers["content-security-policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert "x-frame-options" not in headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/cards/recommendations/no-such-item", 404),
        ("/cards/recommendations/Not_A_Slug", 422),
        ("/cards/sources/news-baby-gut-mental-health", 422),
        ("/cards/widgets/breastfeed", 422),
    ],
)
def test_bad_card_urls_are_problems(client: TestClient, url: str, status: int) -> None:
    assert_problem(client.get(url), status)


def test_card_refuses_an_accept_it_cannot_meet(client: TestClient) -> None:
    response = client.get("/cards/mechanisms/serotonin", headers={"Accept": "application/json"})
    assert_problem(response, 406)


def test_oembed_answers_a_rich_response_within_the_size_asked(client: TestClient) -> None:
    response = _oembed(
        client, url=f"{BASE}/cards/recommendations/breastfeed", maxwidth=300, maxheight=400
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    for field, kind in OEMBED_REQUIRED.items():
        assert isinstance(body[field], kind), field
    assert body["type"] == "rich"
    assert body["version"] == "1.0"
    assert body["title"] == client.get("/v1/recommendations/breastfeed").json()["title"]
    assert 0 < body["width"] <= 300
    assert 0 < body["height"] <= 400
    (frame,) = html.fragments_fromstring(body["html"])
    assert frame.tag == "iframe"
    assert frame.get("src") == f"{BASE}/cards/recommendations/breastfeed"
    assert (int(frame.get("width")), int(frame.get("height"))) == (body["width"], body["height"])
    assert frame.get("title")
    assert "allow-scripts" not in frame.get("sandbox")
    assert "recommendations/breastfeed" in response.headers["surrogate-key"].split()


def test_oembed_defaults_and_caps_the_size(client: TestClient) -> None:
    url = f"{BASE}/cards/studies/child-gut-microbiome-cohort"
    default = _oembed(client, url=url).json()
    wide = _oembed(client, url=url, maxwidth=5000, maxheight=5000).json()
    assert 280 <= default["width"] <= 800
    assert wide["width"] == 800
    assert wide["height"] >= default["height"]


def test_oembed_takes_an_items_api_url_too(client: TestClient) -> None:
    body = _oembed(client, url=f"{BASE}/v1/mechanisms/serotonin").json()
    assert f'src="{BASE}/cards/mechanisms/serotonin"' in body["html"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/cards/recommendations/breastfeed",
        "https://testserver/cards/recommendations/breastfeed",
        "http://testserver.example.org/cards/recommendations/breastfeed",
        "http://user@testserver/cards/recommendations/breastfeed",
        "http://testserver/cards/recommendations/no-such-item",
        "http://testserver/cards/sources/news-baby-gut-mental-health",
        "http://testserver/cards/recommendations/breastfeed/extra",
        "http://testserver/v1/recommendations",
        "javascript:alert(1)",
        "not a url",
        "http://[::1",
    ],
)
def test_oembed_refuses_urls_it_does_not_serve(client: TestClient, url: str) -> None:
    assert_problem(_oembed(client, url=url), 404)


@pytest.mark.parametrize(
    "params",
    [
        {"maxwidth": -1},
        {"maxwidth": 0},
        {"maxwidth": "wide"},
        {"maxwidth": 10**30},
        {"maxheight": "1e9"},
        {"maxheight": 99_999},
        {"url": "x" * 3000},
    ],
)
def test_oembed_refuses_hostile_parameters(client: TestClient, params: dict[str, Any]) -> None:
    query = {"url": f"{BASE}/cards/recommendations/breastfeed", **params}
    body = assert_problem(_oembed(client, **query), 422)
    assert {error["parameter"] for error in body["errors"]} == set(params)


def test_oembed_needs_a_url(client: TestClient) -> None:
    assert_problem(client.get("/oembed"), 422)


@pytest.mark.parametrize("response_format", ["xml", "yaml"])
def test_oembed_formats_other_than_json_are_not_implemented(
    client: TestClient, response_format: str
) -> None:
    url = f"{BASE}/cards/recommendations/breastfeed"
    body = assert_problem(_oembed(client, url=url, format=response_format), 501)
    assert body["type"].endswith("/problems/format-not-implemented")


def test_withdrawn_item_has_a_withdrawn_card_and_no_embed(scratch_engine: Engine) -> None:
    with Session(scratch_engine) as session:
        load_seed(session, SEED_DIR)
        session.commit()
    with scratch_engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE recommendation SET status = 'withdrawn' WHERE slug = 'whole-grains'")
        )
    with serving(scratch_engine) as client:
        card = client.get("/cards/recommendations/whole-grains")
        assert card.status_code == 410
        assert card.headers["content-type"].startswith("text/html")
        assert card.headers["cache-control"] == "no-store"
        page = html.fromstring(card.text)
        assert "withdrawn" in _text(page, "withdrawn")
        assert page.xpath("string(//h1)")
        assert not page.xpath("//*[@data-testid='certainty-badge']")
        embed = _oembed(client, url=f"{BASE}/cards/recommendations/whole-grains")
        assert "withdrawn" in assert_problem(embed, 404)["detail"]
