from pydantic import BaseModel, Field

from app.attribution.schemas import Attribution, Citation
from app.attribution.service import attribution, citation
from app.core.urls import Link, Urls
from app.evidence.public import (
    CaveatOut,
    CertaintyOut,
    ClaimOut,
    ItemRef,
    Language,
    QuoteOut,
    ReviewOut,
    StudyRef,
    claim_out,
    item_caveats,
    quote_out,
    rating_out,
    recommendation_ref,
    review_out,
    study_ref,
    top_caveat,
)
from app.evidence.schemas import ClaimIn, QuotedContentIn, Slug, Timestamp
from app.evidence.vocabulary import CaveatKind, Certainty, Pathway, SupportLevel
from app.models import Mechanism as MechanismRow


class MechanismCreate(QuotedContentIn):
    title: str = Field(max_length=200)
    pathway: Pathway
    description: str = Field(min_length=20)
    support_level: SupportLevel
    human_evidence_present: bool
    studies: list[Slug] = []
    claims: list[ClaimIn] = Field(min_length=1)


class MechanismFilters(BaseModel):
    pathway: Pathway | None = None
    support_level: SupportLevel | None = None
    min_certainty: Certainty | None = Field(
        default=None, description="Overall certainty at least this level."
    )
    recommendation: Slug | None = Field(default=None, description="Explains this recommendation.")
    study: Slug | None = Field(default=None, description="Supported by this study.")
    caveat_kind: CaveatKind | None = None
    updated_since: Timestamp | None = Field(
        default=None, description="Changed at or after this time."
    )


class MechanismSummary(BaseModel):
    slug: str = Field(examples=["serotonin"])
    url: Link
    title: str
    pathway: Pathway
    support_level: SupportLevel
    human_evidence_present: bool
    certainty: CertaintyOut = Field(description="The lowest certainty of its critical claims.")
    top_caveat: CaveatOut | None
    language: Language
    review: ReviewOut
    citation: Citation


class Mechanism(MechanismSummary):
    description: str
    claims: list[ClaimOut]
    caveats: list[CaveatOut]
    quotes: list[QuoteOut]
    recommendations: list[ItemRef]
    studies: list[StudyRef]
    attribution: Attribution


def summary_of(item: MechanismRow, urls: Urls) -> MechanismSummary:
    url = urls.mechanism(item.slug)
    return MechanismSummary(
        slug=item.slug,
        url=url,
        title=item.title,
        pathway=item.pathway,
        support_level=item.support_level,
        human_evidence_present=item.human_evidence_present,
        certainty=rating_out(item.claims, item.certainty),
        top_caveat=top_caveat(
            item,
            [*item.caveats, *(c for claim in item.claims if claim.critical for c in claim.caveats)],
        ),
        language=item.language,
        review=review_out(item),
        citation=citation(item.title, item.version, item.updated_at, url),
    )


def detail_of(item: MechanismRow, urls: Urls) -> Mechanism:
    return Mechanism(
        # The summary's parts as built: dumped, they would be validated again.
        **dict(summary_of(item, urls)),
        description=item.description,
        claims=[claim_out(claim, urls) for claim in item.claims],
        caveats=item_caveats(item, item.caveats),
        quotes=[quote_out(quote) for quote in item.quotes],
        recommendations=[recommendation_ref(r, urls) for r in item.recommendations],
        studies=[study_ref(study, urls) for study in item.studies],
        attribution=attribution(),
    )
