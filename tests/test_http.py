"""HTTP done right: HEAD, conditional requests, cache headers, compression, CORS, negotiation,
and links that never come from the request's Host header."""

import gzip
from typing import Any

import brotli
import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem

# One URL for every public GET route class.
PUBLIC_GETS = [
    "/v1/recommendations",
    "/v1/recommendations/breastfeed",
    "/v1/mechanisms",
    "/v1/mechanisms/serotonin",
    "/v1/studies",
    "/v1/studies/child-gut-microbiome-cohort",
    "/v1/sources",
    "/v1/sources/news-baby-gut-mental-health",
    "/v1/changes",
    "/v1/tips",
    "/v1/tips/daily?date=2026-01-31",
    "/v1/search?q=sleeping",
    "/v1/vocabulary",
    "/cards/recommendations/breastfeed",
    "/oembed?url=http%3A%2F%2Ftestserver%2Fcards%2Fmechanisms%2Fserotonin",
]
CACHED = PUBLIC_GETS


@pytest.mark.parametrize("url", [*PUBLIC_GETS, "/v1/recommendations/no-such-item", "/health"])
def test_head_answers_wherever_get_does(client: TestClient, url: str) -> None:
    got, head = client.get(url), client.head(url)
    assert head.status_code == got.status_code
    assert head.content == b""
    for header in ("content-type", "etag", "cache-control", "content-language"):
        assert head.headers.get(header) == got.headers.get(header), header


