"""Details embed what a client needs to show an item without a second call."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import walk

KINDS = ["recommendations", "mechanisms", "studies", "sources"]


@pytest.fixture(scope="module")
def source_texts(client: TestClient) -> dict[str, str]:
    return {
        item["slug"]: client.get(item["url"]).json()["text"]
        for item in walk(client, "/v1/sources?limit=100")
    }


def _all_quotes(detail: dict[str, Any]) -> list[dict[str, Any]]:
    quotes = list(detail.get("quotes", []))
    quotes += [target["quote"] for target in detail.get("targets", []) if target["quote"]]
    for caveat in detail.get("caveats", []):
        quotes += caveat["quotes"]
    for claim in detail.get("claims", []):
        quotes += claim["quotes"]
        for caveat in claim["caveats"]:
            quotes += caveat["quotes"]
    return quotes


@pytest.mark.parametrize("kind", KINDS)
def test_details_match_summaries_and_links_resolve(client: TestClient, kind: str) -> None:
    for summary in walk(client, f"/v1/{kind}?limit=100"):
        response = client.get(summary["url"])
        assert response.status_code == 200
        detail = response.json()
        for field, value in summary.items():
            assert detail[field] == value, f"{kind}/{summary['slug']}: {field}"
        for field in ("mechanisms", "studies", "recommendations", "sources"):
            for ref in detail.get(field, []):
                assert client.get(ref["url"]).status_code == 200, ref["url"]


@pytest.mark.parametrize("kind", ["recommendations", "mechanisms", "studies"])
def test_every_embedded_quote_is_verbatim(
    client: TestClient, source_texts: dict[str, str], kind: str
) -> None:
    for summary in walk(client, f"/v1/{kind}?limit=100"):
        detail = client.get(summary["url"]).json()
        quotes = _all_quotes(detail)
        # Evidence an editor identified is reported by no document, so nothing is quoted for it.
        reported = kind != "studies" or detail["sources"]
        assert bool(quotes) == bool(reported), f"{kind}/{summary['slug']}"
        for quote in quotes:
            text = source_texts[quote["source"]]
            assert text[quote["start"] : quote["end"]] == quote["exact"]


def test_recommendation_detail_shows_evidence_in_words(client: TestClient) -> None:
    for summary in walk(client, "/v1/recommendations?limit=100"):
        detail = client.get(summary["url"]).json()
        assert detail["certainty"]["label"].endswith("certainty")
        assert detail["certainty"]["wording"]
        assert detail["claims"]
        for claim in detail["claims"]:
            assert claim["certainty"]["wording"]
            assert 1 <= claim["starting_level"] <= 4
        quoted = {quote["source"] for quote in _all_quotes(detail)}
        assert quoted == {source["slug"] for source in detail["sources"]}
        assert len(detail["tip"]) <= 160


def test_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/v1/vocabulary", headers={"X-Request-ID": "client-chosen-id-1"})
    assert response.headers["x-request-id"] == "client-chosen-id-1"
    generated = client.get("/v1/vocabulary", headers={"X-Request-ID": "bad id!"})
    assert generated.headers["x-request-id"] != "bad id!"


def test_sources_name_the_people_they_quote(client: TestClient) -> None:
    people = {
        person["name"]: person
        for item in walk(client, "/v1/sources?limit=100")
        for person in client.get(item["url"]).json()["people"]
    }
    assert people, "the seed names nobody a source quotes"
    for person in people.values():
        assert person["quotes"]
        assert any(person["name"] in quote["exact"] for quote in person["quotes"])
