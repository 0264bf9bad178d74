from datetime import datetime

from pydantic import BaseModel, Field

from app.core.urls import Link
from app.evidence.vocabulary import ChangeKind, ItemKind


# Not `Change`: a model named like one of its fields makes openapi-python-client generate code
# in which the two names collide.
class ChangeEvent(BaseModel):
    """One entry of the change feed."""

    kind: ItemKind = Field(description="What kind of item changed.")
    slug: str = Field(examples=["breastfeed"])
    version: int = Field(description="The item's version after the change.")
    change: ChangeKind
    at: datetime = Field(description="When the change was committed, or the review fell due.")
    url: Link = Field(description="The item's URL; a withdrawn item's answers 410.")
