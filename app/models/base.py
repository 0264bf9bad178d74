"""Metadata naming convention and the fields every piece of published content shares."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow
from app.evidence.vocabulary import DEFAULT_LANGUAGE, Status

# The editor name the seed loader writes under.
SEED_EDITOR = "seed"

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ContentFields(SQLModel):
    """Identity, lifecycle and review fields of recommendations, mechanisms, studies, sources."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True, index=True)
    status: Status = Field(default=Status.draft, sa_type=enum_column(Status), index=True)
    version: int = Field(default=1, ge=1)
    last_reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_review_due: date | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    language: str = Field(
        default=DEFAULT_LANGUAGE,
        max_length=16,
        description="BCP 47 tag of the language it is written in.",
    )
    content_hash: str | None = Field(
        default=None, max_length=64, description="Digest of the input it was last written from."
    )
    document: dict[str, Any] | None = Field(
        default=None, sa_type=sa.JSON, description="The input document it was last written from."
    )
    edited_by: str = Field(
        default=SEED_EDITOR, max_length=100, description="Name of the key that wrote it last."
    )


def owner_check(*columns: str) -> sa.CheckConstraint:
    """Exactly one of the owner foreign keys is set: a row belongs to one item."""
    total = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in columns)
    return sa.CheckConstraint(f"{total} = 1", name="one_owner")
