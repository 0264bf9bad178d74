"""A seeded database of its own for tests that write through the editor API, and a small client
that reads an item with its ETag and sends changes back with it."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.db import create_db_engine
from app.keys.scopes import Scope
from app.seeding.loader import load_seed
from tests.conftest import SEED_DIR, drop_scratch, issue_key, migrate, scratch_url, serving

WRITE = [Scope.content_write]
PUBLISH = [Scope.content_write, Scope.content_publish]
MERGE_PATCH = "application/merge-patch+json"


@contextmanager
def seeded_scratch(name: str) -> Iterator[Engine]:
    """A new database, migrated and loaded with the real seed, dropped afterwards."""
    url = scratch_url(name)
    migrate(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        load_seed(session, SEED_DIR)
        session.commit()
    try:
        yield engine
    finally:
        engine.dispose()
        drop_scratch(url)


@dataclass
class Editing:
    """The API on a database of its own, with a writer's and a publisher's key."""

    client: TestClient
    engine: Engine
    writer: dict[str, str] = field(default_factory=dict)
    publisher: dict[str, str] = field(default_factory=dict)

    def url(self, kind: str, slug: str = "", tail: str = "") -> str:
        return "/".join(part for part in ("/v1/editor", kind, slug, tail) if part)

    def read(self, kind: str, slug: str) -> tuple[dict[str, Any], str]:
        """The item's document and ETag, as an editor reads them."""
        response = self.client.get(self.url(kind, slug), headers=self.publisher)
        assert response.status_code == 200, response.text
        return response.json()["document"], response.headers["ETag"]

    def item(self, kind: str, slug: str) -> dict[str, Any]:
        response = self.client.get(self.url(kind, slug), headers=self.publisher)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def put(
        self, kind: str, slug: str, document: dict[str, Any], etag: str, key: dict[str, str]
    ) -> httpx.Response:
        return self.client.put(
            self.url(kind, slug), json=document, headers={**key, "If-Match": etag}
        )

    def patch(
        self, kind: str, slug: str, changes: Any, etag: str, key: dict[str, str]
    ) -> httpx.Response:
        return self.client.patch(
            self.url(kind, slug),
            content=json.dumps(changes),
            headers={**key, "If-Match": etag, "Content-Type": MERGE_PATCH},
        )

    def move(self, kind: str, slug: str, status: str, key: dict[str, str]) -> httpx.Response:
        """One workflow step from the item's current version."""
        _, etag = self.read(kind, slug)
        return self.client.post(
            self.url(kind, slug, "transitions"),
            json={"status": status},
            headers={**key, "If-Match": etag},
        )

    def create_copy(self, kind: str, slug: str, new_slug: str) -> httpx.Response:
        """A new draft made from an existing item's document under a new slug (its claims'
        slugs too, which are unique across items)."""
        document, _ = self.read(kind, slug)
        document["slug"] = new_slug
        for claim in document.get("claims", []):
            claim["slug"] = f"{claim['slug'][:80]}-{new_slug[:15]}"
        return self.client.post(self.url(kind), json=document, headers=self.writer)


@contextmanager
def editing(name: str) -> Iterator[Editing]:
    with seeded_scratch(name) as engine, serving(engine) as client:
        yield Editing(
            client, engine, writer=issue_key(engine, WRITE), publisher=issue_key(engine, PUBLISH)
        )