@pytest.mark.parametrize("url", CACHED)
def test_conditional_get_answers_304(client: TestClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert first.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=300"
    assert "Accept" in first.headers["vary"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak_list = client.get(url, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak_list.status_code == 304
    since = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_validators_differ_by_query_and_representation(client: TestClient) -> None:
    tags = {
        client.get(url, headers=headers).headers["etag"]
        for url, headers in [
            ("/v1/recommendations?limit=5", {}),
            ("/v1/recommendations?limit=6", {}),
            ("/v1/recommendations/breastfeed", {}),
            ("/v1/recommendations/breastfeed", {"Accept": "application/ld+json"}),
        ]
    }
    assert len(tags) == 4


@pytest.mark.parametrize("header", ["abc", '"unterminated', "W/", '"a" "b"', "x" * 2000])
def test_malformed_if_none_match_is_a_problem(client: TestClient, header: str) -> None:
    response = client.get("/v1/recommendations", headers={"If-None-Match": header})
    body = assert_problem(response, 400)
    assert body["type"].endswith("/problems/invalid-precondition")


def test_unreadable_if_modified_since_is_ignored(client: TestClient) -> None:
    response = client.get("/v1/recommendations", headers={"If-Modified-Since": "yesterday"})
    assert response.status_code == 200


def test_errors_are_not_cached(client: TestClient) -> None:
    for response in (
        client.get("/v1/recommendations/no-such-item"),
        client.get("/v1/recommendations?limit=0"),
        client.get("/v1/recommendations", headers={"Accept": "application/xml"}),
    ):
        assert response.status_code >= 400
        assert response.headers["cache-control"] == "no-store"


def test_surrogate_keys_name_the_items_shown(client: TestClient) -> None:
    detail = client.get("/v1/recommendations/breastfeed")
    keys = detail.headers["surrogate-key"].split()
    assert keys[0] == "recommendations/breastfeed"
    assert {f"studies/{study['slug']}" for study in detail.json()["studies"]} <= set(keys)
    listed = client.get("/v1/mechanisms?limit=3")
    assert {f"mechanisms/{item['slug']}" for item in listed.json()["items"]} <= set(
        listed.headers["surrogate-key"].split()
    )


def _items_in(value: Any) -> list[str]:
    """`kind/slug` of every object in the JSON carrying a slug and its URL, in order."""
    if isinstance(value, list):
        return [key for child in value for key in _items_in(child)]
    if not isinstance(value, dict):
        return []
    own = []
    if isinstance(value.get("slug"), str) and isinstance(value.get("url"), str):
        own = [f"{value['url'].rstrip('/').split('/')[-2]}/{value['slug']}"]
    return own + [key for child in value.values() for key in _items_in(child)]


@pytest.mark.parametrize(
    "url",
    [
        "/v1/recommendations?limit=50",
        "/v1/recommendations/breastfeed",
        "/v1/mechanisms/serotonin",
        "/v1/studies/child-gut-microbiome-cohort",
        "/v1/search?q=sleeping",
    ],
)
def test_surrogate_keys_are_every_item_the_body_shows(client: TestClient, url: str) -> None:
    response = client.get(url)
    shown = list(dict.fromkeys(_items_in(response.json())))
    assert len(shown) > 1
    assert response.headers["surrogate-key"].split() == shown


@pytest.mark.parametrize(
    ("accept_encoding", "coding"), [("br", "br"), ("gzip", "gzip"), ("identity", None)]
)
def test_large_bodies_are_compressed_as_negotiated(
    client: TestClient, accept_encoding: str, coding: str | None
) -> None:
    url = "/v1/recommendations?limit=50"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    response = client.get(url, headers={"Accept-Encoding": accept_encoding})
    assert response.headers.get("content-encoding") == coding
    assert response.json() == plain.json()
    assert response.headers["vary"].count("Accept-Encoding") == 1
    if coding:
        assert response.headers["etag"] == plain.headers["etag"][:-1] + f'-{coding}"'
        revalidated = client.get(
            url,
            headers={"Accept-Encoding": accept_encoding, "If-None-Match": response.headers["etag"]},
        )
        assert revalidated.status_code == 304


def test_compressed_bytes_are_what_the_coding_says(client: TestClient) -> None:
    url = "/v1/recommendations?limit=50"
    raw: dict[str, Any] = {}
    with client.stream("GET", url, headers={"Accept-Encoding": "br"}) as response:
        raw["br"] = b"".join(response.iter_raw())
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        raw["gzip"] = b"".join(response.iter_raw())
    identity = client.get(url, headers={"Accept-Encoding": "identity"}).content
    assert brotli.decompress(raw["br"]) == identity
    assert gzip.decompress(raw["gzip"]) == identity
    assert len(raw["br"]) < len(identity) / 3


def test_cors_preflight_and_exposed_headers(client: TestClient) -> None:
    preflight = client.options(
        "/v1/recommendations",
        headers={
            "Origin": "https://health.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    simple = client.get("/v1/recommendations", headers={"Origin": "https://health.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    exposed = {
        h.strip().lower() for h in simple.headers["access-control-expose-headers"].split(",")
    }
    assert {"x-request-id", "etag", "ratelimit", "ratelimit-policy"} <= exposed


@pytest.mark.parametrize("url", ["/v1/recommendations", "/v1/recommendations/breastfeed"])
def test_unservable_accept_is_406(client: TestClient, url: str) -> None:
    for accept in ("application/xml", "text/html", "image/*"):
        body = assert_problem(client.get(url, headers={"Accept": accept}), 406)
        assert "application/json" in body["detail"]
    for accept in ("*/*", "application/*", "application/json;q=0.5, text/html", ""):
        assert client.get(url, headers={"Accept": accept}).status_code == 200


def test_malformed_accept_is_a_problem_not_a_crash(client: TestClient) -> None:
    response = client.get("/v1/recommendations", headers={"Accept": "garbage;;;q=x"})
    assert_problem(response, 406)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/recommendations?limit=2",
        "/v1/recommendations/breastfeed",
        "/v1/changes?limit=2",
        "/v1/recommendations/no-such-item",
        "/v1/recommendations?limit=0",
    ],
)
def test_hostile_host_header_never_reaches_a_response(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"Host": "evil.example"})
    assert "evil.example" not in response.text
    assert all("evil.example" not in value for value in response.headers.values())
