"""Editor API keys through HTTP and the CLI: issued once, stored as a keyed hash, listed without
secrets, revoked for good, and used at most once a minute as far as the database is told."""

import hashlib
import hmac
import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import get_settings
from app.core.types import utcnow
from app.keys.scopes import Scope
from app.keys.service import USE_RECORDED_EVERY, new_key
from tests.conftest import KeyFactory
from tests.helpers import assert_problem

KEY = re.compile(r"^gbk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$")
KEYS = "/v1/editor/keys"


def unique_name() -> str:
    return f"key-{uuid.uuid4().hex[:12]}"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def admin(make_key: KeyFactory) -> dict[str, str]:
    return make_key([Scope.keys_admin])


def create(client: TestClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"name": unique_name(), "scopes": ["content:write"], **body}
    response = client.post(KEYS, headers=admin, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def api_key_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [
            dict(row) for row in connection.execute(sa.text("SELECT * FROM api_key")).mappings()
        ]


def test_issued_keys_are_well_formed_and_unique() -> None:
    keys = [new_key() for _ in range(1000)]
    assert all(KEY.fullmatch(key) and key.split("_")[1] == prefix for prefix, key in keys)
    assert len({key for _, key in keys}) == len({prefix for prefix, _ in keys}) == 1000


def test_create_answers_the_key_once_with_its_location(
    client: TestClient, admin: dict[str, str]
) -> None:
    name = unique_name()
    response = client.post(
        KEYS,
        headers=admin,
        json={"name": name, "scopes": ["content:publish", "content:write"], "expires_in_days": 30},
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert KEY.fullmatch(body["key"])
    assert body["prefix"] == body["key"].split("_")[1]
    assert body["name"] == name
    assert body["scopes"] == ["content:publish", "content:write"]
    assert body["revoked_at"] is None
    assert body["last_used_at"] is None
    assert response.headers["location"] == body["url"]
    assert body["url"] == f"http://testserver{KEYS}/{name}"
    expires = (utcnow() + timedelta(days=30)).timestamp()
    assert abs(expires - _timestamp(body["expires_at"])) < 60

    shown = client.get(path_of(response.headers["location"]), headers=admin)
    assert shown.status_code == 200, shown.text
    assert "key" not in shown.json()
    assert shown.json() == {key: value for key, value in body.items() if key != "key"}
    # The new key authenticates, and can do only what its scopes say.
    denied = client.get(KEYS, headers=bearer(body["key"]))
    assert_problem(denied, 403)


def _timestamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_an_explicit_expiry_is_kept(client: TestClient, admin: dict[str, str]) -> None:
    body = create(client, admin, expires_at="2100-01-01T00:00:00+02:00")
    assert body["expires_at"] == "2099-12-31T22:00:00Z"


def test_the_key_is_stored_only_as_a_keyed_hash(
    client: TestClient, admin: dict[str, str], seeded_engine: Engine
) -> None:
    body = create(client, admin)
    key, secret = body["key"], body["key"].split("_", 2)[2]
    rows = api_key_rows(seeded_engine)
    everything = repr(rows)
    assert key not in everything
    assert secret not in everything
    assert secret[:16] not in everything
    [row] = [row for row in rows if row["name"] == body["name"]]
    pepper = get_settings().api_key_secret.encode()
    assert row["secret_hash"] == hmac.new(pepper, key.encode(), hashlib.sha256).hexdigest()
    assert row["secret_hash"] != hashlib.sha256(key.encode()).hexdigest()


def test_the_listing_never_shows_a_key_or_its_hash(
    client: TestClient, admin: dict[str, str], seeded_engine: Engine
) -> None:
    body = create(client, admin)
    [row] = [row for row in api_key_rows(seeded_engine) if row["name"] == body["name"]]
    listed: list[dict[str, Any]] = []
    url: str | None = f"{KEYS}?limit=2"
    while url:
        response = client.get(url, headers=admin)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert body["key"] not in response.text
        assert row["secret_hash"] not in response.text
        assert "hash" not in response.text
        page = response.json()
        assert len(page["items"]) <= 2
        listed += page["items"]
        url = path_of(page["next"]) if page["next"] else None
    names = [item["name"] for item in listed]
    assert names == sorted(names)
    [item] = [item for item in listed if item["name"] == body["name"]]
    assert set(item) == {
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "url",
    }
    assert item["prefix"] == body["prefix"]


def test_a_taken_name_is_409(client: TestClient, admin: dict[str, str]) -> None:
    body = create(client, admin)
    response = client.post(
        KEYS, headers=admin, json={"name": body["name"], "scopes": ["keys:admin"]}
    )
    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/problems/conflict")
    assert body["name"] in problem["detail"]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"scopes": ["content:write", "everything"]}, "#/scopes/1"),
        ({"scopes": []}, "#/scopes"),
        ({"name": "Not A Slug"}, "#/name"),
        ({"expires_in_days": 0}, "#/expires_in_days"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "#/"),
        ({"expires_at": "2100-01-01T00:00:00"}, "#/expires_at"),
        ({"expires_at": "2100-01-01T00:00:00Z", "expires_in_days": 3}, "#/"),
        ({"secret_hash": "0" * 64}, "#/secret_hash"),
    ],
)
def test_invalid_requests_are_422(
    client: TestClient, admin: dict[str, str], body: dict[str, Any], pointer: str
) -> None:
    body = {"name": unique_name(), "scopes": ["content:write"], **body}
    problem = assert_problem(client.post(KEYS, headers=admin, json=body), 422)
    assert pointer in [error.get("pointer") for error in problem["errors"]], problem


