"""What changed in the published content, and when: the content version and the change log."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow
from app.evidence.vocabulary import ChangeKind, ItemKind

STATE_ROW = 1


class ContentState(SQLModel, table=True):
    """One row: bumped in the same transaction as every write, so caches can validate cheaply."""

    __tablename__ = "content_state"

    id: int = Field(default=STATE_ROW, primary_key=True)
    version: int = Field(default=0, ge=0)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContentChange(SQLModel, table=True):
    """One public change to one item, in commit order."""

    __tablename__ = "content_change"

    id: int | None = Field(default=None, primary_key=True)
    kind: ItemKind = Field(sa_type=enum_column(ItemKind))
    slug: str = Field(max_length=100, index=True)
    version: int = Field(ge=1)
    change: ChangeKind = Field(sa_type=enum_column(ChangeKind))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
