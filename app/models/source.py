from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Text
from sqlmodel import Field, Relationship

from app.core.types import enum_column
from app.evidence.vocabulary import SourceType
from app.models.base import ContentFields
from app.models.links import StudySource

if TYPE_CHECKING:
    from app.models.evidence import Caveat
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
    caveats: list["Caveat"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Caveat.position"},
        cascade_delete=True,
    )
