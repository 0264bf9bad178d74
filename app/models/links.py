"""Association tables linking recommendations, mechanisms, studies, claims and sources."""

from sqlmodel import Field, SQLModel

from app.core.types import enum_column
from app.evidence.vocabulary import LifeStage


class RecommendationMechanism(SQLModel, table=True):
    __tablename__ = "recommendation_mechanism"
    recommendation_id: int = Field(
        foreign_key="recommendation.id", primary_key=True, ondelete="CASCADE"
    )
    mechanism_id: int = Field(
        foreign_key="mechanism.id", primary_key=True, ondelete="CASCADE", index=True
    )


class RecommendationStudy(SQLModel, table=True):
    __tablename__ = "recommendation_study"
    recommendation_id: int = Field(
        foreign_key="recommendation.id", primary_key=True, ondelete="CASCADE"
    )
    study_id: int = Field(foreign_key="study.id", primary_key=True, ondelete="CASCADE", index=True)


class MechanismStudy(SQLModel, table=True):
    __tablename__ = "mechanism_study"
    mechanism_id: int = Field(foreign_key="mechanism.id", primary_key=True, ondelete="CASCADE")
    study_id: int = Field(foreign_key="study.id", primary_key=True, ondelete="CASCADE", index=True)


class ClaimStudy(SQLModel, table=True):
    __tablename__ = "claim_study"
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    study_id: int = Field(foreign_key="study.id", primary_key=True, ondelete="CASCADE", index=True)


class StudySource(SQLModel, table=True):
    __tablename__ = "study_source"
    study_id: int = Field(foreign_key="study.id", primary_key=True, ondelete="CASCADE")
    source_id: int = Field(
        foreign_key="source_document.id", primary_key=True, ondelete="CASCADE", index=True
    )


class RecommendationLifeStage(SQLModel, table=True):
    __tablename__ = "recommendation_life_stage"
    recommendation_id: int = Field(
        foreign_key="recommendation.id", primary_key=True, ondelete="CASCADE"
    )
    life_stage: LifeStage = Field(primary_key=True, sa_type=enum_column(LifeStage), index=True)


class StudyLifeStage(SQLModel, table=True):
    __tablename__ = "study_life_stage"
    study_id: int = Field(foreign_key="study.id", primary_key=True, ondelete="CASCADE")
    life_stage: LifeStage = Field(primary_key=True, sa_type=enum_column(LifeStage), index=True)
