"""Every table model, imported so the metadata (and Alembic) sees all of them."""

from app.models.base import ContentFields
from app.models.editor import ApiKey, IdempotentResponse, Revision
from app.models.evidence import Caveat, CertaintyJudgement, Claim, Quote
from app.models.links import (
    ClaimStudy,
    MechanismStudy,
    RecommendationLifeStage,
    RecommendationMechanism,
    RecommendationStudy,
    StudyLifeStage,
    StudySource,
)
from app.models.mechanism import Mechanism
from app.models.recommendation import Recommendation, RecommendationTarget
from app.models.source import PersonQuoted, SourceDocument
from app.models.state import ContentChange, ContentState
from app.models.study import Study
from app.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey",
    "IdempotentResponse",
    "Revision",
    "Caveat",
    "CertaintyJudgement",
    "Claim",
    "ClaimStudy",
    "ContentChange",
    "ContentState",
    "ContentFields",
    "Mechanism",
    "MechanismStudy",
    "PersonQuoted",
    "Quote",
    "Recommendation",
    "RecommendationLifeStage",
    "RecommendationMechanism",
    "RecommendationStudy",
    "RecommendationTarget",
    "SourceDocument",
    "Study",
    "StudyLifeStage",
    "StudySource",
    "WebhookDelivery",
    "WebhookEndpoint",
]
