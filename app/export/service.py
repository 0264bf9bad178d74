"""The whole published dataset, streamed from one snapshot of the database.

Each kind is read in batches of slugs with its detail's eager loading, serialised as the detail
route serves it, and let go before the next batch, so memory stays flat as the content grows.
All batches read the same snapshot (a transaction begun before the first read on SQLite,
REPEATABLE READ on PostgreSQL), so the items are exactly those of the content version stated.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.attribution.service import attribution
from app.changes.service import LOGGED, FeedEvent
from app.core.http_cache import read_validators
from app.core.pagination import cursor_after
from app.core.types import utcnow
from app.core.urls import Urls, public_url
from app.evidence.loading import Eager, plain_select, read
from app.evidence.queries import is_public
from app.evidence.vocabulary import ItemKind
from app.mechanisms import schemas as mechanism_schemas
from app.mechanisms import service as mechanism_service
from app.models import ContentChange, Mechanism, Recommendation, SourceDocument, Study
from app.recommendations import schemas as recommendation_schemas
from app.recommendations import service as recommendation_service
from app.sources import schemas as source_schemas
from app.sources import service as source_service
from app.studies import schemas as study_schemas
from app.studies import service as study_service

JSON = "application/json"
NDJSON = "application/x-ndjson"
FORMATS = {"json": JSON, "ndjson": NDJSON}
BATCH_SIZE = 100
META = "meta"


@dataclass(frozen=True)
class ExportedKind:
    plural: str
    kind: ItemKind
    model: Any
    loading: list[Eager]
    detail_of: Callable[[Any, Urls], BaseModel]


KINDS = (
    ExportedKind(
        "recommendations",
        ItemKind.recommendation,
        Recommendation,
        recommendation_service.DETAIL_LOADING,
        recommendation_schemas.detail_of,
    ),
    ExportedKind(
        "mechanisms",
        ItemKind.mechanism,
        Mechanism,
        mechanism_service.DETAIL_LOADING,
        mechanism_schemas.detail_of,
    ),
    ExportedKind(
        "studies", ItemKind.study, Study, study_service.DETAIL_LOADING, study_schemas.detail_of
    ),
    ExportedKind(
        "sources",
        ItemKind.source,
        SourceDocument,
        source_service.DETAIL_LOADING,
        source_schemas.detail_of,
    ),
)


def open_snapshot(engine: Engine) -> Session:
    """A session whose reads all see one snapshot, until it is closed."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    else:
        # pysqlite begins no transaction before a SELECT; without one each read would see the
        # latest commit. A deferred BEGIN takes the snapshot at the first read (WAL).
        connection.exec_driver_sql("BEGIN")
    session = Session(bind=connection)
    # The connection is the snapshot's: closing the session closes it, rolling back.
    session.info["snapshot_connection"] = connection
    return session


def close_snapshot(session: Session) -> None:
    session.close()
    session.info["snapshot_connection"].close()


def _batches(
    session: Session, exported: ExportedKind, urls: Urls
) -> Iterator[list[dict[str, Any]]]:
    """The kind's published items as their details, in slug order, a batch at a time."""
    model = exported.model
    after: str | None = None
    while True:
        query = plain_select(model).where(is_public(model))
        if after is not None:
            query = query.where(model.slug > after)
        rows = read(session, model, query.order_by(model.slug).limit(BATCH_SIZE), exported.loading)
        yield [exported.detail_of(row, urls).model_dump(mode="json") for row in rows]
        if len(rows) < BATCH_SIZE:
            return
        after = rows[-1].slug
        # The batch is serialised; let its rows go before reading the next.
        del rows


def changes_url(session: Session) -> str:
    """Where the change feed continues after the last change this snapshot shows."""
    last = session.exec(
        select(ContentChange).order_by(col(ContentChange.at).desc(), col(ContentChange.id).desc())
    ).first()
    if last is None:
        return public_url("/v1/changes")
    event = FeedEvent(
        last.at, LOGGED, last.id or 0, last.kind, last.slug, last.version, last.change
    )
    return public_url("/v1/changes", urlencode({"cursor": cursor_after(event.position)}))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def stream_export(
    session: Session, urls: Urls, media_type: str, generated_at: datetime | None = None
) -> Iterator[bytes]:
    """The export as chunks of UTF-8: one JSON document, or NDJSON with a `meta` line first.
    Closes the snapshot session when done (or when the consumer stops)."""
    try:
        version = read_validators(session).version
        changes = changes_url(session)
        moment = (generated_at or utcnow()).isoformat().replace("+00:00", "Z")
        terms = attribution().model_dump(mode="json")
        if media_type == NDJSON:
            meta = {
                "kind": META,
                "content_version": version,
                "generated_at": moment,
                "changes": changes,
                "attribution": terms,
            }
            yield (_dump(meta) + "\n").encode()
            for exported in KINDS:
                for batch in _batches(session, exported, urls):
                    kind = exported.kind.value
                    yield "".join(
                        _dump({"kind": kind, "item": item}) + "\n" for item in batch
                    ).encode()
            return
        yield (
            f'{{"content_version":{version},"generated_at":{_dump(moment)}'
            f',"changes":{_dump(changes)},"attribution":{_dump(terms)}'
        ).encode()
        for exported in KINDS:
            yield f',"{exported.plural}":['.encode()
            separator = ""
            for batch in _batches(session, exported, urls):
                if batch:
                    yield (separator + ",".join(_dump(item) for item in batch)).encode()
                    separator = ","
            yield b"]"
        yield b"}\n"
    finally:
        close_snapshot(session)
