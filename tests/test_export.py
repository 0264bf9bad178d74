"""GET /v1/export streams every published item, as its detail route serves it, from one snapshot
stamped with its content version; `gutbrain export` writes the same bytes."""

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request
from typer.testing import CliRunner

from app.cli import cli
from app.core.http_cache import read_validators
from app.core.urls import Urls
from app.evidence.vocabulary import Status
from app.export.service import JSON, open_snapshot, stream_export
from app.main import app
from tests.editing import editing
from tests.helpers import walk

KINDS = {
    "recommendation": "recommendations",
    "mechanism": "mechanisms",
    "study": "studies",
    "source": "sources",
}
NDJSON = "application/x-ndjson"


def _version(engine: Engine) -> int:
    with Session(engine) as session:
        return read_validators(session).version


def _export(client: TestClient, **headers: str) -> dict[str, Any]:
    response = client.get("/v1/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_json_export_is_every_listed_item_as_its_detail(
    client: TestClient, seeded_engine: Engine
) -> None:
    body = _export(client)
    assert body["content_version"] == _version(seeded_engine)
    assert list(body) == [
        "content_version",
        "generated_at",
        "changes",
        "attribution",
        *KINDS.values(),
    ]
    for plural in KINDS.values():
        listed = [item["slug"] for item in walk(client, f"/v1/{plural}?limit=50")]
        exported = body[plural]
        assert [item["slug"] for item in exported] == listed
        assert listed
        for item in exported:
            detail = client.get(f"/v1/{plural}/{item['slug']}")
            assert detail.status_code == 200
            assert item == detail.json()


def test_ndjson_is_the_same_content_line_by_line(client: TestClient) -> None:
    document = _export(client)
    for response in (
        client.get("/v1/export", headers={"Accept": NDJSON}),
        client.get("/v1/export?format=ndjson"),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == NDJSON
        lines = [json.loads(line) for line in response.text.splitlines()]
        meta, items = lines[0], lines[1:]
        assert meta["kind"] == "meta"
        assert meta["content_version"] == document["content_version"]
        assert meta["changes"] == document["changes"]
        assert meta["attribution"] == document["attribution"]
        by_kind: dict[str, list[Any]] = {plural: [] for plural in KINDS.values()}
        for line in items:
            by_kind[KINDS[line["kind"]]].append(line["item"])
        for plural in KINDS.values():
            assert by_kind[plural] == document[plural]


def test_export_is_cached_by_version(client: TestClient) -> None:
    first = client.get("/v1/export")
    etag = first.headers["ETag"]
    detail = client.get("/v1/recommendations")
    for header in ("Cache-Control", "Vary"):
        assert first.headers[header] == detail.headers[header]
    again = client.get("/v1/export", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    ndjson = client.get("/v1/export?format=ndjson")
    assert ndjson.headers["ETag"] != etag
    refused = client.get("/v1/export", headers={"Accept": "text/html"})
    assert refused.status_code == 406


def test_withdrawn_and_draft_items_are_not_exported() -> None:
    with editing("export") as editor:
        before = _export(editor.client)
        etag = editor.client.get("/v1/export").headers["ETag"]
        slug = before["recommendations"][0]["slug"]
        created = editor.create_copy("recommendations", slug, "a-draft-copy")
        assert created.status_code == 201, created.text
        withdrawn = editor.move("recommendations", slug, Status.withdrawn, editor.publisher)
        assert withdrawn.status_code == 200, withdrawn.text

        after = _export(editor.client)
        slugs = [item["slug"] for item in after["recommendations"]]
        assert slug not in slugs
        assert "a-draft-copy" not in slugs
        assert len(slugs) == len(before["recommendations"]) - 1
        assert after["content_version"] > before["content_version"]
        assert after["content_version"] == _version(editor.engine)
        # A mirror of the first export follows its `changes` link: exactly what came after.
        changes = walk(editor.client, before["changes"])
        assert [(c["kind"], c["slug"], c["change"]) for c in changes] == [
            ("recommendation", slug, "withdrawn")
        ]
        assert walk(editor.client, after["changes"]) == []
        stale = editor.client.get("/v1/export", headers={"If-None-Match": etag})
        assert stale.status_code == 200


def test_cli_writes_the_http_body(client: TestClient, tmp_path: Path) -> None:
    for fmt, media_type in (("json", "application/json"), ("ndjson", NDJSON)):
        output = tmp_path / f"export.{fmt}"
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "--output", str(output)])
        assert result.exit_code == 0, result.output
        served = client.get("/v1/export", headers={"Accept": media_type})
        assert _without_moment(output.read_text(), fmt) == _without_moment(served.text, fmt)


def _without_moment(text: str, fmt: str) -> str:
    """The body with `generated_at` blanked, the one part that differs between two exports."""
    return re.sub(r'"generated_at":"[^"]*"', '"generated_at":""', text, count=1)


def test_an_export_reads_one_snapshot_while_writes_go_on() -> None:
    with editing("export_snapshot") as editor:
        urls = Urls(Request({"type": "http", "app": app}))
        chunks = stream_export(open_snapshot(editor.engine), urls, JSON)
        head = next(chunks)
        slug = _export(editor.client)["recommendations"][0]["slug"]
        withdrawn = editor.move("recommendations", slug, Status.withdrawn, editor.publisher)
        assert withdrawn.status_code == 200, withdrawn.text

        body = json.loads(head + b"".join(chunks))
        assert body["content_version"] == _version(editor.engine) - 1
        assert slug in [item["slug"] for item in body["recommendations"]]
