"""The content rules: certainty arithmetic, caveats that follow from the data, strength limits.

Pure functions over small facts, so the seed loader, the editor API, the content report and the
tests all apply exactly the same rules.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.evidence.vocabulary import (
    CAVEAT_KIND_TERMS,
    CERTAINTY_BY_RANK,
    CERTAINTY_RANK,
    CHILDHOOD_AND_PREGNANCY,
    JUDGEMENT_ADJUSTMENT,
    NON_HUMAN_OR_REASONING_DESIGNS,
    OBSERVATIONAL_DESIGNS,
    RANDOMISED_DESIGNS,
    SECONDARY_SOURCE_TYPES,
    UNCONTROLLED_DESIGNS,
    UPGRADE_DOMAINS,
    CaveatKind,
    Certainty,
    CertaintyDomain,
    Judgement,
    LifeStage,
    OutcomeKind,
    Severity,
    SourceType,
    Species,
    Strength,
    StudyDesign,
    Topic,
    starting_level_of,
)

SMALL_SAMPLE_BELOW = 100
SURROGATE_OUTCOMES = frozenset({OutcomeKind.surrogate, OutcomeKind.mechanistic})


@dataclass(frozen=True)
class StudyFacts:
    design: StudyDesign
    species: Species
    n_participants: int | None
    outcome_kind: OutcomeKind | None
    traceable: bool


def starting_level(designs: Iterable[StudyDesign]) -> int:
    """The best design behind a claim sets where its rating starts; no study at all starts at 1."""
    return max((starting_level_of(design) for design in designs), default=1)


def compute_certainty(
    start: int, judgements: Iterable[tuple[CertaintyDomain, Judgement]]
) -> Certainty:
    """Start level minus downgrades, plus upgrades for observational evidence only, in 1..4."""
    level = start
    for domain, judgement in judgements:
        adjustment = JUDGEMENT_ADJUSTMENT[judgement]
        if domain in UPGRADE_DOMAINS:
            if adjustment < 0:
                raise ValueError(f"{domain} can only upgrade, not {judgement}")
            level += adjustment if start == 2 else 0
        else:
            if adjustment > 0:
                raise ValueError(f"{domain} can only downgrade, not {judgement}")
            level += adjustment
    return CERTAINTY_BY_RANK[min(4, max(1, level))]


def lowest_certainty(levels: Iterable[Certainty]) -> Certainty:
    return min(levels, key=CERTAINTY_RANK.__getitem__, default=Certainty.very_low)


def at_least(level: Certainty, floor: Certainty) -> bool:
    return CERTAINTY_RANK[level] >= CERTAINTY_RANK[floor]


def rests_on_secondary_sources_only(
    studies: Iterable[StudyFacts], quote_source_types: Iterable[SourceType]
) -> bool:
    """No traceable study, and every passage quoted for it comes from news, blogs or clinics."""
    types = set(quote_source_types)
    return not any(study.traceable for study in studies) and types <= SECONDARY_SOURCE_TYPES


def study_caveats(study: StudyFacts) -> set[CaveatKind]:
    kinds: set[CaveatKind] = set()
    if study.design in OBSERVATIONAL_DESIGNS:
        kinds |= {CaveatKind.association_not_causation, CaveatKind.confounding_possible}
    if study.n_participants is not None and study.n_participants < SMALL_SAMPLE_BELOW:
        kinds.add(CaveatKind.small_sample)
    if study.design in NON_HUMAN_OR_REASONING_DESIGNS or study.species not in (
        Species.human,
        Species.not_applicable,
    ):
        kinds.add(CaveatKind.animal_or_lab_only)
    if study.design in UNCONTROLLED_DESIGNS:
        kinds.add(CaveatKind.no_control_group)
    if study.outcome_kind in SURROGATE_OUTCOMES:
        kinds.add(CaveatKind.surrogate_outcome)
    if not study.traceable:
        kinds.add(CaveatKind.unsupported_claim)
    return kinds


def claim_caveats(
    outcome_kind: OutcomeKind,
    studies: list[StudyFacts],
    quote_source_types: Iterable[SourceType],
    overstated: bool,
) -> set[CaveatKind]:
    kinds: set[CaveatKind] = set()
    designs = {study.design for study in studies}
    if designs & OBSERVATIONAL_DESIGNS and not designs & RANDOMISED_DESIGNS:
        kinds.add(CaveatKind.association_not_causation)
    if len(studies) == 1:
        kinds.add(CaveatKind.single_study_unreplicated)
    if studies and designs <= NON_HUMAN_OR_REASONING_DESIGNS:
        kinds.add(CaveatKind.animal_or_lab_only)
    if outcome_kind in SURROGATE_OUTCOMES:
        kinds.add(CaveatKind.surrogate_outcome)
    if (
        any(
            study.n_participants is not None and study.n_participants < SMALL_SAMPLE_BELOW
            for study in studies
        )
        and len(studies) == 1
    ):
        kinds.add(CaveatKind.small_sample)
    if rests_on_secondary_sources_only(studies, quote_source_types):
        kinds.add(CaveatKind.unsupported_claim)
    if overstated:
        kinds.add(CaveatKind.overstated_in_source)
    return kinds


def audience_caveats(life_stages: Iterable[LifeStage], topic: Topic | None) -> set[CaveatKind]:
    """Advice for pregnancy, babies, toddlers or about supplements points to a professional."""
    if set(life_stages) & CHILDHOOD_AND_PREGNANCY or topic is Topic.probiotics_supplements:
        return {CaveatKind.consult_professional}
    return set()


def source_caveats(commercial_interest: bool, source_type: SourceType) -> set[CaveatKind]:
    if commercial_interest or source_type is SourceType.clinic_or_commercial:
        return {CaveatKind.commercial_interest}
    return set()


DEFAULT_SEVERITY = {
    CaveatKind.consult_professional: Severity.important,
    CaveatKind.unsupported_claim: Severity.important,
    CaveatKind.overstated_in_source: Severity.important,
    CaveatKind.commercial_interest: Severity.caution,
    CaveatKind.association_not_causation: Severity.caution,
    CaveatKind.animal_or_lab_only: Severity.caution,
    CaveatKind.surrogate_outcome: Severity.caution,
    CaveatKind.small_sample: Severity.caution,
    CaveatKind.inconsistent_findings: Severity.caution,
    CaveatKind.evidence_may_be_outdated: Severity.caution,
}


def default_severity(kind: CaveatKind) -> Severity:
    return DEFAULT_SEVERITY.get(kind, Severity.info)


def default_text(kind: CaveatKind) -> str:
    wording = CAVEAT_KIND_TERMS[kind].consumer_wording
    assert wording is not None
    return wording


def strength_problems(
    strength: Strength, certainty: Certainty, critical_outcomes: Iterable[OutcomeKind]
) -> list[str]:
    problems = []
    if strength is Strength.strong:
        if not at_least(certainty, Certainty.moderate):
            problems.append(f"strength `strong` needs at least moderate certainty, not {certainty}")
        if all(outcome in SURROGATE_OUTCOMES for outcome in critical_outcomes):
            problems.append(
                "strength `strong` cannot rest on mechanisms or surrogate outcomes alone"
            )
    return problems
