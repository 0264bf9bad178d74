from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from app.attribution.schemas import Attribution, Citation
from app.attribution.service import attribution, citation, disclaimer
from app.core.urls import Link, Urls
from app.evidence.public import (
    CaveatOut,
    CertaintyOut,
    ClaimOut,
    ItemRef,
    Language,
    LifeStageOut,
    QuoteOut,
    ReviewOut,
    SourceRef,
    StudyRef,
    claim_out,
    item_caveats,
    life_stages_out,
    mechanism_ref,
    quote_out,
    rating_out,
    review_out,
    source_ref,
    study_ref,
    top_caveat,
)
from app.evidence.renditions import CARD_SUMMARY, PUSH_TIP
from app.evidence.schemas import ClaimIn, InputModel, QuotedContentIn, QuoteIn, Slug, Timestamp
from app.evidence.vocabulary import (
    Audience,
    CaveatKind,
    Certainty,
    ClaimRole,
    Direction,
    LifeStage,
    Strength,
    Topic,
)
from app.models import Claim, RecommendationTarget
from app.models import Recommendation as RecommendationRow


class TargetIn(InputModel):
    """A figure the advice gives, with the verified evidence it comes from."""

    label: str = Field(max_length=200, examples=["Sleep per night"])
    min_value: float | None = Field(default=None, ge=0)
    max_value: float | None = Field(default=None, ge=0)
    unit: str = Field(max_length=40, examples=["hours"])
    period: str | None = Field(default=None, max_length=40, examples=["night"])
    times_per_period: int | None = Field(default=None, ge=1)
    duration_months: int | None = Field(default=None, ge=0)
    study: Slug = Field(description="The verified guideline or study the figure comes from.")
    quote: QuoteIn | None = Field(
        default=None, description="Where a source document states the figure, if one does."
    )


MAX_CONDITIONS = 8
# One plain condition, completing "See a doctor or other health professional if ...".
Condition = Annotated[
    str,
    StringConstraints(min_length=10, max_length=200, pattern=r"^\S(.*\S)?$"),
    Field(examples=["your baby is not feeding well or has fewer wet nappies than usual"]),
]
SEE_A_PROFESSIONAL_IF = (
    "When to see a doctor or other health professional: each entry completes the sentence"
    ' "See a professional if ...". Required where the advice touches symptoms (its topic is'
    " infant feeding, supplements or mental health support); no country-specific services."
)


class RecommendationCreate(QuotedContentIn):
    title: str = Field(max_length=200)
    statement: str = Field(min_length=10)
    tip: str = Field(max_length=160)
    push_tip: str = Field(
        min_length=1,
        description="The advice as a push notification, worded at its headline certainty.",
        # Documented here, refused as a content rule (`content-rule`, with the field's pointer).
        json_schema_extra={"maxLength": PUSH_TIP.max_chars},
    )
    card_summary: str = Field(
        min_length=1,
        description="The advice as a card summary, worded at its headline certainty.",
        json_schema_extra={"maxLength": CARD_SUMMARY.max_chars},
    )
    topic: Topic
    strength: Strength
    direction: Direction
    audiences: list[Audience] = Field(min_length=1)
    life_stages: list[LifeStage] = Field(min_length=1)
    targets: list[TargetIn] = []
    mechanisms: list[Slug] = []
    studies: list[Slug] = []
    research_gaps: str | None = None
    see_a_professional_if: list[Condition] = Field(
        default=[], max_length=MAX_CONDITIONS, description=SEE_A_PROFESSIONAL_IF
    )
    claims: list[ClaimIn] = Field(min_length=1)

    @model_validator(mode="after")
    def none_goes_with_neither(self) -> "RecommendationCreate":
        if (self.strength is Strength.none) != (self.direction is Direction.neither):
            raise ValueError("strength `none` goes with direction `neither`, and only with it")
        return self

    @model_validator(mode="after")
    def both_questions_rated(self) -> "RecommendationCreate":
        for role in (ClaimRole.advice, ClaimRole.gut_rationale):
            if not any(claim.critical and claim.role is role for claim in self.claims):
                raise ValueError(f"a recommendation needs a critical claim with the role {role}")
        return self


class TargetOut(BaseModel):
    label: str
    min_value: float | None
    max_value: float | None
    unit: str
    period: str | None
    times_per_period: int | None
    duration_months: int | None
    study: StudyRef = Field(description="The verified evidence the figure comes from.")
    quote: QuoteOut | None = Field(description="Where a source document states it.")


def target_out(target: RecommendationTarget, urls: Urls) -> TargetOut:
    return TargetOut(
        label=target.label,
        min_value=target.min_value,
        max_value=target.max_value,
        unit=target.unit,
        period=target.period,
        times_per_period=target.times_per_period,
        duration_months=target.duration_months,
        study=study_ref(target.study, urls),
        quote=quote_out(target.quotes[0]) if target.quotes else None,
    )


