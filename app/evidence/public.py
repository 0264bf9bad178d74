"""Output shapes for evidence, shared by every content kind, and their builders."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.attribution.schemas import ThirdPartyText
from app.core.types import utcnow
from app.core.urls import Urls
from app.evidence import rules
from app.evidence.vocabulary import (
    CAVEAT_KIND_TERMS,
    CERTAINTY_TERMS,
    EVIDENCE_LEVELS,
    LIFE_STAGE_AGES,
    LIFE_STAGE_TERMS,
    CaveatKind,
    CaveatOrigin,
    Certainty,
    CertaintyDomain,
    ClaimKind,
    ClaimRole,
    Judgement,
    LifeStage,
    OutcomeKind,
    RecordKind,
    Relation,
    Severity,
    SourceType,
    Status,
    StudyDesign,
)
from app.models import (
    Caveat,
    Claim,
    ContentFields,
    Mechanism,
    Quote,
    Recommendation,
    SourceDocument,
    Study,
)

Language = Annotated[
    str, Field(examples=["en"], description="BCP 47 tag of the language the item is written in.")
]


class CertaintyOut(BaseModel):
    code: Certainty = Field(examples=["moderate"])
    label: str = Field(examples=["Moderate certainty"])
    wording: str = Field(
        description="The claim in a plain sentence, hedged as its certainty asks.",
        examples=["Regular physical activity probably improves mood and eases depression."],
    )


def certainty_out(level: Certainty, wording: str) -> CertaintyOut:
    return CertaintyOut(code=level, label=CERTAINTY_TERMS[level].label, wording=wording)


def rating_out(claims: Iterable[Claim], level: Certainty) -> CertaintyOut:
    """An item's rating, worded by the claim that sets it: its lowest-rated critical claim."""
    setting = next(claim for claim in claims if claim.critical and claim.certainty == level)
    return certainty_out(level, setting.wording)


class EvidenceLevelOut(BaseModel):
    code: StudyDesign = Field(description="The record's design.")
    label: str = Field(examples=["Observational cohort"])
    can_show: str = Field(examples=["Shows links over time."])
    cannot_show: str = Field(
        examples=["Cannot show cause: other differences may explain the link."]
    )
    rests_on: str | None = Field(
        description="For a guideline or a body of research: the kind of evidence it rests on.",
        examples=["Review of randomised trials"],
    )
    summary: str = Field(
        description="All of it in one line, for a tag.",
        examples=[
            "Observational cohort. Shows links over time. Cannot show cause: other differences"
            " may explain the link."
        ],
    )


def evidence_level_out(study: Study) -> EvidenceLevelOut:
    level = EVIDENCE_LEVELS[study.design]
    basis = EVIDENCE_LEVELS[study.evidence_design].label if study.evidence_design else None
    rests_on = f" It rests on: {basis.lower()}." if basis else ""
    return EvidenceLevelOut(
        code=study.design,
        label=level.label,
        can_show=level.can_show,
        cannot_show=level.cannot_show,
        rests_on=basis,
        summary=f"{level.label}. {level.can_show} {level.cannot_show}{rests_on}",
    )


class QuoteOut(BaseModel):
    source: str = Field(description="Slug of the source document.", examples=["webmd-news"])
    exact: str = Field(description="Verbatim text: the document's text[start:end].")
    start: int = Field(
        description="Offset, in Unicode code points, of the passage in the document's text."
    )
    end: int = Field(description="Offset, in Unicode code points, just past the passage.")
    relation: Relation
    third_party: ThirdPartyText = Field(
        description="Whose text this is: the quote is third-party text, credited to its"
        " document and publisher and never under this service's licence."
    )


def third_party_text(source: SourceDocument) -> ThirdPartyText:
    return ThirdPartyText(
        document=source.title, author=source.author, publisher=source.publisher, url=source.url
    )


def quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        source=quote.source.slug,
        exact=quote.exact,
        start=quote.start,
        end=quote.end,
        relation=quote.relation,
        third_party=third_party_text(quote.source),
    )


class CaveatOut(BaseModel):
    kind: CaveatKind
    label: str
    severity: Severity
    origin: CaveatOrigin
    text: str = Field(description="Consumer wording of the caveat.")
    reference: str | None = Field(description="For editorial caveats: what supports them.")
    quotes: list[QuoteOut]


def caveat_out(caveat: Caveat) -> CaveatOut:
    return CaveatOut(
        kind=caveat.kind,
        label=CAVEAT_KIND_TERMS[caveat.kind].label,
        severity=caveat.severity,
        origin=caveat.origin,
        text=caveat.text,
        reference=caveat.reference,
        quotes=[quote_out(quote) for quote in caveat.quotes],
    )


def active(caveats: Iterable[Caveat]) -> list[Caveat]:
    return [caveat for caveat in caveats if caveat.dismissed_reason is None]


def caveats_out(caveats: Iterable[Caveat]) -> list[CaveatOut]:
    return [caveat_out(caveat) for caveat in active(caveats)]


