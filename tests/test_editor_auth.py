"""Every editor route is authenticated and scoped.

The routes come from the application itself, so a route added later under `/v1/editor` is
checked without a change here: each must refuse a missing, malformed, unknown, revoked or
expired key with 401, a key without the scope its OpenAPI `security` names with 403, and let the
right key through. Path parameters get a placeholder slug and bodies are empty, so a passing
request answers 2xx, 404 or 422 and writes nothing.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from app.core.types import utcnow
from app.keys.auth import INVALID_KEY, MISSING_KEY
from app.keys.scopes import Scope
from app.keys.service import new_key
from app.main import app
from tests.conftest import KeyFactory, issue_key
from tests.helpers import assert_problem

EDITOR_PREFIX = "/v1/editor"
PLACEHOLDER = "no-such-item"
BODY_METHODS = {"POST", "PUT", "PATCH"}


def editor_operations() -> list[tuple[str, str]]:
    """(method, path) of every route under `/v1/editor`, HEAD aside (it answers as GET)."""
    operations = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path == EDITOR_PREFIX or path.startswith(f"{EDITOR_PREFIX}/"):
            operations |= {(method, path) for method in route.methods or () if method != "HEAD"}
    return sorted(operations)


OPERATIONS = editor_operations()
OPERATION_IDS = [f"{method} {path}" for method, path in OPERATIONS]


def needed_scopes(method: str, path: str) -> list[str]:
    """The scopes the operation's OpenAPI `security` names for the API key scheme."""
    operation = app.openapi()["paths"][path][method.lower()]
    assert operation.get("security"), f"{method} {path} declares no security"
    return [scope for requirement in operation["security"] for scope in requirement["ApiKey"]]


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Response:
    url = re.sub(r"\{[^}]+\}", PLACEHOLDER, path)
    body: Any = {} if method in BODY_METHODS else None
    return client.request(method, url, headers=headers, json=body)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def key_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture(scope="module")
def keys(seeded_engine: Engine) -> dict[str, dict[str, str]]:
    every = list(Scope)
    issued = {
        "every scope": issue_key(seeded_engine, every),
        "revoked": issue_key(seeded_engine, every, revoked=True),
        "expired": issue_key(seeded_engine, every, expires_at=utcnow() - timedelta(seconds=1)),
    }
    for scope in Scope:
        issued[f"all but {scope}"] = issue_key(seeded_engine, [s for s in Scope if s != scope])
    return issued


def rejected_headers(keys: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Authorization headers that must not authenticate, by what is wrong with them."""
    valid = key_of(keys["every scope"])
    # The right prefix with a secret one character off.
    wrong_secret = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    return {
        "Bearer without a key": {"Authorization": "Bearer"},
        "Basic scheme": {"Authorization": "Basic eHl6OnNlY3JldA=="},
        "a valid key without its scheme": {"Authorization": valid},
        "not a key": bearer("not-a-key"),
        "key without the prefix format": bearer(valid.split("_", 2)[2]),
        "prefix format, too short": bearer("gbk_abc_def"),
        "unknown key": bearer(new_key()[1]),
        "wrong secret": bearer(wrong_secret),
        "revoked": keys["revoked"],
        "expired": keys["expired"],
    }


def assert_unauthorized(response: Response) -> dict[str, Any]:
    body = assert_problem(response, 401)
    assert body["type"].endswith("/problems/unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["cache-control"] == "no-store"
    return body


def test_the_editor_api_has_routes() -> None:
    assert ("POST", "/v1/editor/keys") in OPERATIONS
    assert ("DELETE", "/v1/editor/keys/{name}") in OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=OPERATION_IDS)
def test_no_key_is_401(client: TestClient, method: str, path: str) -> None:
    body = assert_unauthorized(call(client, method, path, {}))
    assert body["detail"] == MISSING_KEY


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=OPERATION_IDS)
def test_bad_keys_are_401_without_saying_why(
    client: TestClient, keys: dict[str, dict[str, str]], method: str, path: str
) -> None:
    for case, headers in rejected_headers(keys).items():
        body = assert_unauthorized(call(client, method, path, headers))
        assert body["detail"] == INVALID_KEY, case


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=OPERATION_IDS)
def test_a_key_without_the_scope_is_403(
    client: TestClient, keys: dict[str, dict[str, str]], method: str, path: str
) -> None:
    for scope in needed_scopes(method, path):
        response = call(client, method, path, keys[f"all but {scope}"])
        body = assert_problem(response, 403)
        assert body["type"].endswith("/problems/forbidden")
        assert f"'{scope}'" in body["detail"]
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=OPERATION_IDS)
def test_a_key_with_the_scope_passes(
    client: TestClient, make_key: KeyFactory, method: str, path: str
) -> None:
    response = call(client, method, path, make_key(needed_scopes(method, path)))
    assert response.status_code not in (401, 403), response.text
    assert response.status_code < 500, response.text
    assert response.headers["cache-control"] == "no-store"


def test_every_editor_route_is_in_the_openapi_document() -> None:
    """A route hidden from the document would also hide its security from these tests."""
    paths = app.openapi()["paths"]
    missing = [
        f"{method} {path}"
        for method, path in OPERATIONS
        if method.lower() not in paths.get(path, {})
    ]
    assert not missing, f"editor routes not in the OpenAPI document: {missing}"


def test_every_editor_operation_declares_security_401_and_403() -> None:
    document = app.openapi()
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    scope_values = {scope.value for scope in Scope}
    checked = 0
    for path, path_item in document["paths"].items():
        if not path.startswith(EDITOR_PREFIX):
            continue
        for method, operation in path_item.items():
            where = f"{method.upper()} {path}"
            checked += 1
            security = operation.get("security")
            assert security, f"{where} declares no security"
            assert all(set(requirement) == {"ApiKey"} for requirement in security), where
            assert {s for r in security for s in r["ApiKey"]} <= scope_values, where
            responses = operation["responses"]
            assert {"401", "403"} <= set(responses), f"{where} does not document 401 and 403"
            assert "WWW-Authenticate" in responses["401"].get("headers", {}), where
    assert checked == len(OPERATIONS)


def test_a_key_in_the_query_string_is_not_accepted(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    """Not as a key, and not as a parameter either: the operation declares no such query
    parameter, so the request is refused before any key is looked at."""
    key = key_of(keys["every scope"])
    for parameter in ("api_key", "access_token", "key", "token"):
        response = client.get(f"/v1/editor/keys?{parameter}={key}")
        problem = assert_problem(response, 400)
        assert problem["type"].endswith("/problems/invalid-parameter")
        assert f"`{parameter}`" in problem["detail"]
        assert key not in response.text
