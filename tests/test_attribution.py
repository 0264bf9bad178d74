"""Licence and attribution through HTTP: every public route, found in the OpenAPI document, says
under what licence its content is (a `Link` header, an `attribution` block in JSON, `license` in
JSON-LD, the card footer); every item has a ready citation; quotes are third-party text credited
to their documents; what the operator configures is what is served."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html

from app.core.config import get_settings
from app.main import app, create_app
from tests.helpers import walk

BASE = "http://testserver"
SPDX_CC_BY = "https://spdx.org/licenses/CC-BY-4.0.html"
DEFAULT_ATTRIBUTION = {
    "license": {
        "id": "CC-BY-4.0",
        "name": "Creative Commons Attribution 4.0 International",
        "url": SPDX_CC_BY,
    },
    "copyright_holder": "Gut-brain guidance",
    "attribution_text": "Contains guidance from Gut-brain guidance (http://testserver), licensed"
    f" under Creative Commons Attribution 4.0 International ({SPDX_CC_BY}).",
    "third_party_notice": "Quotes from source documents (each quote's `third_party`) are their"
    " publishers' text, quoted as evidence; they are not under CC-BY-4.0. Reuse them only as"
    " their publishers allow.",
}
JSON = "application/json"
JSON_LD = "application/ld+json"
NDJSON = "application/x-ndjson"
HTML = "text/html"
# Query values the examples cannot give: they name the default deployment, not the test server.
DEPLOYMENT_VALUES = {"url": f"{BASE}/cards/recommendations/breastfeed"}
KINDS = ["recommendations", "mechanisms", "studies", "sources"]
SEEDED = {
    "recommendations": "breastfeed",
    "mechanisms": "serotonin",
    "studies": "child-gut-microbiome-cohort",
}


def _license_link(url: str) -> str:
    return f'<{url}>; rel="license"'


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _value(document: dict[str, Any], parameter: dict[str, Any]) -> str:
    if parameter["name"] in DEPLOYMENT_VALUES:
        return DEPLOYMENT_VALUES[parameter["name"]]
    schema = _resolve(document, parameter["schema"])
    return str((schema.get("examples") or schema["enum"])[0])


def public_requests(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(operation id, URL, media type) for every media type of every public operation: those
    the document says need no key, filled in from the examples of their required parameters."""
    found = []
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            if operation["security"] != []:
                continue
            assert method == "get", f"{method} {path} is public: not a read"
            url, query = path, []
            for parameter in operation.get("parameters", []):
                if not parameter.get("required") or parameter["in"] == "header":
                    continue
                value = _value(document, parameter)
                if parameter["in"] == "path":
                    url = url.replace(f"{{{parameter['name']}}}", value)
                else:
                    query.append(f"{parameter['name']}={value}")
            url += "?" + "&".join(query) if query else ""
            for media_type in operation["responses"]["200"]["content"]:
                found.append((operation["operationId"], url, media_type))
    return found


PUBLIC = public_requests(app.openapi())


def _attribution_of(response: Any, media_type: str) -> Any:
    if media_type == NDJSON:
        return json.loads(response.text.splitlines()[0])["attribution"]
    return response.json()["attribution"]


def test_the_walk_finds_every_public_operation() -> None:
    operations = {operation for operation, _, _ in PUBLIC}
    assert {"list_recommendations", "get_card", "get_explorer", "export_content"} <= operations
    assert {"get_oembed", "search", "list_changes", "get_vocabulary", "get_daily_tip"} <= operations
    assert not any(operation.startswith(("create_", "patch_")) for operation in operations)


