from datetime import date

from pydantic import BaseModel, Field

from app.attribution.schemas import Attribution, Citation, ThirdPartyText
from app.attribution.service import attribution, citation
from app.core.urls import Link, Urls
from app.evidence.public import (
    CaveatOut,
    Language,
    QuoteOut,
    ReviewOut,
    StudyRef,
    item_caveats,
    quote_out,
    review_out,
    study_ref,
    third_party_text,
    top_caveat,
)
from app.evidence.schemas import ContentIn, InputModel, QuoteIn, Timestamp
from app.evidence.vocabulary import Involvement, SourceType
from app.models import SourceDocument as SourceRow


class PersonIn(InputModel):
    name: str = Field(max_length=200, examples=["Bridget Callaghan"])
    credentials: str | None = Field(default=None, max_length=100, examples=["PhD"])
    role_as_stated: str | None = Field(
        default=None, max_length=300, examples=["associate professor of psychology"]
    )
    affiliation_as_stated: str | None = Field(default=None, max_length=300, examples=["UCLA"])
    involvement: Involvement
    quotes: list[QuoteIn] = Field(
        min_length=1, description="Where the document names them and says who they are."
    )


class SourceCreate(ContentIn):
    filename: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+\.txt$",
        max_length=200,
        description="The text file under seed/sources/.",
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
    people: list[PersonIn] = Field(default=[], description="People the document quotes.")


class SourceFilters(BaseModel):
    source_type: SourceType | None = None
    updated_since: Timestamp | None = Field(
        default=None, description="Changed at or after this time."
    )


class SourceSummary(BaseModel):
    slug: str = Field(examples=["news-baby-gut-mental-health"])
    url: Link
    title: str = Field(description="As the document states it.")
    source_type: SourceType
    author: str | None = Field(description="As the document states it; null if it does not.")
    publisher: str | None
    published_on: date | None
    commercial_interest: bool
    top_caveat: CaveatOut | None
    language: Language
    review: ReviewOut
    citation: Citation


class PersonOut(BaseModel):
    name: str
    credentials: str | None
    role_as_stated: str | None
    affiliation_as_stated: str | None
    involvement: Involvement
    quotes: list[QuoteOut]


class Source(SourceSummary):
    updated_on: date | None
    original_url: Link | None
    sha256: str = Field(description="SHA-256 of the document's UTF-8 bytes.")
    reliability_note: str
    text: str = Field(description="The document, byte for byte; quote offsets index into it.")
    third_party: ThirdPartyText = Field(
        description="Whose text `text` is: the document's publisher's, never under this"
        " service's licence."
    )
    people: list[PersonOut] = Field(description="People the document quotes, as it states them.")
    caveats: list[CaveatOut]
    studies: list[StudyRef]
    attribution: Attribution


def summary_of(item: SourceRow, urls: Urls) -> SourceSummary:
    url = urls.source(item.slug)
    return SourceSummary(
        slug=item.slug,
        url=url,
        title=item.title,
        source_type=item.source_type,
        author=item.author,
        publisher=item.publisher,
        published_on=item.published_on,
        commercial_interest=item.commercial_interest,
        top_caveat=top_caveat(item, item.caveats),
        language=item.language,
        review=review_out(item),
        citation=citation(item.title, item.version, item.updated_at, url),
    )


def detail_of(item: SourceRow, urls: Urls) -> Source:
    return Source(
        # The summary's parts as built: dumped, they would be validated again.
        **dict(summary_of(item, urls)),
        updated_on=item.updated_on,
        original_url=item.url,
        sha256=item.sha256,
        reliability_note=item.reliability_note,
        text=item.text,
        third_party=third_party_text(item),
        people=[
            PersonOut(
                name=person.name,
                credentials=person.credentials,
                role_as_stated=person.role_as_stated,
                affiliation_as_stated=person.affiliation_as_stated,
                involvement=person.involvement,
                quotes=[quote_out(quote) for quote in person.quotes],
            )
            for person in item.people
        ],
        caveats=item_caveats(item, item.caveats),
        studies=[study_ref(study, urls) for study in item.studies],
        attribution=attribution(),
    )
