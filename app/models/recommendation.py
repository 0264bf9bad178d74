from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Text
from sqlmodel import Field, Relationship, SQLModel

from app.core.types import enum_column
from app.evidence.vocabulary import Audience, Certainty, Direction, Strength, Topic
from app.models.base import ContentFields
from app.models.links import RecommendationLifeStage, RecommendationMechanism, RecommendationStudy

if TYPE_CHECKING:
    from app.models.evidence import Caveat, Claim, Quote
    from app.models.mechanism import Mechanism
    from app.models.study import Study

RAISE = {"lazy": "raise"}


class Recommendation(ContentFields, table=True):
    __tablename__ = "recommendation"

    title: str = Field(max_length=200)
    statement: str = Field(sa_type=Text)
    tip: str = Field(max_length=160)
    # Renditions: their limits are content rules (app/evidence/renditions.py), checked after the
    # write like every other rule, so the columns themselves take any length.
    push_tip: str = Field(sa_type=Text)
    card_summary: str = Field(sa_type=Text)
    topic: Topic = Field(sa_type=enum_column(Topic), index=True)
    strength: Strength = Field(sa_type=enum_column(Strength), index=True)
    direction: Direction = Field(sa_type=enum_column(Direction))
    certainty: Certainty = Field(
        sa_type=enum_column(Certainty), index=True, description="Of the advice itself."
    )
    rationale_certainty: Certainty = Field(
        sa_type=enum_column(Certainty), description="Of the gut-brain reason given for it."
    )
    audiences: list[Audience] = Field(sa_type=sa.JSON)
    min_age_months: int | None = Field(default=None, ge=0)
    max_age_months: int | None = Field(default=None, ge=0)
    research_gaps: str | None = Field(default=None, sa_type=Text)

    life_stage_rows: list[RecommendationLifeStage] = Relationship(
        sa_relationship_kwargs=RAISE, cascade_delete=True
    )
    targets: list["RecommendationTarget"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "RecommendationTarget.position"},
        cascade_delete=True,
    )
    mechanisms: list["Mechanism"] = Relationship(
        back_populates="recommendations",
        link_model=RecommendationMechanism,
        sa_relationship_kwargs={**RAISE, "order_by": "Mechanism.slug"},
    )
    studies: list["Study"] = Relationship(
        back_populates="recommendations",
        link_model=RecommendationStudy,
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


class RecommendationTarget(SQLModel, table=True):
    """A numeric target the advice gives, e.g. 7-9 hours of sleep per night."""

    __tablename__ = "recommendation_target"

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", ondelete="CASCADE", index=True)
    position: int = 0
    label: str = Field(max_length=200)
    min_value: float | None = None
    max_value: float | None = None
    unit: str = Field(max_length=40)
    period: str | None = Field(default=None, max_length=40)
    times_per_period: int | None = Field(default=None, ge=1)
    duration_months: int | None = Field(default=None, ge=0)
    study_id: int = Field(foreign_key="study.id", ondelete="RESTRICT", index=True)

    study: "Study" = Relationship(sa_relationship_kwargs=RAISE)
    quotes: list["Quote"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Quote.id"}, cascade_delete=True
    )
