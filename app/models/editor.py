"""Who may write, what each write changed, and the first answer to each idempotent request."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow
from app.evidence.vocabulary import ItemKind, Status


class ApiKey(SQLModel, table=True):
    """An editor's key: only its public prefix and a keyed hash of the whole key are stored."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    prefix: str = Field(max_length=16, unique=True, index=True)
    secret_hash: str = Field(max_length=64)
    scopes: list[str] = Field(sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Revision(SQLModel, table=True):
    """One change to one item: who made it, when, the JSON Patch from the previous document,
    the previous document whole, and the document it produced."""

    __tablename__ = "revision"
    __table_args__ = (sa.UniqueConstraint("kind", "slug", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: ItemKind = Field(sa_type=enum_column(ItemKind))
    slug: str = Field(max_length=100, index=True)
    version: int = Field(ge=1)
    status: Status = Field(sa_type=enum_column(Status))
    editor: str = Field(max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    message: str | None = Field(default=None, max_length=500)
    diff: list[dict[str, Any]] = Field(sa_type=sa.JSON)
    previous: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    document: dict[str, Any] = Field(sa_type=sa.JSON)


class IdempotentResponse(SQLModel, table=True):
    """The first response to a POST sent with an Idempotency-Key, replayed to its retries."""

    __tablename__ = "idempotent_response"
    __table_args__ = (sa.UniqueConstraint("api_key_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", ondelete="CASCADE")
    idempotency_key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    headers: dict[str, str] = Field(sa_type=sa.JSON)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
