"""schema.org JSON-LD for recommendations, mechanisms and studies, built from their details."""

from app.linked_data.documents import (
    JsonLd,
    mechanism_linked_data,
    recommendation_linked_data,
    study_linked_data,
)

__all__ = ["JsonLd", "mechanism_linked_data", "recommendation_linked_data", "study_linked_data"]
