from pydantic import BaseModel, Field, model_validator

from app.attribution.schemas import Attribution, Citation
from app.attribution.service import attribution, citation
from app.core.urls import Link, Urls
from app.evidence.public import (
    CaveatOut,
    EvidenceLevelOut,
    ItemRef,
    Language,
    LifeStageOut,
    QuoteOut,
    ReviewOut,
    SourceRef,
    evidence_level_out,
    item_caveats,
    life_stages_out,
    mechanism_ref,
    quote_out,
    recommendation_ref,
    review_out,
    source_ref,
    top_caveat,
)
from app.evidence.schemas import ContentIn, QuoteIn, Slug, Timestamp
from app.evidence.vocabulary import (
    CaveatKind,
    LifeStage,
    OutcomeKind,
    RecordKind,
    Species,
    StudyDesign,
    record_kind_fits_design,
)
from app.models import Study as StudyRow


class StudyCreate(ContentIn):
    title: str = Field(max_length=300)
    record_kind: RecordKind
    design: StudyDesign
    evidence_design: StudyDesign | None = Field(
        default=None,
        description="For a guideline or a body of research: the best design it rests on, which"
        " sets where the certainty of claims resting on it starts.",
    )
    species: Species
    n_participants: int | None = Field(default=None, ge=0)
    population: str = Field(min_length=3, description="Who was studied, as the sources state.")
    life_stages: list[LifeStage] = Field(default=[], description="Life stages studied.")
    country: str | None = Field(default=None, max_length=100)
    cohort_name: str | None = Field(default=None, max_length=200)
    exposure: str | None = None
    exposure_age_months: int | None = Field(default=None, ge=0)
    outcome: str | None = None
    outcome_age_months: int | None = Field(default=None, ge=0)
    outcome_kind: OutcomeKind | None = None
    findings: str = Field(min_length=10)
    limitations: str | None = None
    publication_title: str | None = Field(default=None, max_length=500)
    journal: str | None = Field(default=None, max_length=300)
    year: int | None = Field(default=None, ge=1800, le=2100)
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$", max_length=200)
    pmid: str | None = Field(default=None, pattern=r"^\d{1,9}$", max_length=20)
    identification_note: str = Field(
        min_length=5,
        description='How the publication was verified, or "not identified".',
    )
    traceable: bool = Field(
        description="The sources identify this study well enough for a reader to find it"
        " (journal, year, size, cohort); a vague reference to research is not traceable."
    )
    sources: list[Slug] = Field(
        default=[],
        description="Source documents that report it; none for evidence an editor identified.",
    )
    quotes: list[QuoteIn] = Field(
        default=[], description="Where the sources describe it; needed when a source reports it."
    )

    @model_validator(mode="after")
    def identifiers_need_a_publication(self) -> "StudyCreate":
        if (self.doi or self.pmid) and not self.journal:
            raise ValueError("a DOI or PMID is only stored with its verified journal record")
        if self.traceable and self.design is StudyDesign.unspecified:
            raise ValueError("research of unspecified design cannot be traceable")
        if not record_kind_fits_design(self.record_kind, self.design):
            raise ValueError(f"a {self.record_kind} cannot have the design {self.design}")
        if self.sources and not self.quotes:
            raise ValueError("a study a source reports is quoted from it")
        if not self.sources and not (self.doi or self.pmid):
            raise ValueError("evidence no source reports needs a verified DOI or PMID")
        return self


class StudyFilters(BaseModel):
    design: StudyDesign | None = None
    life_stage: LifeStage | None = Field(default=None, description="Studied this life stage.")
    mechanism: Slug | None = Field(default=None, description="Supports this mechanism.")
    recommendation: Slug | None = Field(default=None, description="Supports this recommendation.")
    source: Slug | None = Field(default=None, description="Reported by this source document.")
    caveat_kind: CaveatKind | None = None
    updated_since: Timestamp | None = Field(
        default=None, description="Changed at or after this time."
    )


class Publication(BaseModel):
    title: str | None
    journal: str | None
    year: int | None
    doi: str | None
    pmid: str | None


class StudySummary(BaseModel):
    slug: str = Field(examples=["child-gut-microbiome-cohort"])
    url: Link
    title: str
    record_kind: RecordKind = Field(
        description="A single study, a body of research, a systematic review or a guideline."
    )
    design: StudyDesign
    evidence_level: EvidenceLevelOut = Field(
        description="What this kind of evidence can and cannot show."
    )
    species: Species
    n_participants: int | None
    life_stages: list[LifeStageOut] = Field(description="Life stages of the people studied.")
    traceable: bool = Field(description="Identified well enough for a reader to find it.")
    top_caveat: CaveatOut | None
    language: Language
    review: ReviewOut
    citation: Citation


class Study(StudySummary):
    population: str
    country: str | None
    cohort_name: str | None
    exposure: str | None
    exposure_age_months: int | None
    outcome: str | None
    outcome_age_months: int | None
    outcome_kind: OutcomeKind | None
    findings: str = Field(description="What it found, according to the source documents.")
    limitations: str | None
    publication: Publication | None = Field(description="Only where verified; else null.")
    identification_note: str
    caveats: list[CaveatOut]
    quotes: list[QuoteOut]
    sources: list[SourceRef]
    mechanisms: list[ItemRef]
    recommendations: list[ItemRef]
    attribution: Attribution


def summary_of(item: StudyRow, urls: Urls) -> StudySummary:
    url = urls.study(item.slug)
    return StudySummary(
        slug=item.slug,
        url=url,
        title=item.title,
        record_kind=item.record_kind,
        design=item.design,
        evidence_level=evidence_level_out(item),
        species=item.species,
        n_participants=item.n_participants,
        life_stages=life_stages_out(row.life_stage for row in item.life_stage_rows),
        traceable=item.traceable,
        top_caveat=top_caveat(item, item.caveats),
        language=item.language,
        review=review_out(item),
        citation=citation(item.title, item.version, item.updated_at, url),
    )


def detail_of(item: StudyRow, urls: Urls) -> Study:
    has_publication = item.journal is not None or item.doi is not None
    return Study(
        # The summary's parts as built: dumped, they would be validated again.
        **dict(summary_of(item, urls)),
        population=item.population,
        country=item.country,
        cohort_name=item.cohort_name,
        exposure=item.exposure,
        exposure_age_months=item.exposure_age_months,
        outcome=item.outcome,
        outcome_age_months=item.outcome_age_months,
        outcome_kind=item.outcome_kind,
        findings=item.findings,
        limitations=item.limitations,
        publication=Publication(
            title=item.publication_title,
            journal=item.journal,
            year=item.year,
            doi=item.doi,
            pmid=item.pmid,
        )
        if has_publication
        else None,
        identification_note=item.identification_note,
        caveats=item_caveats(item, item.caveats),
        quotes=[quote_out(quote) for quote in item.quotes],
        sources=[source_ref(source, urls) for source in item.sources],
        mechanisms=[mechanism_ref(m, urls) for m in item.mechanisms],
        recommendations=[recommendation_ref(r, urls) for r in item.recommendations],
        attribution=attribution(),
    )
