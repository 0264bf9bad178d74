"""`?fields=`: only the named members of list items and details, unknown names refused with the
valid ones listed, kept by `next` links, and described in the OpenAPI document."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem

# Each list, one of its items' slugs, and two members to ask for from the list and the detail.
KINDS = {
    "recommendations": ("breastfeed", ["slug", "renditions"], ["statement", "renditions"]),
    "mechanisms": ("microbiome-balance-and-diversity", ["slug", "certainty"], ["claims", "title"]),
    "studies": ("kramer-2001-probit-trial", ["design", "slug"], ["findings", "url"]),
    "sources": ("news-baby-gut-mental-health", ["publisher", "title"], ["slug", "people"]),
}


def _operation(client: TestClient, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = client.get("/openapi.json").json()["paths"][path]["get"]
    return operation


@pytest.mark.parametrize("kind", KINDS)
def test_lists_and_details_answer_exactly_the_named_fields(client: TestClient, kind: str) -> None:
    slug, from_list, from_detail = KINDS[kind]
    whole = client.get(f"/v1/{kind}", params={"limit": 5}).json()
    page = client.get(f"/v1/{kind}", params={"limit": 5, "fields": ",".join(from_list)})
    assert page.status_code == 200, page.text
    sparse = page.json()
    assert [set(item) for item in sparse["items"]] == [set(from_list)] * len(whole["items"])
    assert sparse["items"] == [{k: item[k] for k in from_list} for item in whole["items"]]
    full_detail = client.get(f"/v1/{kind}/{slug}").json()
    detail = client.get(f"/v1/{kind}/{slug}", params={"fields": ",".join(from_detail)})
    assert detail.status_code == 200, detail.text
    assert detail.json() == {name: full_detail[name] for name in from_detail}
    assert detail.headers["Content-Language"] == "en"
    assert detail.headers["ETag"] != client.get(f"/v1/{kind}/{slug}").headers["ETag"]


@pytest.mark.parametrize("path", ["/v1/tips", "/v1/tips/daily"])
def test_tips_answer_exactly_the_named_fields(client: TestClient, path: str) -> None:
    response = client.get(path, params={"fields": "slug,push_tip"})
    assert response.status_code == 200, response.text
    body = response.json()
    items = body.get("items", [body])
    assert items
    assert all(set(item) == {"slug", "push_tip"} for item in items)
    assert all(0 < len(item["push_tip"]) <= 140 for item in items)


REFUSED = [
    (path, fields)
    for path in ("/v1/recommendations", "/v1/studies/kramer-2001-probit-trial", "/v1/tips")
    for fields in ("slug,colour", "", "slug,,title")
] + [("/v1/recommendations", "statement")]  # a detail's member, not a list item's


@pytest.mark.parametrize(("path", "fields"), REFUSED)
def test_unknown_fields_are_refused_with_the_valid_ones(
    client: TestClient, path: str, fields: str
) -> None:
    problem = assert_problem(client.get(path, params={"fields": fields}), 400)
    assert problem["type"].endswith("/problems/invalid-parameter")
    valid = _operation(client, path.replace("kramer-2001-probit-trial", "{slug}"))
    names = next(p for p in valid["parameters"] if p["name"] == "fields")["schema"]["items"]
    for name in names["enum"]:
        assert f"`{name}`" in problem["detail"], problem
    twice = client.get(f"{path}?fields=slug&fields=title")
    assert assert_problem(twice, 400)["type"].endswith("/problems/invalid-parameter")


def test_next_link_keeps_fields(client: TestClient) -> None:
    seen: list[dict[str, Any]] = []
    url: str | None = "/v1/recommendations?limit=2&topic=diet&fields=slug,title"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["items"]
        url = page["next"]
        if url:
            query = parse_qs(urlsplit(url).query)
            assert query["fields"] == ["slug,title"]
            assert query["topic"] == ["diet"]
    assert len(seen) > 2
    assert all(set(item) == {"slug", "title"} for item in seen)
    whole = client.get("/v1/recommendations", params={"limit": 100, "topic": "diet"}).json()
    assert [item["slug"] for item in seen] == [item["slug"] for item in whole["items"]]


def test_linked_data_is_served_whole(client: TestClient) -> None:
    headers = {"Accept": "application/ld+json"}
    whole = client.get("/v1/recommendations/breastfeed", headers=headers)
    sparse = client.get("/v1/recommendations/breastfeed?fields=slug", headers=headers)
    assert sparse.headers["Content-Type"].startswith("application/ld+json")
    assert sparse.json() == whole.json()


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("/v1/recommendations", "RecommendationSummary"),
        ("/v1/recommendations/{slug}", "Recommendation"),
        ("/v1/mechanisms", "MechanismSummary"),
        ("/v1/mechanisms/{slug}", "Mechanism"),
        ("/v1/studies", "StudySummary"),
        ("/v1/studies/{slug}", "Study"),
        ("/v1/sources", "SourceSummary"),
        ("/v1/sources/{slug}", "Source"),
        ("/v1/tips", "Tip"),
        ("/v1/tips/daily", "DailyTip"),
    ],
)
def test_openapi_describes_fields_and_the_sparse_response(
    client: TestClient, path: str, item: str
) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    operation = document["paths"][path]["get"]
    parameter = next(p for p in operation["parameters"] if p["name"] == "fields")
    assert (parameter["in"], parameter["style"], parameter["explode"]) == ("query", "form", False)
    assert parameter["schema"]["type"] == "array"
    assert parameter["schema"]["items"]["enum"] == list(schemas[item]["properties"])
    either = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    response = schemas[either.rsplit("/", 1)[-1]]
    whole, sparse = (ref["$ref"].rsplit("/", 1)[-1] for ref in response["anyOf"])
    assert sparse == f"{whole}Sparse"
    sparse_item = f"{item}Sparse"
    assert "required" not in schemas[sparse_item]
    assert schemas[sparse_item]["properties"] == schemas[item]["properties"]
    if whole != item:
        assert schemas[sparse]["properties"]["items"]["items"]["$ref"].endswith(sparse_item)
