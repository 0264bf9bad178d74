"""What the editor API takes and returns."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from app.core.pagination import Page
from app.core.urls import Link
from app.evidence.vocabulary import ItemKind, Status
from app.sources.schemas import SourceCreate


class SourceWrite(SourceCreate):
    """A source document as an editor writes it: its metadata and its full text, against which
    every quote's offsets are checked."""

    text: str = Field(min_length=1, description="The document's full text, as published.")


class EditorLinks(BaseModel):
    self: Link = Field(description="This item in the editor API.")
    revisions: Link = Field(description="Its revision history.")
    public: Link | None = Field(description="Where the public reads it; null while not public.")


class EditorItem(BaseModel):
    """An item as editors see it, in any status, with the document it was written from. Send
    `version`'s ETag (also in the `ETag` header) as If-Match to change it."""

    kind: ItemKind
    slug: str = Field(examples=["breastfeed"])
    status: Status
    version: int = Field(ge=1, examples=[3])
    edited_by: str = Field(description="Name of the API key that last changed its document.")
    updated_at: datetime
    next_review_due: date | None
    allowed_transitions: list[Status] = Field(description="Statuses it may move to from here.")
    document: dict[str, Any] = Field(
        description="The input it was written from: PUT it back changed, or merge-patch it."
    )
    links: EditorLinks


class TransitionIn(BaseModel):
    status: Status = Field(description="The status to move to.", examples=["in_review"])


class RevisionOut(BaseModel):
    version: int = Field(ge=1, description="The item's version this change produced.")
    status: Status
    editor: str = Field(description="Name of the API key that made it; `seed` for the loader.")
    at: datetime
    message: str | None = Field(description="Why, where the write path says: a restore, say.")
    diff: list[dict[str, Any]] = Field(
        description="JSON Patch (RFC 6902) from the previous document to this one."
    )
    previous: dict[str, Any] | None = Field(description="The whole previous document.")


class RevisionPage(Page[RevisionOut]):
    """Newest first."""


class DueItem(BaseModel):
    kind: ItemKind
    slug: str
    title: str
    status: Status
    next_review_due: date
    overdue_days: int = Field(description="Days past the due date; negative while still to come.")
    edit: Link = Field(description="The item in the editor API.")


class DueList(BaseModel):
    within_days: int
    items: list[DueItem] = Field(description="Oldest due date first.")
