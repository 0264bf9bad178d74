"""The content rules: certainty arithmetic, caveats that follow from the data, strength limits.

Pure functions over small facts, so the seed loader, the editor API, the content report and the
tests all apply exactly the same rules.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.evidence.vocabulary import (
    CAVEAT_KIND_TERMS,
    CERTAINTY_BY_RANK,
    CERTAINTY_HEDGES,
    CERTAINTY_RANK,
    CHILDHOOD_AND_PREGNANCY,
    JUDGEMENT_ADJUSTMENT,
    NON_HUMAN_OR_REASONING_DESIGNS,
    OBSERVATIONAL_DESIGNS,
    RANDOMISED_DESIGNS,
    SECONDARY_SOURCE_TYPES,
    SEVERITY_RANK,
    UNCONTROLLED_DESIGNS,
    UPGRADE_DOMAINS,
    CaveatKind,
    Certainty,
    CertaintyDomain,
    Judgement,
    LifeStage,
    OutcomeKind,
    RecordKind,
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
    record_kind: RecordKind = RecordKind.single_study
    evidence_design: StudyDesign | None = None

    @property
    def basis(self) -> StudyDesign:
        """The design a rating rests on: a guideline's or a body of research's best evidence."""
        return self.evidence_design or self.design


@dataclass(frozen=True)
class SourceFacts:
    source_type: SourceType
    commercial_interest: bool

    @property
    def commercial(self) -> bool:
        return self.commercial_interest or self.source_type is SourceType.clinic_or_commercial


@dataclass(frozen=True)
class DerivedCaveat:
    """A caveat that follows from the data, with the words and weight it is served with."""

    kind: CaveatKind
    severity: Severity
    text: str


def starting_level(studies: Iterable[StudyFacts]) -> int:
    """The best evidence behind a claim sets where its rating starts; no study starts at 1."""
    return max((starting_level_of(study.basis) for study in studies), default=1)


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


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text, flags=re.IGNORECASE) is not None


def wording_levels(text: str) -> set[Certainty]:
    """The certainty levels whose hedges the text uses."""
    return {
        level
        for level, hedges in CERTAINTY_HEDGES.items()
        if any(_has_phrase(text, hedge) for hedge in hedges)
    }


def wording_problems(certainty: Certainty, wording: str) -> list[str]:
    """The consumer sentence hedges as its certainty asks, and as no other level does."""
    used = wording_levels(wording)
    if certainty is Certainty.high:
        if used:
            return [f"wording at high certainty hedges with {sorted(used)}: {wording!r}"]
        return []
    expected = " or ".join(repr(h) for h in CERTAINTY_HEDGES[certainty])
    if used != {certainty}:
        return [f"wording at {certainty} certainty must say {expected}, and only that: {wording!r}"]
    return []


def rests_on_secondary_sources_only(
    studies: Iterable[StudyFacts], quote_source_types: Iterable[SourceType]
) -> bool:
    """No traceable study, and every passage quoted for it comes from news, blogs or clinics."""
    types = set(quote_source_types)
    return not any(study.traceable for study in studies) and types <= SECONDARY_SOURCE_TYPES


def rests_on_commercial_sources_only(
    studies: Iterable[StudyFacts], quoted: Iterable[SourceFacts]
) -> bool:
    """No traceable study, and every passage quoted for it comes from a seller of services."""
    sources = list(quoted)
    return (
        bool(sources)
        and not any(study.traceable for study in studies)
        and all(source.commercial for source in sources)
    )


def derived(kind: CaveatKind) -> DerivedCaveat:
    return DerivedCaveat(kind, default_severity(kind), default_text(kind))


def _derived_all(kinds: Iterable[CaveatKind]) -> list[DerivedCaveat]:
    return [derived(kind) for kind in sorted(kinds)]


def study_caveats(study: StudyFacts) -> list[DerivedCaveat]:
    kinds: set[CaveatKind] = set()
    if study.basis in OBSERVATIONAL_DESIGNS:
        kinds |= {CaveatKind.association_not_causation, CaveatKind.confounding_possible}
    if (
        study.record_kind is RecordKind.single_study
        and study.n_participants is not None
        and study.n_participants < SMALL_SAMPLE_BELOW
    ):
        kinds.add(CaveatKind.small_sample)
    if study.basis in NON_HUMAN_OR_REASONING_DESIGNS or study.species not in (
        Species.human,
        Species.not_applicable,
    ):
        kinds.add(CaveatKind.animal_or_lab_only)
    if study.basis in UNCONTROLLED_DESIGNS:
        kinds.add(CaveatKind.no_control_group)
    if study.outcome_kind in SURROGATE_OUTCOMES:
        kinds.add(CaveatKind.surrogate_outcome)
    if not study.traceable:
        kinds.add(CaveatKind.unsupported_claim)
    return _derived_all(kinds)


def measured_surrogates_only(studies: list[StudyFacts]) -> bool:
    """Some study measured a surrogate, and none measured something people notice."""
    outcomes = {study.outcome_kind for study in studies}
    return bool(outcomes & SURROGATE_OUTCOMES) and OutcomeKind.patient_oriented not in outcomes


def claim_caveats(
    studies: list[StudyFacts],
    quoted: Iterable[SourceFacts],
    overstated: bool,
) -> list[DerivedCaveat]:
    """Caveats a claim's evidence implies; each is derived only where its wording is true.

    What a study measured, and whether it stands alone, is said only of research we could trace.
    """
    quoted = list(quoted)
    kinds: set[CaveatKind] = set()
    bases = {study.basis for study in studies}
    traced = [study for study in studies if study.traceable]
    if bases & OBSERVATIONAL_DESIGNS and not bases & RANDOMISED_DESIGNS:
        kinds.add(CaveatKind.association_not_causation)
    if len(traced) == 1 and traced[0].record_kind is RecordKind.single_study:
        kinds.add(CaveatKind.single_study_unreplicated)
        if traced[0].n_participants is not None and traced[0].n_participants < SMALL_SAMPLE_BELOW:
            kinds.add(CaveatKind.small_sample)
    if studies and bases <= NON_HUMAN_OR_REASONING_DESIGNS:
        kinds.add(CaveatKind.animal_or_lab_only)
    if measured_surrogates_only(traced):
        kinds.add(CaveatKind.surrogate_outcome)
    if rests_on_secondary_sources_only(studies, (source.source_type for source in quoted)):
        kinds.add(CaveatKind.unsupported_claim)
    if rests_on_commercial_sources_only(studies, quoted):
        kinds.add(CaveatKind.commercial_interest)
    if overstated:
        kinds.add(CaveatKind.overstated_in_source)
    return _derived_all(kinds)


# Advice that needs a professional's word, by topic: read before acting on it.
PROFESSIONAL_TOPICS = {
    Topic.probiotics_supplements: "Talk to a doctor or pharmacist before giving a supplement to"
    " a baby or child, or taking one in pregnancy or alongside medicines.",
    Topic.infant_feeding: "Talk to your child's doctor, a midwife or a nurse about feeding"
    " decisions, especially if your baby was born early or has a health condition.",
    Topic.mental_health_support: "If worry, low mood or physical symptoms affect daily life,"
    " or you are concerned, talk to a doctor or another health professional.",
}
EVERYDAY_ADVICE_FOR_YOUNG_CHILDREN = (
    "For babies, young children and in pregnancy, a doctor, midwife or nurse can advise on"
    " what suits you and your child."
)


def audience_caveats(life_stages: Iterable[LifeStage], topic: Topic) -> list[DerivedCaveat]:
    """Supplements, infant feeding and symptoms need a professional; everyday advice for young
    children or pregnancy points to one as information, not as a warning."""
    kind = CaveatKind.consult_professional
    if topic in PROFESSIONAL_TOPICS:
        return [DerivedCaveat(kind, Severity.important, PROFESSIONAL_TOPICS[topic])]
    if set(life_stages) & CHILDHOOD_AND_PREGNANCY:
        return [DerivedCaveat(kind, Severity.info, EVERYDAY_ADVICE_FOR_YOUNG_CHILDREN)]
    return []


def source_caveats(source: SourceFacts) -> list[DerivedCaveat]:
    return [derived(CaveatKind.commercial_interest)] if source.commercial else []


def item_caveats(studies: list[StudyFacts], quoted: Iterable[SourceFacts]) -> list[DerivedCaveat]:
    """An item every passage of which comes from a commercial source says so itself."""
    if rests_on_commercial_sources_only(studies, quoted):
        return [derived(CaveatKind.commercial_interest)]
    return []


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

# On equal severity, the kind that most changes how a reader should take an item comes first.
TOP_CAVEAT_ORDER = [
    CaveatKind.consult_professional,
    CaveatKind.overstated_in_source,
    CaveatKind.unsupported_claim,
    CaveatKind.commercial_interest,
    CaveatKind.harms_unknown,
    CaveatKind.inconsistent_findings,
    CaveatKind.animal_or_lab_only,
    CaveatKind.association_not_causation,
    CaveatKind.surrogate_outcome,
    CaveatKind.population_limits,
    CaveatKind.preliminary_not_peer_reviewed,
    CaveatKind.single_study_unreplicated,
    CaveatKind.small_sample,
    CaveatKind.confounding_possible,
    CaveatKind.no_control_group,
    CaveatKind.evidence_may_be_outdated,
]


def top_caveat_key(kind: CaveatKind, severity: Severity) -> tuple[int, int]:
    return (-SEVERITY_RANK[severity], TOP_CAVEAT_ORDER.index(kind))


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