class RenditionsOut(BaseModel):
    """The advice at the lengths a channel has room for; the full text is the `statement`."""

    push_tip: str = Field(
        description=f"At most {PUSH_TIP.max_chars} characters, for a push notification.",
        max_length=PUSH_TIP.max_chars,
    )
    card_summary: str = Field(
        description=f"At most {CARD_SUMMARY.max_chars} characters, for a card.",
        max_length=CARD_SUMMARY.max_chars,
    )


class RecommendationSummary(BaseModel):
    slug: str = Field(examples=["breastfeed"])
    url: Link
    title: str
    tip: str = Field(description="At most 160 characters, for mobile cards.")
    renditions: RenditionsOut = Field(
        description="The advice as a push notification and as a card summary, each worded at"
        " its headline certainty."
    )
    topic: Topic
    strength: Strength
    direction: Direction
    certainty: CertaintyOut = Field(
        description="Headline certainty: how sure we are that the advice itself helps (the"
        " lowest certainty of its critical advice claims)."
    )
    gut_rationale_certainty: CertaintyOut = Field(
        description="How sure we are of the gut-brain reason the documents give for the advice,"
        " rated on its own claims."
    )
    life_stages: list[LifeStageOut]
    top_caveat: CaveatOut | None = Field(description="The caveat a card must always show.")
    mechanisms: list[ItemRef]
    language: Language
    review: ReviewOut
    citation: Citation
    disclaimer: str = Field(
        description="General information, not medical advice: shown with the recommendation"
        " wherever it is shown."
    )


class Recommendation(RecommendationSummary):
    statement: str = Field(description="The advice in full: its full-text rendition.")
    audiences: list[Audience]
    min_age_months: int | None
    max_age_months: int | None
    targets: list[TargetOut]
    research_gaps: str | None
    see_a_professional_if: list[str] = Field(description=SEE_A_PROFESSIONAL_IF)
    claims: list[ClaimOut]
    caveats: list[CaveatOut]
    quotes: list[QuoteOut]
    studies: list[StudyRef]
    sources: list[SourceRef] = Field(description="Documents quoted anywhere in this item.")
    attribution: Attribution


class RecommendationFilters(BaseModel):
    life_stage: LifeStage | None = Field(default=None, description="Applies to this life stage.")
    topic: Topic | None = None
    min_certainty: Certainty | None = Field(
        default=None, description="Overall certainty at least this level."
    )
    strength: Strength | None = None
    mechanism: Slug | None = Field(default=None, description="Explained by this mechanism.")
    study: Slug | None = Field(default=None, description="Supported by this study.")
    caveat_kind: CaveatKind | None = Field(
        default=None, description="Carries this caveat (on the item or one of its claims)."
    )
    updated_since: Timestamp | None = Field(
        default=None, description="Changed at or after this time."
    )


def _with_role(item: RecommendationRow, role: ClaimRole) -> list[Claim]:
    return [claim for claim in item.claims if claim.critical and claim.role is role]


def summary_of(item: RecommendationRow, urls: Urls) -> RecommendationSummary:
    url = urls.recommendation(item.slug)
    return RecommendationSummary(
        slug=item.slug,
        url=url,
        title=item.title,
        tip=item.tip,
        renditions=RenditionsOut(push_tip=item.push_tip, card_summary=item.card_summary),
        topic=item.topic,
        strength=item.strength,
        direction=item.direction,
        certainty=rating_out(_with_role(item, ClaimRole.advice), item.certainty),
        gut_rationale_certainty=rating_out(
            _with_role(item, ClaimRole.gut_rationale), item.rationale_certainty
        ),
        life_stages=life_stages_out(row.life_stage for row in item.life_stage_rows),
        top_caveat=top_caveat(
            item,
            [
                *item.caveats,
                *(c for claim in _with_role(item, ClaimRole.advice) for c in claim.caveats),
            ],
        ),
        mechanisms=[mechanism_ref(mechanism, urls) for mechanism in item.mechanisms],
        language=item.language,
        review=review_out(item),
        citation=citation(item.title, item.version, item.updated_at, url),
        disclaimer=disclaimer(),
    )


def detail_of(item: RecommendationRow, urls: Urls) -> Recommendation:
    quotes = [*item.quotes, *(q for claim in item.claims for q in claim.quotes)]
    sources = {quote.source.slug: quote.source for quote in quotes}
    return Recommendation(
        # The summary's parts as built: dumped, they would be validated again.
        **dict(summary_of(item, urls)),
        statement=item.statement,
        audiences=item.audiences,
        min_age_months=item.min_age_months,
        max_age_months=item.max_age_months,
        targets=[target_out(target, urls) for target in item.targets],
        research_gaps=item.research_gaps,
        see_a_professional_if=item.see_a_professional_if,
        claims=[claim_out(claim, urls) for claim in item.claims],
        caveats=item_caveats(item, item.caveats),
        quotes=[quote_out(quote) for quote in item.quotes],
        studies=[study_ref(study, urls) for study in item.studies],
        sources=[
            source_ref(source, urls) for source in sorted(sources.values(), key=lambda s: s.slug)
        ],
        attribution=attribution(),
    )
