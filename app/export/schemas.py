from datetime import datetime

from pydantic import BaseModel, Field

from app.attribution.schemas import Attribution
from app.core.urls import Link
from app.mechanisms.schemas import Mechanism
from app.recommendations.schemas import Recommendation
from app.sources.schemas import Source
from app.studies.schemas import Study


class Export(BaseModel):
    """Every published item, each as its detail route serves it, at one content version."""

    content_version: int = Field(
        description="The content version the export shows; follow `/v1/changes` from here.",
        examples=[42],
    )
    generated_at: datetime = Field(description="When the export was made (UTC).")
    changes: Link = Field(
        description="The change feed from the first change after this export: follow it, and"
        " its `next` links, to keep a mirror of the export current."
    )
    attribution: Attribution
    recommendations: list[Recommendation] = Field(description="In slug order.")
    mechanisms: list[Mechanism] = Field(description="In slug order.")
    studies: list[Study] = Field(description="In slug order.")
    sources: list[Source] = Field(description="In slug order.")
