"""The OpenAPI document is fit for client generators (GEN-1..GEN-3, ERR-10).

Walks `app.openapi()`: no database and no requests, so these tests are fast.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from app.core.config import PROJECT_ROOT
from app.main import app

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PROBLEM = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
VALIDATION_PROBLEM_REF = "#/components/schemas/ValidationProblem"
OPERATION_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# Renaming an operationId renames the generated client's method: a breaking change. Update this
# snapshot only on purpose.
EXPECTED_OPERATION_IDS = {
    "list_recommendations",
    "get_recommendation",
    "list_mechanisms",
    "get_mechanism",
    "list_studies",
    "get_study",
    "list_sources",
    "get_source",
    "get_vocabulary",
    "list_tips",
    "get_daily_tip",
    "search",
    "list_changes",
    "export_content",
    "get_card",
    "get_oembed",
    "get_explorer",
    "list_api_keys",
    "get_api_key",
    "create_api_key",
    "revoke_api_key",
    "get_review_queue",
    "list_webhook_endpoints",
    "create_webhook_endpoint",
    "get_webhook_endpoint",
    "delete_webhook_endpoint",
    "rotate_webhook_secret",
    "enable_webhook_endpoint",
    "ping_webhook_endpoint",
    "list_webhook_deliveries",
    *(
        f"{operation}_{kind}"
        for kind in ("recommendation", "mechanism", "study", "source")
        for operation in ("create", "get_editor", "replace", "patch", "transition", "withdraw")
    ),
    *(
        f"{operation}_{kind}_revision{plural}"
        for kind in ("recommendation", "mechanism", "study", "source")
        for operation, plural in (("list", "s"), ("restore", ""))
    ),
}
LIST_OPERATION_IDS = {name for name in EXPECTED_OPERATION_IDS if name.startswith("list_")}

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return app.openapi()


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """(method, path, operation) for every operation in the document."""
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, operation


def parameter(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((p for p in operation.get("parameters", []) if p["name"] == name), None)


def non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without an OpenAPI 3.1 `anyOf: [X, {"type": "null"}]` wrapper."""
    branches = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return branches[0] if len(branches) == 1 else schema


def test_every_operation_has_an_operation_id(document: dict[str, Any]) -> None:
    missing = [
        f"{method} {path}" for method, path, op in operations(document) if "operationId" not in op
    ]
    assert not missing, f"operations without an operationId: {missing}"


def test_operation_ids_are_snake_case_and_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document) if "operationId" in op]
    malformed = [name for name in ids if not OPERATION_ID.fullmatch(name)]
    assert not malformed, f"operationIds not matching {OPERATION_ID.pattern}: {malformed}"
    duplicates = sorted({name for name in ids if ids.count(name) > 1})
    assert not duplicates, f"duplicate operationIds: {duplicates}"


def test_operation_ids_match_the_snapshot(document: dict[str, Any]) -> None:
    ids = {op.get("operationId") for _, _, op in operations(document)}
    assert ids == EXPECTED_OPERATION_IDS, (
        f"added: {sorted(map(str, ids - EXPECTED_OPERATION_IDS))}, "
        f"removed: {sorted(EXPECTED_OPERATION_IDS - ids)}"
    )


def test_every_error_response_is_a_problem(document: dict[str, Any]) -> None:
    """ERR-10: each error response is `application/problem+json` only, a $ref to a problem.

    Errors are every documented status but 1xx, 2xx and 3xx (a 304 has no body), including
    `default` and ranges such as `4XX`. The one exception: a withdrawn item's card is a page
    saying so.
    """
    wrong = []
    error_responses = 0
    for method, path, op in operations(document):
        for status, response in op.get("responses", {}).items():
            if status[0] in "123":
                continue
            error_responses += 1
            where = f"{method} {path} {status}"
            content = response.get("content", {})
            if (path, status, list(content)) == ("/cards/{kind}/{slug}", "410", ["text/html"]):
                continue
            if list(content) != [PROBLEM]:
                wrong.append(f"{where}: content types {sorted(content)}, expected only {PROBLEM}")
                continue
            expected = VALIDATION_PROBLEM_REF if status == "422" else PROBLEM_REF
            schema = content[PROBLEM].get("schema", {})
            if schema != {"$ref": expected}:
                wrong.append(f"{where}: schema {schema}, expected {{'$ref': '{expected}'}}")
    assert error_responses, "no error response is documented at all"
    assert not wrong, "\n".join(wrong)