def test_revoking_stops_the_key_at_once_and_for_good(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = create(client, admin, scopes=["keys:admin"])
    key = bearer(body["key"])
    assert client.get(KEYS, headers=key).status_code == 200

    revoked = client.delete(f"{KEYS}/{body['name']}", headers=admin)
    assert revoked.status_code == 204, revoked.text
    assert revoked.content == b""
    assert revoked.headers["cache-control"] == "no-store"
    assert_problem(client.get(KEYS, headers=key), 401)

    first = client.get(f"{KEYS}/{body['name']}", headers=admin).json()["revoked_at"]
    assert first is not None
    assert client.delete(f"{KEYS}/{body['name']}", headers=admin).status_code == 204
    assert client.get(f"{KEYS}/{body['name']}", headers=admin).json()["revoked_at"] == first
    again = client.post(KEYS, headers=admin, json={"name": body["name"], "scopes": ["keys:admin"]})
    assert_problem(again, 409)


def test_revoking_an_unknown_key_is_404(client: TestClient, admin: dict[str, str]) -> None:
    problem = assert_problem(client.delete(f"{KEYS}/no-such-key", headers=admin), 404)
    assert "no-such-key" in problem["detail"]
    assert_problem(client.get(f"{KEYS}/no-such-key", headers=admin), 404)


def test_use_is_recorded_at_most_once_a_minute(
    client: TestClient, admin: dict[str, str], seeded_engine: Engine
) -> None:
    prefix = admin["Authorization"].split("_")[1]

    def last_used() -> Any:
        [row] = [row for row in api_key_rows(seeded_engine) if row["prefix"] == prefix]
        return row["last_used_at"]

    assert last_used() is None
    assert client.get(KEYS, headers=admin).status_code == 200
    first = last_used()
    assert first is not None
    assert client.get(KEYS, headers=admin).status_code == 200
    assert last_used() == first
    # A minute later, the next request records its use.
    earlier = utcnow() - USE_RECORDED_EVERY - timedelta(seconds=1)
    with seeded_engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE api_key SET last_used_at = :at WHERE prefix = :prefix"),
            {"at": earlier, "prefix": prefix},
        )
    assert client.get(KEYS, headers=admin).status_code == 200
    assert last_used() not in (None, first)
    assert client.get(f"{KEYS}?limit=1", headers=admin).json()["items"]


def test_cli_creates_lists_and_revokes(client: TestClient) -> None:
    runner = CliRunner()
    name = unique_name()
    created = runner.invoke(
        cli,
        [
            "keys",
            "create",
            "--name",
            name,
            "--scope",
            "keys:admin",
            "--scope",
            "content:write",
            "--expires-in-days",
            "7",
        ],
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert KEY.fullmatch(key), created.stdout
    assert "will not be shown again" in created.stderr
    assert key not in created.stderr

    listed = client.get(f"{KEYS}/{name}", headers=bearer(key))
    assert listed.status_code == 200, listed.text
    assert listed.json()["scopes"] == ["content:write", "keys:admin"]

    table = runner.invoke(cli, ["keys", "list"])
    assert table.exit_code == 0, table.output
    [line] = [line for line in table.stdout.splitlines() if line.startswith(f"{name} ")]
    assert key.split("_")[1] in line
    assert "content:write,keys:admin" in line
    assert key not in table.output

    revoked = runner.invoke(cli, ["keys", "revoke", name])
    assert revoked.exit_code == 0, revoked.output
    assert name in revoked.stdout
    assert_problem(client.get(KEYS, headers=bearer(key)), 401)


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (["create", "--name", "x-key", "--scope", "everything"], 2, "unknown scope 'everything'"),
        (["create", "--name", "x-key"], 2, "give at least one --scope"),
        (["create", "--name", "Bad Name", "--scope", "keys:admin"], 2, "--name"),
        (
            ["create", "--name", "x-key", "--scope", "keys:admin", "--expires-in-days", "0"],
            2,
            "--expires-in-days",
        ),
        (["revoke", "no-such-key"], 1, "no API key named 'no-such-key'"),
    ],
)
def test_cli_refuses_in_one_line(
    client: TestClient, arguments: list[str], status: int, message: str
) -> None:
    result = CliRunner().invoke(cli, ["keys", *arguments])
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert message in result.output
    assert result.stdout == ""


def test_cli_refuses_a_taken_name(client: TestClient, admin: dict[str, str]) -> None:
    body = create(client, admin)
    result = CliRunner().invoke(
        cli, ["keys", "create", "--name", body["name"], "--scope", "keys:admin"]
    )
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        f"keys create refused: An API key named '{body['name']}' already exists;"
        " choose another name."
    )


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("PUT", KEYS, "GET, POST"),
        ("OPTIONS", KEYS, "GET, POST"),
        ("POST", f"{KEYS}/x", "GET, DELETE"),
    ],
)
def test_405_allows_every_method_of_the_path(
    client: TestClient, method: str, url: str, allow: str
) -> None:
    """GET and POST on one path are two routes; Allow names both, key or no key."""
    response = client.request(method, url)
    assert_problem(response, 405)
    assert response.headers["allow"] == allow
