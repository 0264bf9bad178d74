"""The kind of evidence behind a piece of advice: the best record among the studies its advice
claims rest on, in the few classes a reader tells apart on the evidence map."""

from collections.abc import Iterable
from enum import StrEnum

from app.core.urls import Urls
from app.evidence.public import StudyRef, study_ref
from app.evidence.vocabulary import (
    OBSERVATIONAL_DESIGNS,
    RANDOMISED_DESIGNS,
    RECORD_KIND_TERMS,
    ClaimRole,
    RecordKind,
)
from app.explore.geometry import Shape
from app.linked_data.documents import effective_design
from app.models import Recommendation


class EvidenceKind(StrEnum):
    """Best first: a guideline or a systematic review has weighed the evidence; trials can show
    cause; observational studies show links; the rest cannot be checked or show neither."""

    guideline = "guideline"
    systematic_review = "systematic_review"
    randomised_trials = "randomised_trials"
    observational = "observational"
    other_research = "other_research"
    none_traceable = "none_traceable"


EVIDENCE_KIND_LABELS = {
    EvidenceKind.guideline: RECORD_KIND_TERMS[RecordKind.guideline].label,
    EvidenceKind.systematic_review: RECORD_KIND_TERMS[RecordKind.systematic_review].label,
    EvidenceKind.randomised_trials: "Randomised trials",
    EvidenceKind.observational: "Observational studies",
    EvidenceKind.other_research: "Laboratory, animal or expert work only",
    EvidenceKind.none_traceable: "No traceable study",
}

# Each kind has a shape of its own as well as a colour, so neither colour vision nor the
# colours of a theme are needed to tell them apart.
EVIDENCE_KIND_SHAPES = {
    EvidenceKind.guideline: Shape.square,
    EvidenceKind.systematic_review: Shape.diamond,
    EvidenceKind.randomised_trials: Shape.triangle,
    EvidenceKind.observational: Shape.circle,
    EvidenceKind.other_research: Shape.hexagon,
    EvidenceKind.none_traceable: Shape.cross,
}


def kind_of_study(study: StudyRef) -> EvidenceKind:
    """A guideline or review by its record kind; anything else by the design its evidence has
    (for a body of research, the design it rests on)."""
    if not study.traceable:
        return EvidenceKind.none_traceable
    if study.record_kind is RecordKind.guideline:
        return EvidenceKind.guideline
    if study.record_kind is RecordKind.systematic_review:
        return EvidenceKind.systematic_review
    design = effective_design(study)
    if design in RANDOMISED_DESIGNS:
        return EvidenceKind.randomised_trials
    if design in OBSERVATIONAL_DESIGNS:
        return EvidenceKind.observational
    return EvidenceKind.other_research


def best_kind(studies: Iterable[StudyRef]) -> EvidenceKind:
    order = list(EvidenceKind)
    kinds = [kind_of_study(study) for study in studies]
    return min(kinds, key=order.index, default=EvidenceKind.none_traceable)


def advice_evidence(item: Recommendation, urls: Urls) -> EvidenceKind:
    """The best record behind the claims that rate the advice, those that set its headline
    certainty."""
    return best_kind(
        study_ref(study, urls)
        for claim in item.claims
        if claim.critical and claim.role is ClaimRole.advice
        for study in claim.studies
    )