def test_problem_components_exist(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert {"Problem", "ValidationProblem"} <= set(schemas)
    assert "errors" in schemas["ValidationProblem"]["properties"]


def test_no_framework_or_split_component_names(document: dict[str, Any]) -> None:
    names = set(document.get("components", {}).get("schemas", {}))
    bad = sorted(
        name
        for name in names
        if name == "HTTPValidationError" or "-Input" in name or "-Output" in name
    )
    assert not bad, f"components that should not exist: {bad}"


def test_success_bodies_are_named_components(document: dict[str, Any]) -> None:
    """GEN-2: every 200 application/json schema is a $ref, never an inline schema."""
    inline = []
    checked = 0
    for method, path, op in operations(document):
        content = op.get("responses", {}).get("200", {}).get("content", {})
        if "application/json" not in content:
            continue
        checked += 1
        schema = content["application/json"].get("schema")
        if not (isinstance(schema, dict) and set(schema) == {"$ref"}):
            inline.append(f"{method} {path}: {schema}")
    assert checked, "no operation documents a 200 application/json response"
    assert not inline, "200 application/json schemas that are not a $ref:\n" + "\n".join(inline)


def test_list_operations_document_limit_and_cursor(document: dict[str, Any]) -> None:
    lists = {op.get("operationId"): op for _, _, op in operations(document)}
    missing = LIST_OPERATION_IDS - set(lists)
    assert not missing, f"list operations missing: {sorted(missing)}"
    for name in sorted(LIST_OPERATION_IDS):
        op = lists[name]
        limit = parameter(op, "limit")
        assert limit is not None, f"{name} does not document `limit`"
        assert limit["in"] == "query"
        assert not limit.get("required", False)
        schema = non_null(limit["schema"])
        assert schema.get("type") == "integer", f"{name}: limit schema {schema}"
        assert (schema.get("minimum"), schema.get("maximum"), schema.get("default")) == (
            1,
            100,
            20,
        ), f"{name}: limit schema {schema}"
        cursor = parameter(op, "cursor")
        assert cursor is not None, f"{name} does not document `cursor`"
        assert cursor["in"] == "query"
        assert not cursor.get("required", False)
        assert non_null(cursor["schema"]).get("type") == "string", f"{name}: {cursor['schema']}"


def test_document_is_a_valid_openapi_document(document: dict[str, Any]) -> None:
    validate(document)


def test_committed_document_is_current(document: dict[str, Any]) -> None:
    """All but `servers`, which names the deployment: the committed copy has the default
    `PUBLIC_BASE_URL`, the tests their own."""
    committed = json.loads((PROJECT_ROOT / "openapi.json").read_text(encoding="utf-8"))
    assert committed.pop("servers") == [
        {"url": "http://127.0.0.1:8000", "description": "This deployment (`PUBLIC_BASE_URL`)."}
    ], "generate openapi.json with the default PUBLIC_BASE_URL"
    current = {key: value for key, value in document.items() if key != "servers"}
    assert committed == current, "review the change, then `gutbrain openapi > openapi.json`"


def test_servers_name_the_public_base_url(document: dict[str, Any]) -> None:
    assert [server["url"] for server in document["servers"]] == ["http://testserver"]


def test_public_operations_say_they_need_no_key(document: dict[str, Any]) -> None:
    """Every operation states its security: the `ApiKey` scheme under /v1/editor, `[]` (no
    credentials) everywhere else, so that generators and linters need not guess."""
    wrong = []
    for method, path, op in operations(document):
        editor = path.startswith("/v1/editor")
        security = op.get("security")
        if editor and not (security and all(set(s) == {"ApiKey"} for s in security)):
            wrong.append(f"{method} {path}: {security}")
        if not editor and security != []:
            wrong.append(f"{method} {path}: {security}")
    assert not wrong, "\n".join(wrong)


def test_request_id_is_documented_everywhere(document: dict[str, Any]) -> None:
    header = {"$ref": "#/components/headers/X-Request-ID"}
    missing = []
    for method, path, op in operations(document):
        request_header = parameter(op, "X-Request-ID")
        if not request_header or (request_header["in"], request_header["required"]) != (
            "header",
            False,
        ):
            missing.append(f"{method} {path}: request header")
        for status, response in op["responses"].items():
            if response.get("headers", {}).get("X-Request-ID") != header:
                missing.append(f"{method} {path} {status}")
    assert not missing, "\n".join(missing)


def test_operations_with_query_parameters_document_400(document: dict[str, Any]) -> None:
    """Unknown or repeated query parameters are refused with 400."""
    missing = [
        f"{method} {path}"
        for method, path, op in operations(document)
        if any(p.get("in") == "query" for p in op.get("parameters", []))
        and "400" not in op["responses"]
    ]
    assert not missing, missing


def test_pages_offer_the_next_cursor(document: dict[str, Any]) -> None:
    """Every list's page carries `cursor` beside `next`, for clients to send back as-is, the
    sparse page (`fields`) as much as the whole one."""
    schemas = document["components"]["schemas"]
    for _, _, op in operations(document):
        if op["operationId"] not in LIST_OPERATION_IDS:
            continue
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        response = schemas[ref.rsplit("/", 1)[1]]
        for page in response.get("anyOf", [{"$ref": ref}]):
            name = page["$ref"].rsplit("/", 1)[1]
            properties = schemas[name]["properties"]
            assert {"items", "next", "cursor"} <= set(properties), name
            assert set(schemas[name]["required"]) == {"items", "next", "cursor"}, name
            assert {"type": "string", "format": "uri"} in properties["next"]["anyOf"], name
            assert {"type": "string"} in properties["cursor"]["anyOf"], name


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("RecommendationSummary", "url"),
        ("MechanismSummary", "url"),
        ("StudySummary", "url"),
        ("SourceSummary", "url"),
        ("Tip", "recommendation_url"),
        ("SearchResult", "url"),
        ("Problem", "type"),
        ("EditorLinks", "self"),
    ],
)
def test_links_are_uris(document: dict[str, Any], schema: str, field: str) -> None:
    assert document["components"]["schemas"][schema]["properties"][field]["format"] == "uri"


def test_path_parameters_have_seeded_examples(document: dict[str, Any]) -> None:
    slug = parameter(document["paths"]["/v1/recommendations/{slug}"]["get"], "slug")
    assert slug is not None
    assert slug["schema"]["examples"] == ["breastfeed"]
