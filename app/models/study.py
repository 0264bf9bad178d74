from typing import TYPE_CHECKING

from sqlalchemy import Text
from sqlmodel import Field, Relationship

from app.core.types import enum_column
from app.evidence.vocabulary import OutcomeKind, RecordKind, Species, StudyDesign
from app.models.base import ContentFields
from app.models.links import (
    ClaimStudy,
    MechanismStudy,
    RecommendationStudy,
    StudyLifeStage,
    StudySource,
)

if TYPE_CHECKING:
    from app.models.evidence import Caveat, Claim, Quote
    from app.models.mechanism import Mechanism
    from app.models.recommendation import Recommendation
    from app.models.source import SourceDocument

RAISE = {"lazy": "raise"}


class Study(ContentFields, table=True):
    __tablename__ = "study"

    title: str = Field(max_length=300)
    record_kind: RecordKind = Field(sa_type=enum_column(RecordKind), index=True)
    design: StudyDesign = Field(sa_type=enum_column(StudyDesign), index=True)
    evidence_design: StudyDesign | None = Field(
        default=None,
        sa_type=enum_column(StudyDesign),
        description="For a guideline or a body of research: the best design it rests on.",
    )
    species: Species = Field(sa_type=enum_column(Species))
    n_participants: int | None = Field(default=None, ge=0)
    population: str = Field(sa_type=Text)
    country: str | None = Field(default=None, max_length=100)
    cohort_name: str | None = Field(default=None, max_length=200)
    exposure: str | None = Field(default=None, sa_type=Text)
    exposure_age_months: int | None = Field(default=None, ge=0)
    outcome: str | None = Field(default=None, sa_type=Text)
    outcome_age_months: int | None = Field(default=None, ge=0)
    outcome_kind: OutcomeKind | None = Field(default=None, sa_type=enum_column(OutcomeKind))
    findings: str = Field(sa_type=Text)
    limitations: str | None = Field(default=None, sa_type=Text)
    publication_title: str | None = Field(default=None, max_length=500)
    journal: str | None = Field(default=None, max_length=300)
    year: int | None = None
    doi: str | None = Field(default=None, max_length=200)
    pmid: str | None = Field(default=None, max_length=20)
    identification_note: str = Field(sa_type=Text)
    traceable: bool

    life_stage_rows: list[StudyLifeStage] = Relationship(
        sa_relationship_kwargs=RAISE, cascade_delete=True
    )
    sources: list["SourceDocument"] = Relationship(
        back_populates="studies",
        link_model=StudySource,
        sa_relationship_kwargs={**RAISE, "order_by": "SourceDocument.slug"},
    )
    mechanisms: list["Mechanism"] = Relationship(
        back_populates="studies",
        link_model=MechanismStudy,
        sa_relationship_kwargs={**RAISE, "order_by": "Mechanism.slug"},
    )
    recommendations: list["Recommendation"] = Relationship(
        back_populates="studies",
        link_model=RecommendationStudy,
        sa_relationship_kwargs={**RAISE, "order_by": "Recommendation.slug"},
    )
    claims: list["Claim"] = Relationship(
        back_populates="studies",
        link_model=ClaimStudy,
        sa_relationship_kwargs={**RAISE, "order_by": "Claim.slug"},
    )
    caveats: list["Caveat"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Caveat.position"}, cascade_delete=True
    )
    quotes: list["Quote"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Quote.id"}, cascade_delete=True
    )
