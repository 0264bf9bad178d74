"""Every response carries the security headers; each kind of page gets the policy it needs and
no more."""

import pytest
from fastapi.testclient import TestClient

STRICT = "default-src 'none'; frame-ancestors 'none'"


def _assert_common(headers: dict[str, str] | object) -> None:
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "no-referrer"  # type: ignore[index]


@pytest.mark.parametrize(
    "url", ["/v1/recommendations", "/v1/recommendations/no-such-item", "/openapi.json", "/health"]
)
def test_api_responses_allow_nothing_and_no_framing(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["content-security-policy"] == STRICT
    assert response.headers["x-frame-options"] == "DENY"
    _assert_common(response.headers)


def test_not_modified_keeps_the_headers(client: TestClient) -> None:
    etag = client.get("/v1/mechanisms").headers["etag"]
    response = client.get("/v1/mechanisms", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["content-security-policy"] == STRICT
    _assert_common(response.headers)


@pytest.mark.parametrize("url", ["/docs", "/redoc"])
def test_docs_run_only_their_own_scripts_and_cannot_be_framed(client: TestClient, url: str) -> None:
    response = client.get(url)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["x-frame-options"] == "DENY"
    _assert_common(response.headers)


def test_only_cards_may_be_framed(client: TestClient) -> None:
    card = client.get("/cards/recommendations/breastfeed")
    assert "frame-ancestors *" in card.headers["content-security-policy"]
    assert "x-frame-options" not in card.headers
    _assert_common(card.headers)
