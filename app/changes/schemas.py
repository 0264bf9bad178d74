from datetime import datetime

from pydantic import BaseModel, Field

from app.evidence.vocabulary import ChangeKind, ItemKind


class Change(BaseModel):
    kind: ItemKind = Field(description="What kind of item changed.")
    slug: str = Field(examples=["breastfeed"])
    version: int = Field(description="The item's version after the change.")
    change: ChangeKind
    at: datetime = Field(description="When the change was committed, or the review fell due.")
    url: str = Field(description="The item's URL; a withdrawn item's answers 410.")