@pytest.mark.parametrize(("operation", "url", "media_type"), PUBLIC)
def test_every_public_response_says_its_licence(
    client: TestClient, operation: str, url: str, media_type: str
) -> None:
    response = client.get(url, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["link"] == _license_link(SPDX_CC_BY)
    if media_type in (JSON, NDJSON):
        assert _attribution_of(response, media_type) == DEFAULT_ATTRIBUTION
    elif media_type == JSON_LD:
        body = response.json()
        rights = body.get("mainEntityOfPage", body)
        assert rights["license"] == SPDX_CC_BY
        assert rights["copyrightHolder"] == {"@type": "Organization", "name": "Gut-brain guidance"}
    elif operation == "get_card":
        page = html.fromstring(response.text)
        assert page.xpath("//footer//a[contains(@rel, 'license')]/@href") == [SPDX_CC_BY]


def test_not_modified_and_problems_carry_the_link_too(client: TestClient) -> None:
    first = client.get("/v1/recommendations/breastfeed")
    again = client.get(
        "/v1/recommendations/breastfeed", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["link"] == _license_link(SPDX_CC_BY)
    missing = client.get("/v1/recommendations/no-such-item")
    assert missing.status_code == 404
    assert missing.headers["link"] == _license_link(SPDX_CC_BY)
    assert "link" in client.get(
        "/v1/tips?limit=1", headers={"Origin": "https://a.example"}
    ).headers["access-control-expose-headers"].lower().split(", ")


@pytest.mark.parametrize("url", ["/health", "/openapi.json", "/metrics"])
def test_routes_outside_the_content_carry_no_licence(client: TestClient, url: str) -> None:
    assert "link" not in client.get(url).headers


def test_editor_routes_carry_no_licence(client: TestClient) -> None:
    assert "link" not in client.get("/v1/editor/due").headers


def test_every_public_json_body_has_the_shared_attribution_component() -> None:
    document = app.openapi()
    for path, path_item in document["paths"].items():
        operation = path_item.get("get")
        if operation is None or operation["security"] != []:
            continue
        content = operation["responses"]["200"]["content"]
        if JSON not in content:
            continue
        body = _resolve(document, content[JSON]["schema"])
        # With `fields`, the body is the whole one or its sparse twin: both keep the block.
        for alternative in [_resolve(document, one) for one in body.get("anyOf", [])] or [body]:
            attribution = alternative["properties"]["attribution"]
            assert attribution == {"$ref": "#/components/schemas/Attribution"}, path
            assert "attribution" in alternative["required"], path
        headers = operation["responses"]["200"]["headers"]
        assert "Link" in headers, path
        assert "Link" in operation["responses"]["304"]["headers"], path
    attribution = document["components"]["schemas"]["Attribution"]
    assert set(attribution["required"]) == set(DEFAULT_ATTRIBUTION)


def test_openapi_names_the_licence_by_its_spdx_id() -> None:
    assert app.openapi()["info"]["license"] == {
        "name": "Creative Commons Attribution 4.0 International",
        "identifier": "CC-BY-4.0",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_every_item_has_a_ready_citation(client: TestClient, kind: str) -> None:
    items = walk(client, f"/v1/{kind}?limit=100")
    assert items
    for item in items:
        updated = item["review"]["updated_at"][:10]
        version = item["review"]["version"]
        expected = (
            f"Gut-brain guidance. {item['title']}. Version {version}, updated {updated}."
            f" {item['url']}"
        )
        assert item["citation"] == expected
    detail = client.get(items[0]["url"]).json()
    assert detail["citation"] == items[0]["citation"]
    assert detail["attribution"] == DEFAULT_ATTRIBUTION


def _quotes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "exact" in value and "relation" in value:
            yield value
        for child in value.values():
            yield from _quotes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _quotes(child)


def test_quotes_are_third_party_text_credited_to_their_documents(client: TestClient) -> None:
    documents = {}
    for source in walk(client, "/v1/sources?limit=100"):
        detail = client.get(source["url"]).json()
        credit = {
            "document": detail["title"],
            "author": detail["author"],
            "publisher": detail["publisher"],
            "url": detail["original_url"],
        }
        # The document's own text is the publisher's too.
        assert detail["third_party"] == credit
        documents[detail["slug"]] = credit
    seen = 0
    for kind in ("recommendations", "mechanisms", "studies", "sources"):
        for item in walk(client, f"/v1/{kind}?limit=100"):
            for quote in _quotes(client.get(item["url"]).json()):
                assert quote["third_party"] == documents[quote["source"]], quote["exact"]
                seen += 1
    assert seen > 100
    assert {credit["author"] for credit in documents.values()} >= {None, "Kiara Talman"}


@pytest.mark.parametrize("kind", SEEDED)
def test_linked_data_states_licence_holder_and_credit(client: TestClient, kind: str) -> None:
    url = f"/v1/{kind}/{SEEDED[kind]}"
    detail = client.get(url).json()
    document = client.get(url, headers={"Accept": JSON_LD}).json()
    # A study's record describes the study; the page about it is this service's work.
    rights = document["mainEntityOfPage"] if kind == "studies" else document
    assert rights["license"] == detail["attribution"]["license"]["url"]
    assert rights["copyrightHolder"]["name"] == detail["attribution"]["copyright_holder"]
    assert rights["creditText"] == detail["citation"]
    if kind == "studies":
        assert rights["url"] == detail["url"]
        assert "license" not in document


def test_linked_data_cites_the_quoted_documents_as_third_party_works(client: TestClient) -> None:
    detail = client.get("/v1/recommendations/breastfeed").json()
    document = client.get("/v1/recommendations/breastfeed", headers={"Accept": JSON_LD}).json()
    works = {node["@id"]: node for node in document["citation"] if node.get("@type")}
    assert set(works) == {source["url"] for source in detail["sources"]}
    for source in detail["sources"]:
        assert works[source["url"]] == {
            "@type": "CreativeWork",
            "@id": source["url"],
            "name": source["title"],
        }


@contextmanager
def configured_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The API as an operator configured it: another licence, its own URL, another publisher
    and disclaimer; settings read again, and restored afterwards."""
    monkeypatch.setenv("CONTENT_LICENSE", "cc-by-sa-4.0")
    monkeypatch.setenv("CONTENT_LICENSE_URL", "https://creativecommons.org/licenses/by-sa/4.0/")
    monkeypatch.setenv("CONTENT_PUBLISHER", "Example Health Trust")
    monkeypatch.setenv("MEDICAL_DISCLAIMER", "Not medical advice: ask a health professional.")
    get_settings.cache_clear()
    try:
        with TestClient(create_app(), raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_configured_licence_is_what_is_served(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = client.get("/v1/mechanisms/serotonin")
    with configured_api(monkeypatch) as configured:
        _serves_the_configured_licence(configured, before)
    assert client.get("/v1/mechanisms/serotonin").headers["etag"] == before.headers["etag"]


def _serves_the_configured_licence(configured: TestClient, before: Any) -> None:
    url = "https://creativecommons.org/licenses/by-sa/4.0/"
    response = configured.get("/v1/mechanisms/serotonin")
    assert response.headers["link"] == _license_link(url)
    body = response.json()
    assert body["attribution"]["license"] == {
        "id": "CC-BY-SA-4.0",
        "name": "Creative Commons Attribution Share Alike 4.0 International",
        "url": url,
    }
    assert body["attribution"]["copyright_holder"] == "Example Health Trust"
    assert body["citation"].startswith("Example Health Trust. ")
    # A client holding the old licence's copy does not get a 304 for it.
    assert response.headers["etag"] != before.headers["etag"]
    revalidated = configured.get(
        "/v1/mechanisms/serotonin", headers={"If-None-Match": before.headers["etag"]}
    )
    assert revalidated.status_code == 200
    linked = configured.get("/v1/mechanisms/serotonin", headers={"Accept": JSON_LD}).json()
    assert linked["license"] == url
    assert configured.get("/openapi.json").json()["info"]["license"]["identifier"] == "CC-BY-SA-4.0"
    card = html.fromstring(configured.get("/cards/mechanisms/serotonin").text)
    assert card.xpath("//footer//a[contains(@rel, 'license')]/@href") == [url]
    assert "Example Health Trust" in card.xpath("string(//footer)")
    tip = configured.get("/v1/tips?limit=1").json()
    assert tip["items"][0]["disclaimer"] == "Not medical advice: ask a health professional."
    assert tip["attribution"] == body["attribution"]
