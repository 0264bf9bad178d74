from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Text
from sqlmodel import Field, Relationship, SQLModel

from app.core.types import enum_column
from app.evidence.vocabulary import Involvement, SourceType
from app.models.base import ContentFields
from app.models.links import StudySource

if TYPE_CHECKING:
    from app.models.evidence import Caveat, Quote
    from app.models.study import Study

RAISE = {"lazy": "raise"}


class SourceDocument(ContentFields, table=True):
    __tablename__ = "source_document"

    title: str = Field(max_length=300)
    source_type: SourceType = Field(sa_type=enum_column(SourceType), index=True)
    author: str | None = Field(default=None, max_length=300)
    publisher: str | None = Field(default=None, max_length=300)
    published_on: date | None = None
    updated_on: date | None = None
    url: str | None = Field(default=None, max_length=2000)
    filename: str = Field(max_length=200)
    sha256: str = Field(max_length=64, min_length=64)
    text: str = Field(sa_type=Text)
    reliability_note: str = Field(sa_type=Text)
    commercial_interest: bool = False

    studies: list["Study"] = Relationship(
        back_populates="sources",
        link_model=StudySource,
        sa_relationship_kwargs={**RAISE, "order_by": "Study.slug"},
    )
    people: list["PersonQuoted"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "PersonQuoted.position"},
        cascade_delete=True,
    )
    caveats: list["Caveat"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Caveat.position"},
        cascade_delete=True,
    )


class PersonQuoted(SQLModel, table=True):
    """Someone a source document quotes, with name and affiliation exactly as it states them."""

    __tablename__ = "person_quoted"
    __table_args__ = (sa.UniqueConstraint("source_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source_document.id", ondelete="CASCADE", index=True)
    position: int = 0
    name: str = Field(max_length=200)
    credentials: str | None = Field(default=None, max_length=100)
    role_as_stated: str | None = Field(default=None, max_length=300)
    affiliation_as_stated: str | None = Field(default=None, max_length=300)
    involvement: Involvement = Field(sa_type=enum_column(Involvement))

    quotes: list["Quote"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Quote.id"}, cascade_delete=True
    )
