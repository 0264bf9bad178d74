from typing import Any

import httpx

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status, and returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert isinstance(body["type"], str)
    assert body["type"].startswith("http")
    assert isinstance(body["title"], str)
    assert body["title"]
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def walk(client: Any, url: str) -> list[dict[str, Any]]:
    """Every item of a list endpoint, following `next` links to the end."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        next_url = page["next"]
    return items
