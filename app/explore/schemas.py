from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from app.evidence.vocabulary import Certainty, LifeStage, Topic
from app.mechanisms.schemas import MechanismFilters
from app.recommendations.schemas import RecommendationFilters
from app.search.router import MAX_QUERY_LENGTH
from app.studies.schemas import StudyFilters


def _blank_is_any(value: Any) -> Any:
    return None if value == "" else value


# A plain HTML form's "any" option submits an empty value, which means no filter; anything else
# must be a valid code.
LifeStageOrAny = Annotated[
    LifeStage | None,
    BeforeValidator(_blank_is_any, json_schema_input_type=LifeStage | Literal[""] | None),
]
TopicOrAny = Annotated[
    Topic | None,
    BeforeValidator(_blank_is_any, json_schema_input_type=Topic | Literal[""] | None),
]
CertaintyOrAny = Annotated[
    Certainty | None,
    BeforeValidator(_blank_is_any, json_schema_input_type=Certainty | Literal[""] | None),
]


class ExploreFilters(BaseModel):
    life_stage: LifeStageOrAny = Field(
        default=None,
        description="Recommendations for this life stage, and studies of people at it. Empty"
        " means any.",
    )
    topic: TopicOrAny = Field(
        default=None, description="Recommendations on this topic. Empty means any."
    )
    min_certainty: CertaintyOrAny = Field(
        default=None,
        description="Recommendations and mechanisms rated at least this certain. Empty means any.",
    )
    q: str | None = Field(
        default=None,
        max_length=MAX_QUERY_LENGTH,
        description="Search words, as `/v1/search` reads them: only items that match are shown."
        " Empty means no search.",
        examples=["serotonin"],
    )

    @property
    def search_text(self) -> str | None:
        return self.q if self.q and self.q.strip() else None

    @property
    def active(self) -> bool:
        return any((self.life_stage, self.topic, self.min_certainty, self.search_text))

    def for_recommendations(self) -> RecommendationFilters:
        return RecommendationFilters(
            life_stage=self.life_stage, topic=self.topic, min_certainty=self.min_certainty
        )

    def for_mechanisms(self) -> MechanismFilters:
        return MechanismFilters(min_certainty=self.min_certainty)

    def for_studies(self) -> StudyFilters:
        return StudyFilters(life_stage=self.life_stage)
