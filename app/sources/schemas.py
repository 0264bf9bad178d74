from datetime import date

from pydantic import BaseModel, Field

from app.core.urls import Urls
from app.evidence.public import (
    CaveatOut,
    ReviewOut,
    StudyRef,
    caveats_out,
    review_out,
    study_ref,
    top_caveat,
)
from app.evidence.schemas import ContentIn, Timestamp
from app.evidence.vocabulary import SourceType
from app.models import SourceDocument as SourceRow


class SourceCreate(ContentIn):
    filename: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+\.txt$", description="The text file under seed/sources/."
    )
    title: str = Field(max_length=300)
    source_type: SourceType
    author: str | None = Field(default=None, max_length=300)
    publisher: str | None = Field(default=None, max_length=300)
    published_on: date | None = None
    updated_on: date | None = None
    url: str | None = Field(default=None, max_length=2000)
    reliability_note: str = Field(min_length=20)
    commercial_interest: bool = False


class SourceFilters(BaseModel):
    source_type: SourceType | None = None
    updated_since: Timestamp | None = Field(
        default=None, description="Changed at or after this time."
    )


class SourceSummary(BaseModel):
    slug: str = Field(examples=["webmd-baby-gut-mental-health"])
    url: str
    title: str = Field(description="As the document states it.")
    source_type: SourceType
    author: str | None = Field(description="As the document states it; null if it does not.")
    publisher: str | None
    published_on: date | None
    commercial_interest: bool
    top_caveat: CaveatOut | None
    review: ReviewOut


class Source(SourceSummary):
    updated_on: date | None
    original_url: str | None
    sha256: str = Field(description="SHA-256 of the document's UTF-8 bytes.")
    reliability_note: str
    text: str = Field(description="The document, byte for byte; quote offsets index into it.")
    caveats: list[CaveatOut]
    studies: list[StudyRef]


def summary_of(item: SourceRow, urls: Urls) -> SourceSummary:
    return SourceSummary(
        slug=item.slug,
        url=urls.source(item.slug),
        title=item.title,
        source_type=item.source_type,
        author=item.author,
        publisher=item.publisher,
        published_on=item.published_on,
        commercial_interest=item.commercial_interest,
        top_caveat=top_caveat(item.caveats),
        review=review_out(item),
    )


def detail_of(item: SourceRow, urls: Urls) -> Source:
    return Source(
        **summary_of(item, urls).model_dump(),
        updated_on=item.updated_on,
        original_url=item.url,
        sha256=item.sha256,
        reliability_note=item.reliability_note,
        text=item.text,
        caveats=caveats_out(item.caveats),
        studies=[study_ref(study, urls) for study in item.studies],
    )
