"""Every error is an RFC 9457 problem: never a 500 for bad input, never internals."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.db import get_read_session
from app.main import app
from tests.helpers import assert_problem

LISTS = ["/v1/recommendations", "/v1/mechanisms", "/v1/studies", "/v1/sources"]


def test_unknown_path_is_404(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/nothing-here"), 404)
    assert body["type"].endswith("/problems/not-found")


@pytest.mark.parametrize("path", LISTS)
def test_unknown_slug_is_404(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(f"{path}/no-such-item"), 404)
    assert "no-such-item" in body["detail"]
    assert body["instance"] == f"{path}/no-such-item"


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.delete("/v1/recommendations")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("life_stage=teenager", "life_stage"),
        ("min_certainty=certain", "min_certainty"),
        ("limit=0", "limit"),
        ("limit=10000", "limit"),
        ("limit=abc", "limit"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2025-01-01T00:00:00", "updated_since"),
        ("updated_since=0.5", "updated_since"),
        ("updated_since=2025-01-01", "updated_since"),
        ("updated_since=2026-01-01%2000:00:00Z", "updated_since"),
        ("mechanism=x'%20OR%201=1--", "mechanism"),
        ("study=%3Bdrop%20table%20study", "study"),
    ],
)
def test_bad_parameter_is_422_naming_it(client: TestClient, query: str, parameter: str) -> None:
    body = assert_problem(client.get(f"/v1/recommendations?{query}"), 422)
    assert body["type"].endswith("/problems/validation-error")
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert body["errors"][0]["in"] == "query"


def test_validation_problems_share_a_title(client: TestClient) -> None:
    first = client.get("/v1/recommendations?limit=0").json()
    second = client.get("/v1/studies?design=anecdote").json()
    assert first["title"] == second["title"]


def test_bad_slug_in_path_is_422(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/recommendations/Not A Slug"), 422)
    assert body["errors"][0]["parameter"] == "slug"
    assert body["errors"][0]["in"] == "path"


@pytest.mark.parametrize("cursor", ["garbage", "a.b", "", "x" * 401])
def test_garbage_cursor_is_a_problem(client: TestClient, cursor: str) -> None:
    response = client.get("/v1/recommendations", params={"cursor": cursor})
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_problem_type_resolves_to_a_page(client: TestClient) -> None:
    problem = client.get("/v1/nothing-here").json()
    page = client.get(problem["type"])
    assert page.status_code == 200
    assert "not-found" in page.text


@pytest.fixture
def broken_database() -> Iterator[None]:
    def fail() -> Iterator[None]:
        raise RuntimeError("connection to server at 10.0.0.7 failed: password authentication")
        yield

    app.dependency_overrides[get_read_session] = fail
    yield
    app.dependency_overrides.pop(get_read_session)


@pytest.mark.usefixtures("broken_database")
def test_unexpected_error_is_generic_500(client: TestClient) -> None:
    response = client.get("/v1/recommendations")
    body = assert_problem(response, 500)
    assert body["type"].endswith("/problems/server-error")
    assert "10.0.0.7" not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("cursor", [".\u0080", "\u00e9.\u00e9"])
def test_non_ascii_cursor_is_a_problem(client: TestClient, cursor: str) -> None:
    assert_problem(client.get("/v1/recommendations", params={"cursor": cursor}), 400)


@pytest.mark.parametrize(
    ("moment", "matches_all"),
    [("0001-01-01T00:00:00+01:00", True), ("9999-12-31T23:59:59-01:00", False)],
)
def test_timestamps_at_the_calendar_edges(
    client: TestClient, moment: str, matches_all: bool
) -> None:
    response = client.get("/v1/sources", params={"updated_since": moment})
    assert response.status_code == 200
    assert bool(response.json()["items"]) is matches_all
