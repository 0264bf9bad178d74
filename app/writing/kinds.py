"""Each kind of item the write path handles: its table, input schema, loading and rule check."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.evidence import checks
from app.evidence.loading import Eager
from app.evidence.schemas import ContentIn
from app.evidence.vocabulary import ItemKind
from app.mechanisms.schemas import MechanismCreate
from app.mechanisms.service import DETAIL_LOADING as MECHANISM_LOADING
from app.models import ContentFields, Mechanism, Recommendation, SourceDocument, Study
from app.recommendations.schemas import RecommendationCreate
from app.recommendations.service import DETAIL_LOADING as RECOMMENDATION_LOADING
from app.sources.schemas import SourceCreate
from app.sources.service import DETAIL_LOADING as SOURCE_LOADING
from app.studies.schemas import StudyCreate
from app.studies.service import DETAIL_LOADING as STUDY_LOADING


@dataclass(frozen=True)
class ContentKind:
    kind: ItemKind
    plural: str
    model: type[ContentFields]
    schema: type[ContentIn]
    loading: list[Eager]
    check: Callable[[Any], list[checks.Violation]]


# In the order a full load writes them: each kind may refer only to kinds before it.
CONTENT_KINDS = [
    ContentKind(
        ItemKind.source,
        "sources",
        SourceDocument,
        SourceCreate,
        SOURCE_LOADING,
        checks.source_problems,
    ),
    ContentKind(
        ItemKind.study, "studies", Study, StudyCreate, STUDY_LOADING, checks.study_problems
    ),
    ContentKind(
        ItemKind.mechanism,
        "mechanisms",
        Mechanism,
        MechanismCreate,
        MECHANISM_LOADING,
        checks.mechanism_problems,
    ),
    ContentKind(
        ItemKind.recommendation,
        "recommendations",
        Recommendation,
        RecommendationCreate,
        RECOMMENDATION_LOADING,
        checks.recommendation_problems,
    ),
]
BY_KIND = {spec.kind: spec for spec in CONTENT_KINDS}
BY_PLURAL = {spec.plural: spec for spec in CONTENT_KINDS}
BY_MODEL: dict[type[ContentFields], ContentKind] = {spec.model: spec for spec in CONTENT_KINDS}
