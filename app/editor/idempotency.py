"""Idempotency-Key on POST: a retry gets the first answer again, never a second item.

The first response is stored in the same transaction as the write it reports, so a stored
answer always describes a committed write. Keys are per API key and kept for a day.
"""

import hashlib
import json
from datetime import timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Header, Response
from sqlmodel import Session, col, select

from app.core.errors import IdempotencyKeyReused
from app.core.types import utcnow
from app.keys.auth import Editor
from app.models import IdempotentResponse

KEPT_FOR = timedelta(days=1)
REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Any unique string, e.g. a UUID. A retry with the same key and body gets the"
        " first response again (with `Idempotent-Replayed: true`) instead of a second write; the"
        " same key with another body is a 422. Kept for 24 hours.",
        examples=["9f4c1f0e-8a55-4a57-9d0c-3f1f3f6f5d1e"],
    ),
]


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(session: Session, editor: Editor, key: str, fingerprint: str) -> Response | None:
    """The stored first response to this key, if any; a 422 problem if it was for another
    request."""
    stored = session.exec(
        select(IdempotentResponse).where(
            IdempotentResponse.api_key_id == editor.key_id,
            IdempotentResponse.idempotency_key == key,
            col(IdempotentResponse.created_at) >= utcnow() - KEPT_FOR,
        )
    ).first()
    if stored is None:
        return None
    if stored.request_hash != fingerprint:
        detail = "This Idempotency-Key was used for a different request; use a new key."
        raise IdempotencyKeyReused(
            detail,
            errors=[
                {"detail": detail, "code": "reused", "parameter": "Idempotency-Key", "in": "header"}
            ],
        )
    return Response(
        stored.body,
        status_code=stored.status_code,
        headers={**stored.headers, REPLAYED_HEADER: "true"},
        media_type="application/json",
    )


def remember(
    session: Session, editor: Editor, key: str, fingerprint: str, response: Response
) -> None:
    """Store the response with the write; expired keys of this API key are dropped meanwhile."""
    session.execute(
        sa.delete(IdempotentResponse).where(
            col(IdempotentResponse.api_key_id) == editor.key_id,
            col(IdempotentResponse.created_at) < utcnow() - KEPT_FOR,
        )
    )
    session.add(
        IdempotentResponse(
            api_key_id=editor.key_id,
            idempotency_key=key,
            request_hash=fingerprint,
            status_code=response.status_code,
            headers={name: response.headers[name] for name in ("Location", "ETag")},
            body=bytes(response.body).decode(),
        )
    )
    session.flush()