def freshness_caveats(item: ContentFields) -> list[CaveatOut]:
    """Derived when read, since it depends on the day: a review that is overdue."""
    if item.next_review_due is None or item.next_review_due >= utcnow().date():
        return []
    kind = CaveatKind.evidence_may_be_outdated
    return [
        CaveatOut(
            kind=kind,
            label=CAVEAT_KIND_TERMS[kind].label,
            severity=rules.default_severity(kind),
            origin=CaveatOrigin.rule,
            text=rules.default_text(kind),
            reference=None,
            quotes=[],
        )
    ]


def item_caveats(item: ContentFields, caveats: Iterable[Caveat]) -> list[CaveatOut]:
    """An item's active caveats, with those derived when read."""
    return [*caveats_out(caveats), *freshness_caveats(item)]


def top_caveat(item: ContentFields, caveats: Iterable[Caveat]) -> CaveatOut | None:
    """The caveat a card must show: the most severe, and on equal severity the kind that most
    changes how a reader should take the item; editorial order breaks what remains."""
    # Ranked on the rows, so that only the one shown is built; min keeps the first of equals,
    # and the stored caveats come before those derived when read.
    stored = min(active(caveats), key=_rank, default=None)
    derived = freshness_caveats(item)
    if derived and (stored is None or _rank(derived[0]) < _rank(stored)):
        return derived[0]
    return caveat_out(stored) if stored is not None else None


def _rank(caveat: Caveat | CaveatOut) -> tuple[int, int]:
    return rules.top_caveat_key(caveat.kind, caveat.severity)


class JudgementOut(BaseModel):
    domain: CertaintyDomain
    judgement: Judgement
    note: str


class ItemRef(BaseModel):
    slug: str = Field(examples=["breastfeed"])
    title: str
    url: str = Field(description="Absolute URL of the item.")


class StudyRef(ItemRef):
    design: StudyDesign
    record_kind: RecordKind
    evidence_level: EvidenceLevelOut
    traceable: bool = Field(description="Identified well enough for a reader to find it.")


class SourceRef(ItemRef):
    source_type: SourceType


def recommendation_ref(item: Recommendation, urls: Urls) -> ItemRef:
    return ItemRef(slug=item.slug, title=item.title, url=urls.recommendation(item.slug))


def mechanism_ref(item: Mechanism, urls: Urls) -> ItemRef:
    return ItemRef(slug=item.slug, title=item.title, url=urls.mechanism(item.slug))


def study_ref(item: Study, urls: Urls) -> StudyRef:
    return StudyRef(
        slug=item.slug,
        title=item.title,
        design=item.design,
        record_kind=item.record_kind,
        evidence_level=evidence_level_out(item),
        traceable=item.traceable,
        url=urls.study(item.slug),
    )


def source_ref(item: SourceDocument, urls: Urls) -> SourceRef:
    return SourceRef(
        slug=item.slug, title=item.title, source_type=item.source_type, url=urls.source(item.slug)
    )


class ClaimOut(BaseModel):
    slug: str
    text: str = Field(description="What the claim asserts, as an editor states it.")
    role: ClaimRole
    kind: ClaimKind
    outcome_kind: OutcomeKind
    critical: bool = Field(description="Counts towards the item's overall certainty.")
    certainty: CertaintyOut
    starting_level: int = Field(description="1-4, from the best study design behind the claim.")
    judgements: list[JudgementOut]
    override_reason: str | None
    effect_summary: str | None
    studies: list[StudyRef]
    quotes: list[QuoteOut]
    caveats: list[CaveatOut]


class LifeStageOut(BaseModel):
    code: LifeStage
    label: str
    min_age_months: int | None
    max_age_months: int | None


def life_stages_out(stages: Iterable[LifeStage]) -> list[LifeStageOut]:
    order = list(LifeStage)
    return [
        LifeStageOut(
            code=stage,
            label=LIFE_STAGE_TERMS[stage].label,
            min_age_months=LIFE_STAGE_AGES[stage].min_months,
            max_age_months=LIFE_STAGE_AGES[stage].max_months,
        )
        for stage in sorted(stages, key=order.index)
    ]


class ReviewOut(BaseModel):
    status: Status
    version: int
    last_reviewed_at: datetime | None
    next_review_due: date | None
    updated_at: datetime


def review_out(item: ContentFields) -> ReviewOut:
    return ReviewOut(
        status=item.status,
        version=item.version,
        last_reviewed_at=item.last_reviewed_at,
        next_review_due=item.next_review_due,
        updated_at=item.updated_at,
    )


def claim_out(claim: Claim, urls: Urls) -> ClaimOut:
    return ClaimOut(
        slug=claim.slug,
        text=claim.text,
        role=claim.role,
        kind=claim.kind,
        outcome_kind=claim.outcome_kind,
        critical=claim.critical,
        certainty=certainty_out(claim.certainty, claim.wording),
        starting_level=claim.starting_level,
        judgements=[
            JudgementOut(domain=j.domain, judgement=j.judgement, note=j.note)
            for j in claim.judgements
        ],
        override_reason=claim.override_reason,
        effect_summary=claim.effect_summary,
        studies=[study_ref(study, urls) for study in claim.studies],
        quotes=[quote_out(quote) for quote in claim.quotes],
        caveats=caveats_out(claim.caveats),
    )
