from typing import TYPE_CHECKING

from sqlalchemy import Text
from sqlmodel import Field, Relationship

from app.core.types import enum_column
from app.evidence.vocabulary import Certainty, Pathway, SupportLevel
from app.models.base import ContentFields
from app.models.links import MechanismStudy, RecommendationMechanism

if TYPE_CHECKING:
    from app.models.evidence import Caveat, Claim, Quote
    from app.models.recommendation import Recommendation
    from app.models.study import Study

RAISE = {"lazy": "raise"}


class Mechanism(ContentFields, table=True):
    __tablename__ = "mechanism"

    title: str = Field(max_length=200)
    pathway: Pathway = Field(sa_type=enum_column(Pathway), index=True)
    description: str = Field(sa_type=Text)
    support_level: SupportLevel = Field(sa_type=enum_column(SupportLevel))
    human_evidence_present: bool
    certainty: Certainty = Field(sa_type=enum_column(Certainty), index=True)

    recommendations: list["Recommendation"] = Relationship(
        back_populates="mechanisms",
        link_model=RecommendationMechanism,
        sa_relationship_kwargs={**RAISE, "order_by": "Recommendation.slug"},
    )
    studies: list["Study"] = Relationship(
        back_populates="mechanisms",
        link_model=MechanismStudy,
        sa_relationship_kwargs={**RAISE, "order_by": "Study.slug"},
    )
    claims: list["Claim"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Claim.position"}, cascade_delete=True
    )
    caveats: list["Caveat"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Caveat.position"}, cascade_delete=True
    )
    quotes: list["Quote"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Quote.id"}, cascade_delete=True
    )
