"""How the API's codes map onto schema.org terms, as data.

Every term named here is checked against the schema.org vocabulary (release 30.0) by the tests.
Enumeration members are written as compact IRIs (`schema:EvidenceLevelA`): a plain string would
be read as text, not as the member.
"""

from dataclasses import dataclass
from enum import StrEnum

from app.evidence.vocabulary import EVIDENCE_LEVELS, Audience, StudyDesign

SCHEMA_ORG_CONTEXT = "https://schema.org"


def member(name: str) -> dict[str, str]:
    """A reference to a schema.org enumeration member."""
    return {"@id": f"schema:{name}"}


class SchemaEvidenceLevel(StrEnum):
    """schema.org's MedicalEvidenceLevel, which rates the design of the evidence, not its
    certainty: A "data derived from multiple randomized clinical trials or meta-analyses", B "a
    single randomized trial, or nonrandomized studies", C "only consensus opinion of experts, case
    studies, or standard-of-care"."""

    a = "EvidenceLevelA"
    b = "EvidenceLevelB"
    c = "EvidenceLevelC"


EVIDENCE_LEVEL_RANK = {SchemaEvidenceLevel.a: 1, SchemaEvidenceLevel.b: 2, SchemaEvidenceLevel.c: 3}

# The level one record of each design supports on its own. Animal and laboratory work, narrative
# reviews and unnamed research are no clinical data, so they stand with expert opinion at C.
DESIGN_EVIDENCE_LEVEL: dict[StudyDesign, SchemaEvidenceLevel] = {
    StudyDesign.systematic_review_rct: SchemaEvidenceLevel.a,
    StudyDesign.systematic_review_observational: SchemaEvidenceLevel.b,
    StudyDesign.rct: SchemaEvidenceLevel.b,
    StudyDesign.non_randomised_trial: SchemaEvidenceLevel.b,
    StudyDesign.prospective_cohort: SchemaEvidenceLevel.b,
    StudyDesign.retrospective_cohort: SchemaEvidenceLevel.b,
    StudyDesign.case_control: SchemaEvidenceLevel.b,
    StudyDesign.cross_sectional: SchemaEvidenceLevel.b,
    StudyDesign.case_series: SchemaEvidenceLevel.c,
    StudyDesign.case_report: SchemaEvidenceLevel.c,
    StudyDesign.animal: SchemaEvidenceLevel.c,
    StudyDesign.in_vitro: SchemaEvidenceLevel.c,
    StudyDesign.narrative_review: SchemaEvidenceLevel.c,
    StudyDesign.guideline: SchemaEvidenceLevel.c,
    StudyDesign.expert_opinion: SchemaEvidenceLevel.c,
    StudyDesign.unspecified: SchemaEvidenceLevel.c,
}
# Several randomised trials together are "multiple randomized clinical trials".
SEVERAL_TRIALS = 2
SEVERAL_TRIALS_LEVEL = SchemaEvidenceLevel.a
NO_EVIDENCE_LEVEL = SchemaEvidenceLevel.c

# `EvidenceLevelOut.rests_on` names a guideline's or body of research's evidence design by its
# label; this reads the design back. The labels are unique (a test holds them to it).
DESIGN_BY_LEVEL_LABEL = {level.label: design for design, level in EVIDENCE_LEVELS.items()}


@dataclass(frozen=True)
class StudyType:
    """What a record of one design is in schema.org, and how its publication is classed."""

    type: str
    design_property: str | None = None
    design_member: str | None = None
    # MeSH publication type, served as MedicalScholarlyArticle.publicationType.
    publication_type: str | None = None

    @property
    def is_publication(self) -> bool:
        """The record is itself the article (a review): its identifiers go on it, not on a
        separate publication."""
        return self.type in PUBLICATION_TYPES

    @property
    def is_medical_study(self) -> bool:
        return self.type in MEDICAL_STUDY_TYPES


PUBLICATION_TYPES = frozenset({"MedicalScholarlyArticle", "CreativeWork"})
MEDICAL_STUDY_TYPES = frozenset({"MedicalStudy", "MedicalTrial", "MedicalObservationalStudy"})
_OBSERVATIONAL = "MedicalObservationalStudy"

# Reviews are articles, guidelines MedicalGuideline, trials and observational studies what they
# are. Animal and laboratory work and unnamed research claim no design: the umbrella MedicalStudy.
# An expert's opinion is no study at all.
STUDY_TYPES: dict[StudyDesign, StudyType] = {
    StudyDesign.systematic_review_rct: StudyType(
        "MedicalScholarlyArticle", publication_type="Systematic Review"
    ),
    StudyDesign.systematic_review_observational: StudyType(
        "MedicalScholarlyArticle", publication_type="Systematic Review"
    ),
    StudyDesign.rct: StudyType(
        "MedicalTrial", "trialDesign", "RandomizedTrial", "Randomized Controlled Trial"
    ),
    StudyDesign.non_randomised_trial: StudyType("MedicalTrial", publication_type="Clinical Trial"),
    StudyDesign.prospective_cohort: StudyType(
        _OBSERVATIONAL, "studyDesign", "CohortStudy", "Observational Study"
    ),
    StudyDesign.retrospective_cohort: StudyType(
        _OBSERVATIONAL, "studyDesign", "CohortStudy", "Observational Study"
    ),
    StudyDesign.case_control: StudyType(
        _OBSERVATIONAL, "studyDesign", "Observational", "Observational Study"
    ),
    StudyDesign.cross_sectional: StudyType(
        _OBSERVATIONAL, "studyDesign", "CrossSectional", "Observational Study"
    ),
    StudyDesign.case_series: StudyType(_OBSERVATIONAL, "studyDesign", "CaseSeries"),
    StudyDesign.case_report: StudyType(
        _OBSERVATIONAL, "studyDesign", "Observational", "Case Reports"
    ),
    StudyDesign.animal: StudyType("MedicalStudy"),
    StudyDesign.in_vitro: StudyType("MedicalStudy"),
    StudyDesign.narrative_review: StudyType("MedicalScholarlyArticle", publication_type="Review"),
    StudyDesign.guideline: StudyType("MedicalGuideline", publication_type="Guideline"),
    StudyDesign.expert_opinion: StudyType("CreativeWork"),
    StudyDesign.unspecified: StudyType("MedicalStudy"),
}

# Who a page is written for. The ages of a recommendation go on the people it addresses: the
# readers themselves (PeopleAudience), or the children of parents (ParentAudience).
AUDIENCE_TYPES: dict[Audience, str] = {
    Audience.general_public: "PeopleAudience",
    Audience.parents_caregivers: "ParentAudience",
    Audience.clinicians: "MedicalAudience",
    Audience.researchers: "Researcher",
}
AGE_PROPERTIES: dict[str, tuple[str, str]] = {
    "PeopleAudience": ("suggestedMinAge", "suggestedMaxAge"),
    "ParentAudience": ("childMinAge", "childMaxAge"),
}

# What a content kind's main entity is about, from schema.org's HealthAspectEnumeration.
MECHANISM_ASPECT = "HowItWorksHealthAspect"
NO_RECOMMENDATION_ASPECT = "EffectivenessHealthAspect"
SEE_A_PROFESSIONAL_ASPECT = "SeeDoctorHealthAspect"
