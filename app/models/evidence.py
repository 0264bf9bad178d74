"""Claims with their certainty judgements, caveats and the provenance quotes behind them."""

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Text
from sqlmodel import Field, Relationship, SQLModel

from app.core.types import enum_column
from app.evidence.vocabulary import (
    CaveatKind,
    CaveatOrigin,
    Certainty,
    CertaintyDomain,
    ClaimKind,
    ClaimRole,
    Judgement,
    OutcomeKind,
    Relation,
    Severity,
)
from app.models.base import owner_check
from app.models.links import ClaimStudy

if TYPE_CHECKING:
    from app.models.source import SourceDocument
    from app.models.study import Study

RAISE = {"lazy": "raise"}


def _owner(table: str) -> int | None:
    return Field(default=None, foreign_key=f"{table}.id", ondelete="CASCADE", index=True)


class Claim(SQLModel, table=True):
    """One assertion an item rests on, rated on its own."""

    __tablename__ = "claim"
    __table_args__ = (owner_check("recommendation_id", "mechanism_id"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    recommendation_id: int | None = _owner("recommendation")
    mechanism_id: int | None = _owner("mechanism")
    position: int = 0
    text: str = Field(sa_type=Text)
    wording: str = Field(sa_type=Text, description="Consumer sentence worded at its certainty.")
    role: ClaimRole = Field(sa_type=enum_column(ClaimRole))
    kind: ClaimKind = Field(sa_type=enum_column(ClaimKind))
    outcome_kind: OutcomeKind = Field(sa_type=enum_column(OutcomeKind))
    critical: bool = Field(description="Counts towards the item's overall certainty.")
    starting_level: int = Field(ge=1, le=4)
    certainty: Certainty = Field(sa_type=enum_column(Certainty))
    override_reason: str | None = Field(default=None, sa_type=Text)
    effect_summary: str | None = Field(default=None, sa_type=Text)

    judgements: list["CertaintyJudgement"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "CertaintyJudgement.id"},
        cascade_delete=True,
    )
    studies: list["Study"] = Relationship(
        back_populates="claims",
        link_model=ClaimStudy,
        sa_relationship_kwargs={**RAISE, "order_by": "Study.slug"},
    )
    caveats: list["Caveat"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Caveat.position"}, cascade_delete=True
    )
    quotes: list["Quote"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Quote.id"}, cascade_delete=True
    )


class CertaintyJudgement(SQLModel, table=True):
    __tablename__ = "certainty_judgement"
    __table_args__ = (sa.UniqueConstraint("claim_id", "domain"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    domain: CertaintyDomain = Field(sa_type=enum_column(CertaintyDomain))
    judgement: Judgement = Field(sa_type=enum_column(Judgement))
    note: str = Field(sa_type=Text)


class Caveat(SQLModel, table=True):
    __tablename__ = "caveat"
    __table_args__ = (
        owner_check("recommendation_id", "mechanism_id", "study_id", "claim_id", "source_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int | None = _owner("recommendation")
    mechanism_id: int | None = _owner("mechanism")
    study_id: int | None = _owner("study")
    claim_id: int | None = _owner("claim")
    source_id: int | None = _owner("source_document")
    position: int = 0
    kind: CaveatKind = Field(sa_type=enum_column(CaveatKind), index=True)
    severity: Severity = Field(sa_type=enum_column(Severity))
    origin: CaveatOrigin = Field(sa_type=enum_column(CaveatOrigin))
    text: str = Field(sa_type=Text)
    reference: str | None = Field(default=None, sa_type=Text)
    dismissed_reason: str | None = Field(default=None, sa_type=Text)

    quotes: list["Quote"] = Relationship(
        sa_relationship_kwargs={**RAISE, "order_by": "Quote.id"}, cascade_delete=True
    )


class Quote(SQLModel, table=True):
    """A verbatim passage of a source document: `text[start:end] == exact`."""

    __tablename__ = "quote"
    __table_args__ = (
        owner_check(
            "recommendation_id",
            "mechanism_id",
            "study_id",
            "claim_id",
            "caveat_id",
            "person_id",
            "target_id",
        ),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="span"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source_document.id", ondelete="CASCADE", index=True)
    recommendation_id: int | None = _owner("recommendation")
    mechanism_id: int | None = _owner("mechanism")
    study_id: int | None = _owner("study")
    claim_id: int | None = _owner("claim")
    caveat_id: int | None = _owner("caveat")
    person_id: int | None = _owner("person_quoted")
    target_id: int | None = _owner("recommendation_target")
    exact: str = Field(sa_type=Text)
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    relation: Relation = Field(sa_type=enum_column(Relation))

    source: "SourceDocument" = Relationship(sa_relationship_kwargs=RAISE)
