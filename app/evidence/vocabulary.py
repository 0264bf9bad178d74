"""Every coded value the API stores, with its definition and the words consumers see.

Codes are short, stable snake_case strings stored as VARCHAR. The definitions here are served
by `GET /v1/vocabulary`, so clients never hard-code what a code means.
"""

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Term:
    label: str
    definition: str
    consumer_wording: str | None = None


class Certainty(StrEnum):
    high = "high"
    moderate = "moderate"
    low = "low"
    very_low = "very_low"


CERTAINTY_RANK = {
    Certainty.very_low: 1,
    Certainty.low: 2,
    Certainty.moderate: 3,
    Certainty.high: 4,
}
CERTAINTY_BY_RANK = {rank: level for level, rank in CERTAINTY_RANK.items()}

# The words a consumer sentence must use at each level; high states the claim plainly.
CERTAINTY_HEDGES = {
    Certainty.high: (),
    Certainty.moderate: ("probably", "likely"),
    Certainty.low: ("may", "might"),
    Certainty.very_low: ("very uncertain", "not known"),
}

CERTAINTY_TERMS = {
    Certainty.high: Term(
        "High certainty",
        "Very confident that the true effect is close to the estimate.",
        "Stated plainly, with no hedge.",
    ),
    Certainty.moderate: Term(
        "Moderate certainty",
        "The true effect is likely close to the estimate but could differ substantially.",
        'Hedged with "probably" or "likely".',
    ),
    Certainty.low: Term(
        "Low certainty",
        "The true effect may differ substantially from the estimate.",
        'Hedged with "may" or "might".',
    ),
    Certainty.very_low: Term(
        "Very low certainty",
        "Very uncertain: the true effect is likely to differ substantially from the estimate.",
        'Hedged with "very uncertain" or "not known".',
    ),
}


class Strength(StrEnum):
    strong = "strong"
    conditional = "conditional"
    none = "none"


STRENGTH_TERMS = {
    Strength.strong: Term(
        "Strong",
        "Most informed people would choose this; needs at least moderate certainty.",
        "We recommend",
    ),
    Strength.conditional: Term(
        "Conditional",
        "Many informed people would choose this, but choices may differ with values and"
        " circumstances.",
        "We suggest",
    ),
    Strength.none: Term(
        "No recommendation",
        "Not enough evidence to recommend for or against; the research gap is stated.",
        "There is not enough evidence to recommend for or against",
    ),
}


class Direction(StrEnum):
    for_ = "for"
    against = "against"
    neither = "neither"


DIRECTION_TERMS = {
    Direction.for_: Term("For", "The recommendation favours doing this."),
    Direction.against: Term("Against", "The recommendation favours not doing this."),
    Direction.neither: Term("Neither", "No direction: goes only with strength `none`."),
}


class StudyDesign(StrEnum):
    systematic_review_rct = "systematic_review_rct"
    systematic_review_observational = "systematic_review_observational"
    rct = "rct"
    non_randomised_trial = "non_randomised_trial"
    prospective_cohort = "prospective_cohort"
    retrospective_cohort = "retrospective_cohort"
    case_control = "case_control"
    cross_sectional = "cross_sectional"
    case_series = "case_series"
    case_report = "case_report"
    animal = "animal"
    in_vitro = "in_vitro"
    narrative_review = "narrative_review"
    guideline = "guideline"
    expert_opinion = "expert_opinion"
    unspecified = "unspecified"


STUDY_DESIGN_TERMS = {
    StudyDesign.systematic_review_rct: Term(
        "Systematic review of randomised trials", "A systematic review or meta-analysis of RCTs."
    ),
    StudyDesign.systematic_review_observational: Term(
        "Systematic review of observational studies",
        "A systematic review or meta-analysis of non-randomised studies.",
    ),
    StudyDesign.rct: Term(
        "Randomised controlled trial", "Participants are randomly assigned to compared groups."
    ),
    StudyDesign.non_randomised_trial: Term(
        "Non-randomised trial", "A controlled intervention study without random assignment."
    ),
    StudyDesign.prospective_cohort: Term(
        "Prospective cohort study", "Follows people forward in time from an exposure."
    ),
    StudyDesign.retrospective_cohort: Term(
        "Retrospective cohort study", "Looks back at a historical cohort or records."
    ),
    StudyDesign.case_control: Term(
        "Case-control study", "Compares people with and without an outcome, looking back."
    ),
    StudyDesign.cross_sectional: Term(
        "Cross-sectional study", "Measures exposure and outcome at a single time point."
    ),
    StudyDesign.case_series: Term("Case series", "A description of cases without a control group."),
    StudyDesign.case_report: Term("Case report", "A description of a single case."),
    StudyDesign.animal: Term("Animal study", "Research in living non-human animals."),
    StudyDesign.in_vitro: Term("Laboratory study", "Research on cells, tissues or in the lab."),
    StudyDesign.narrative_review: Term(
        "Narrative review", "A non-systematic summary of research; not primary evidence."
    ),
    StudyDesign.guideline: Term(
        "Guideline", "A recommendation published by a professional or public-health body."
    ),
    StudyDesign.expert_opinion: Term(
        "Expert opinion", "An expert's view or reasoning from first principles."
    ),
    StudyDesign.unspecified: Term(
        "Unspecified research",
        "A source refers to research without saying what kind; it could not be traced.",
    ),
}

RANDOMISED_DESIGNS = frozenset({StudyDesign.systematic_review_rct, StudyDesign.rct})
OBSERVATIONAL_DESIGNS = frozenset(
    {
        StudyDesign.systematic_review_observational,
        StudyDesign.non_randomised_trial,
        StudyDesign.prospective_cohort,
        StudyDesign.retrospective_cohort,
        StudyDesign.case_control,
        StudyDesign.cross_sectional,
    }
)
NON_HUMAN_OR_REASONING_DESIGNS = frozenset(
    {StudyDesign.animal, StudyDesign.in_vitro, StudyDesign.expert_opinion}
)
UNCONTROLLED_DESIGNS = frozenset({StudyDesign.case_series, StudyDesign.case_report})


def starting_level_of(design: StudyDesign) -> int:
    """GRADE-adapted starting level: trials 4, observational human studies 2, anything else 1."""
    if design in RANDOMISED_DESIGNS:
        return 4
    if design in OBSERVATIONAL_DESIGNS:
        return 2
    return 1


@dataclass(frozen=True)
class EvidenceLevel:
    """What a kind of evidence can and cannot show, in a reader's words."""

    label: str
    can_show: str
    cannot_show: str


EVIDENCE_LEVELS = {
    StudyDesign.systematic_review_rct: EvidenceLevel(
        "Review of randomised trials",
        "Can show whether something causes an effect, across many trials.",
        "Is only as good as the trials it pools.",
    ),
    StudyDesign.systematic_review_observational: EvidenceLevel(
        "Review of observational studies",
        "Shows whether a link holds up across many studies.",
        "Cannot show cause: the studies it pools found links, not proof.",
    ),
    StudyDesign.rct: EvidenceLevel(
        "Randomised trial",
        "Can show cause, in the people studied.",
        "May not apply to people unlike those studied; one trial can be a fluke.",
    ),
    StudyDesign.non_randomised_trial: EvidenceLevel(
        "Non-randomised trial",
        "Shows what changed in people who got an intervention.",
        "Cannot rule out that the groups differed from the start.",
    ),
    StudyDesign.prospective_cohort: EvidenceLevel(
        "Observational cohort",
        "Shows links over time.",
        "Cannot show cause: other differences may explain the link.",
    ),
    StudyDesign.retrospective_cohort: EvidenceLevel(
        "Observational cohort (looking back)",
        "Shows links in past records.",
        "Cannot show cause: other differences may explain the link.",
    ),
    StudyDesign.case_control: EvidenceLevel(
        "Case-control study",
        "Shows links between an outcome and past exposures.",
        "Cannot show cause; memories and records of the past can be biased.",
    ),
    StudyDesign.cross_sectional: EvidenceLevel(
        "Cross-sectional study",
        "Shows that two things go together at one time.",
        "Cannot show cause, nor which came first.",
    ),
    StudyDesign.case_series: EvidenceLevel(
        "Case series",
        "Describes what happened to some people.",
        "Cannot show cause: there is no comparison group.",
    ),
    StudyDesign.case_report: EvidenceLevel(
        "Case report",
        "Describes what happened to one person.",
        "Cannot show cause or how common it is.",
    ),
    StudyDesign.animal: EvidenceLevel(
        "Animal study",
        "Can show how something might work, in animals.",
        "Cannot show that it works the same way in people.",
    ),
    StudyDesign.in_vitro: EvidenceLevel(
        "Laboratory study",
        "Can show how something might work in cells or tissue.",
        "Cannot show what happens in a living person.",
    ),
    StudyDesign.narrative_review: EvidenceLevel(
        "Narrative review",
        "Summarises research and ideas.",
        "Is not a systematic test: its authors chose what to include.",
    ),
    StudyDesign.guideline: EvidenceLevel(
        "Guideline",
        "Shows what a health body recommends after weighing the evidence.",
        "Is as certain as the evidence it rests on, which it rates itself.",
    ),
    StudyDesign.expert_opinion: EvidenceLevel(
        "Expert opinion",
        "Shows what an expert thinks.",
        "Is not a test: it has not been checked in a study.",
    ),
    StudyDesign.unspecified: EvidenceLevel(
        "Unnamed research",
        "Shows only that a source says research exists.",
        "Cannot be checked: the source does not say which research.",
    ),
}


class RecordKind(StrEnum):
    single_study = "single_study"
    body_of_research = "body_of_research"
    systematic_review = "systematic_review"
    guideline = "guideline"


RECORD_KIND_TERMS = {
    RecordKind.single_study: Term("Single study", "One study, reported on its own."),
    RecordKind.body_of_research: Term(
        "Body of research",
        'Research a document alludes to as a whole ("studies show", "previous research").',
    ),
    RecordKind.systematic_review: Term(
        "Systematic review", "A review that searched for and pooled studies by a set method."
    ),
    RecordKind.guideline: Term(
        "Guideline", "A recommendation by a health body that rated the evidence behind it."
    ),
}

SYSTEMATIC_REVIEW_DESIGNS = frozenset(
    {StudyDesign.systematic_review_rct, StudyDesign.systematic_review_observational}
)


def record_kind_fits_design(kind: RecordKind, design: StudyDesign) -> bool:
    """Reviews are systematic-review designs, guidelines the guideline design, and only they."""
    if kind is RecordKind.guideline or design is StudyDesign.guideline:
        return kind is RecordKind.guideline and design is StudyDesign.guideline
    return (kind is RecordKind.systematic_review) == (design in SYSTEMATIC_REVIEW_DESIGNS)


class CertaintyDomain(StrEnum):
    risk_of_bias = "risk_of_bias"
    inconsistency = "inconsistency"
    indirectness = "indirectness"
    imprecision = "imprecision"
    publication_bias = "publication_bias"
    large_effect = "large_effect"
    dose_response = "dose_response"
    plausible_confounding = "plausible_confounding"


UPGRADE_DOMAINS = frozenset(
    {
        CertaintyDomain.large_effect,
        CertaintyDomain.dose_response,
        CertaintyDomain.plausible_confounding,
    }
)

CERTAINTY_DOMAIN_TERMS = {
    CertaintyDomain.risk_of_bias: Term(
        "Risk of bias", "Flaws in how studies were designed or run."
    ),
    CertaintyDomain.inconsistency: Term("Inconsistency", "Studies disagree with each other."),
    CertaintyDomain.indirectness: Term(
        "Indirectness",
        "The evidence is about other people, exposures or outcomes than the claim.",
    ),
    CertaintyDomain.imprecision: Term(
        "Imprecision", "Few participants or wide uncertainty around the estimate."
    ),
    CertaintyDomain.publication_bias: Term(
        "Publication bias", "Studies with unwelcome results may be missing."
    ),
    CertaintyDomain.large_effect: Term(
        "Large effect", "An effect large enough to be unlikely from bias alone (upgrade)."
    ),
    CertaintyDomain.dose_response: Term(
        "Dose-response", "More exposure goes with more effect (upgrade)."
    ),
    CertaintyDomain.plausible_confounding: Term(
        "Plausible confounding",
        "Remaining confounding would shrink, not create, the effect (upgrade).",
    ),
}


class Judgement(StrEnum):
    no_concern = "no_concern"
    serious = "serious"
    very_serious = "very_serious"
    upgrade_absent = "upgrade_absent"
    upgrade_present = "upgrade_present"
    upgrade_large = "upgrade_large"


JUDGEMENT_ADJUSTMENT = {
    Judgement.no_concern: 0,
    Judgement.serious: -1,
    Judgement.very_serious: -2,
    Judgement.upgrade_absent: 0,
    Judgement.upgrade_present: 1,
    Judgement.upgrade_large: 2,
}

JUDGEMENT_TERMS = {
    Judgement.no_concern: Term("No serious concern", "Does not lower the certainty."),
    Judgement.serious: Term("Serious concern", "Lowers the certainty by one level."),
    Judgement.very_serious: Term("Very serious concern", "Lowers the certainty by two levels."),
    Judgement.upgrade_absent: Term("No reason to upgrade", "Does not raise the certainty."),
    Judgement.upgrade_present: Term(
        "Reason to upgrade", "Raises observational evidence by one level."
    ),
    Judgement.upgrade_large: Term(
        "Strong reason to upgrade", "Raises observational evidence by two levels."
    ),
}


class OutcomeKind(StrEnum):
    patient_oriented = "patient_oriented"
    surrogate = "surrogate"
    mechanistic = "mechanistic"


OUTCOME_KIND_TERMS = {
    OutcomeKind.patient_oriented: Term(
        "Patient-oriented", "Something people feel or live with: symptoms, mood, function."
    ),
    OutcomeKind.surrogate: Term(
        "Surrogate",
        "A biomarker, bacteria count or brain scan, not how people feel.",
    ),
    OutcomeKind.mechanistic: Term(
        "Mechanistic", "A step in a proposed pathway, not an outcome of interest by itself."
    ),
}


class ClaimKind(StrEnum):
    efficacy = "efficacy"
    association = "association"
    mechanism = "mechanism"
    safety = "safety"
    prevalence = "prevalence"


CLAIM_KIND_TERMS = {
    ClaimKind.efficacy: Term("Efficacy", "Doing X changes outcome Y."),
    ClaimKind.association: Term("Association", "X and Y go together; not proof of cause."),
    ClaimKind.mechanism: Term("Mechanism", "How X might act on Y."),
    ClaimKind.safety: Term("Safety", "Whether X is safe, or its harms."),
    ClaimKind.prevalence: Term("Prevalence", "How common something is."),
}


class ClaimRole(StrEnum):
    advice = "advice"
    gut_rationale = "gut_rationale"
    supporting = "supporting"


CLAIM_ROLE_TERMS = {
    ClaimRole.advice: Term(
        "Advice",
        "Does following the recommendation help the outcome people care about? Sets the"
        " recommendation's headline certainty.",
    ),
    ClaimRole.gut_rationale: Term(
        "Gut-brain rationale",
        "Is the gut-brain reason the documents give for the advice true? Rated on its own and"
        " served beside the headline certainty.",
    ),
    ClaimRole.supporting: Term(
        "Supporting claim",
        "A further claim an item makes: a mechanism's step, a figure, a detail.",
    ),
}
RECOMMENDATION_ROLES = frozenset({ClaimRole.advice, ClaimRole.gut_rationale})


class CaveatKind(StrEnum):
    association_not_causation = "association_not_causation"
    small_sample = "small_sample"
    single_study_unreplicated = "single_study_unreplicated"
    animal_or_lab_only = "animal_or_lab_only"
    population_limits = "population_limits"
    surrogate_outcome = "surrogate_outcome"
    no_control_group = "no_control_group"
    confounding_possible = "confounding_possible"
    preliminary_not_peer_reviewed = "preliminary_not_peer_reviewed"
    inconsistent_findings = "inconsistent_findings"
    harms_unknown = "harms_unknown"
    consult_professional = "consult_professional"
    commercial_interest = "commercial_interest"
    overstated_in_source = "overstated_in_source"
    unsupported_claim = "unsupported_claim"
    evidence_may_be_outdated = "evidence_may_be_outdated"


CAVEAT_KIND_TERMS = {
    CaveatKind.association_not_causation: Term(
        "Association, not causation",
        "The evidence is observational: a link, not proof of cause.",
        "This research found a link, not proof that one causes the other.",
    ),
    CaveatKind.small_sample: Term(
        "Small study",
        "Few participants (under 100) or wide uncertainty.",
        "The study was small, so the result could be due to chance.",
    ),
    CaveatKind.single_study_unreplicated: Term(
        "Single study",
        "One study, not yet repeated.",
        "This is one study; it has not yet been repeated.",
    ),
    CaveatKind.animal_or_lab_only: Term(
        "Animal or lab only",
        "Only animals, cells or reasoning about mechanisms.",
        "So far this has only been shown in animals, in the lab or in theory.",
    ),
    CaveatKind.population_limits: Term(
        "Different population",
        "The people studied differ from those the advice addresses.",
        "The people studied may differ from you; results may not apply the same way.",
    ),
    CaveatKind.surrogate_outcome: Term(
        "Surrogate outcome",
        "Measured bacteria, metabolites or brain scans, not how people feel.",
        "The research measured markers in the body, such as gut bacteria or brain scans, not"
        " symptoms people would notice.",
    ),
    CaveatKind.no_control_group: Term(
        "No comparison group",
        "No control or comparison group.",
        "There was no comparison group.",
    ),
    CaveatKind.confounding_possible: Term(
        "Other explanations possible",
        "Other differences could explain the link.",
        "Other differences between people could explain the link.",
    ),
    CaveatKind.preliminary_not_peer_reviewed: Term(
        "Preliminary",
        "Preprint, abstract or press release only.",
        "These are early results that have not been fully checked by other scientists.",
    ),
    CaveatKind.inconsistent_findings: Term(
        "Inconsistent findings", "Studies disagree.", "Studies on this disagree."
    ),
    CaveatKind.harms_unknown: Term(
        "Harms unknown",
        "Possible downsides not studied.",
        "Possible downsides have not been well studied.",
    ),
    CaveatKind.consult_professional: Term(
        "Consult a professional",
        "Supplements, infants and young children, pregnancy, medicines, or symptoms that need"
        " care.",
        "A doctor or other health professional can advise on what suits you or your child.",
    ),
    CaveatKind.commercial_interest: Term(
        "Commercial interest",
        "The source sells related products or services.",
        "The source of this claim sells related products or services.",
    ),
    CaveatKind.overstated_in_source: Term(
        "Overstated in source",
        "A source claims more than the evidence behind it shows.",
        "Some coverage described this more strongly than the evidence supports.",
    ),
    CaveatKind.unsupported_claim: Term(
        "Unsupported claim",
        "A source asserts something and cites nothing we can trace.",
        "We could not trace research supporting this claim.",
    ),
    CaveatKind.evidence_may_be_outdated: Term(
        "May be outdated",
        "The review date has passed.",
        "This summary may not include the newest research.",
    ),
}


class Severity(StrEnum):
    info = "info"
    caution = "caution"
    important = "important"


SEVERITY_RANK = {Severity.info: 1, Severity.caution: 2, Severity.important: 3}

SEVERITY_TERMS = {
    Severity.info: Term("Information", "Useful context."),
    Severity.caution: Term("Caution", "Changes how much weight to give the claim."),
    Severity.important: Term("Important", "Read before acting on the advice."),
}


class CaveatOrigin(StrEnum):
    rule = "rule"
    source = "source"
    editorial = "editorial"


CAVEAT_ORIGIN_TERMS = {
    CaveatOrigin.rule: Term("Derived by rule", "Follows from the data: design, size, life stage."),
    CaveatOrigin.source: Term("Stated in a source", "A source document states it (quoted)."),
    CaveatOrigin.editorial: Term(
        "Editorial", "Added by editors where established facts qualify a source (referenced)."
    ),
}


class LifeStage(StrEnum):
    pregnancy = "pregnancy"
    infant = "infant"
    toddler = "toddler"
    preschool = "preschool"
    school_age = "school_age"
    adolescent = "adolescent"
    adult = "adult"
    older_adult = "older_adult"


@dataclass(frozen=True)
class AgeBounds:
    min_months: int | None
    max_months: int | None


LIFE_STAGE_AGES = {
    LifeStage.pregnancy: AgeBounds(None, None),
    LifeStage.infant: AgeBounds(0, 11),
    LifeStage.toddler: AgeBounds(12, 35),
    LifeStage.preschool: AgeBounds(36, 59),
    LifeStage.school_age: AgeBounds(60, 155),
    LifeStage.adolescent: AgeBounds(156, 215),
    LifeStage.adult: AgeBounds(216, 779),
    LifeStage.older_adult: AgeBounds(780, None),
}

LIFE_STAGE_TERMS = {
    LifeStage.pregnancy: Term("Pregnancy", "During pregnancy; applies to the pregnant person."),
    LifeStage.infant: Term("Infant", "Birth to 11 months."),
    LifeStage.toddler: Term("Toddler", "12 to 35 months."),
    LifeStage.preschool: Term("Preschool child", "3 to 4 years."),
    LifeStage.school_age: Term("School-age child", "5 to 12 years."),
    LifeStage.adolescent: Term("Adolescent", "13 to 17 years."),
    LifeStage.adult: Term("Adult", "18 to 64 years."),
    LifeStage.older_adult: Term("Older adult", "65 years and over."),
}

CHILDHOOD_AND_PREGNANCY = frozenset({LifeStage.pregnancy, LifeStage.infant, LifeStage.toddler})


class Audience(StrEnum):
    general_public = "general_public"
    parents_caregivers = "parents_caregivers"
    clinicians = "clinicians"
    researchers = "researchers"


AUDIENCE_TERMS = {
    Audience.general_public: Term("General public", "Written for anyone."),
    Audience.parents_caregivers: Term(
        "Parents and caregivers", "Written for those raising children."
    ),
    Audience.clinicians: Term("Clinicians", "Written for health professionals."),
    Audience.researchers: Term("Researchers", "Written for researchers."),
}


class SourceType(StrEnum):
    peer_reviewed_primary = "peer_reviewed_primary"
    systematic_review = "systematic_review"
    guideline = "guideline"
    preprint = "preprint"
    press_release = "press_release"
    news = "news"
    blog = "blog"
    clinic_or_commercial = "clinic_or_commercial"


SECONDARY_SOURCE_TYPES = frozenset(
    {SourceType.news, SourceType.blog, SourceType.clinic_or_commercial, SourceType.press_release}
)

SOURCE_TYPE_TERMS = {
    SourceType.peer_reviewed_primary: Term(
        "Peer-reviewed study", "An original study published after peer review."
    ),
    SourceType.systematic_review: Term(
        "Systematic review", "A peer-reviewed systematic review or meta-analysis."
    ),
    SourceType.guideline: Term("Guideline", "Guidance from a professional or public-health body."),
    SourceType.preprint: Term("Preprint", "A study shared before peer review."),
    SourceType.press_release: Term("Press release", "An announcement by an institution."),
    SourceType.news: Term("News report", "Journalism reporting on research, quoting researchers."),
    SourceType.blog: Term("Blog post", "An opinion or wellness post, usually without citations."),
    SourceType.clinic_or_commercial: Term(
        "Clinic or commercial page", "Published by an organisation that sells related services."
    ),
}


class Involvement(StrEnum):
    study_author = "study_author"
    independent_expert = "independent_expert"
    document_author = "document_author"
    other = "other"


INVOLVEMENT_TERMS = {
    Involvement.study_author: Term(
        "Study author", "An author of the study the document reports on."
    ),
    Involvement.independent_expert: Term(
        "Independent expert", "A researcher the document quotes who was not involved."
    ),
    Involvement.document_author: Term("Document author", "The writer of the document."),
    Involvement.other: Term("Other", "Anyone else the document quotes."),
}


class Relation(StrEnum):
    supports = "supports"
    qualifies = "qualifies"
    overstates = "overstates"
    mentions = "mentions"


RELATION_TERMS = {
    Relation.supports: Term("Supports", "The passage states what the item says."),
    Relation.qualifies: Term("Qualifies", "The passage adds a limitation."),
    Relation.overstates: Term(
        "Overstates", "The passage claims more than the evidence behind it shows."
    ),
    Relation.mentions: Term("Mentions", "The passage refers to the item without asserting it."),
}


class Status(StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    needs_update = "needs_update"
    withdrawn = "withdrawn"


STATUS_TERMS = {
    Status.draft: Term("Draft", "Being written; not public."),
    Status.in_review: Term("In review", "Awaiting editorial or clinical review; not public."),
    Status.published: Term("Published", "Reviewed and public."),
    Status.needs_update: Term("Needs update", "Public but due for revision."),
    Status.withdrawn: Term("Withdrawn", "No longer public."),
}

PUBLIC_STATUSES = frozenset({Status.published, Status.needs_update})


class Topic(StrEnum):
    infant_feeding = "infant_feeding"
    diet = "diet"
    hydration = "hydration"
    physical_activity = "physical_activity"
    outdoor_play = "outdoor_play"
    sleep = "sleep"
    stress = "stress"
    mental_health_support = "mental_health_support"
    family_routines = "family_routines"
    probiotics_supplements = "probiotics_supplements"


TOPIC_TERMS = {
    Topic.infant_feeding: Term("Infant feeding", "Breastfeeding and first foods."),
    Topic.diet: Term("Diet", "What to eat and what to limit."),
    Topic.hydration: Term("Hydration", "Drinking enough fluid."),
    Topic.physical_activity: Term("Physical activity", "Exercise and movement."),
    Topic.outdoor_play: Term("Outdoor play", "Time outdoors and in nature."),
    Topic.sleep: Term("Sleep", "How much and how well to sleep."),
    Topic.stress: Term("Stress", "Managing stress."),
    Topic.mental_health_support: Term(
        "Mental health support", "Recognising symptoms and getting help."
    ),
    Topic.family_routines: Term(
        "Family routines and coping",
        "Everyday support for children's emotional health: routines, modelling coping skills.",
    ),
    Topic.probiotics_supplements: Term(
        "Probiotics and supplements", "Probiotic, prebiotic and other supplement products."
    ),
}


class Pathway(StrEnum):
    serotonin = "serotonin"
    scfa = "scfa"
    vagus_nerve = "vagus_nerve"
    immune_inflammation = "immune_inflammation"
    intestinal_barrier = "intestinal_barrier"
    hpa_axis_cortisol = "hpa_axis_cortisol"
    gaba = "gaba"
    microbial_metabolites = "microbial_metabolites"
    microbiome_composition = "microbiome_composition"
    brain_connectivity = "brain_connectivity"
    other = "other"


PATHWAY_TERMS = {
    Pathway.serotonin: Term("Serotonin", "Serotonin made in or signalled from the gut."),
    Pathway.scfa: Term("Short-chain fatty acids", "Fatty acids gut bacteria make from fibre."),
    Pathway.vagus_nerve: Term("Vagus nerve", "The nerve linking gut and brain directly."),
    Pathway.immune_inflammation: Term(
        "Immune signalling and inflammation", "Immune messengers and inflammation."
    ),
    Pathway.intestinal_barrier: Term(
        "Intestinal barrier", "The gut lining that keeps microbes and toxins out of the blood."
    ),
    Pathway.hpa_axis_cortisol: Term(
        "Stress axis", "The hypothalamic-pituitary-adrenal axis and cortisol."
    ),
    Pathway.gaba: Term("GABA", "The calming neurotransmitter gamma-aminobutyric acid."),
    Pathway.microbial_metabolites: Term(
        "Microbial metabolites", "Chemicals gut bacteria make that reach the body and brain."
    ),
    Pathway.microbiome_composition: Term(
        "Microbiome composition", "Which microbes live in the gut, and how diverse they are."
    ),
    Pathway.brain_connectivity: Term(
        "Brain development and connectivity", "How brain regions develop and connect."
    ),
    Pathway.other: Term("Other", "Another pathway."),
}


class SupportLevel(StrEnum):
    demonstrated_in_humans_experimental = "demonstrated_in_humans_experimental"
    observed_in_humans_associational = "observed_in_humans_associational"
    animal_or_lab_only = "animal_or_lab_only"
    hypothesised = "hypothesised"


SUPPORT_LEVEL_TERMS = {
    SupportLevel.demonstrated_in_humans_experimental: Term(
        "Shown in human experiments", "Trials in people have tested this step."
    ),
    SupportLevel.observed_in_humans_associational: Term(
        "Seen in human observational studies", "Linked in people, but not shown to be a cause."
    ),
    SupportLevel.animal_or_lab_only: Term(
        "Animal or lab only", "Shown only in animals or in the lab."
    ),
    SupportLevel.hypothesised: Term(
        "Hypothesised", "Proposed, but not yet tested in a way we can trace."
    ),
}


class Species(StrEnum):
    human = "human"
    mouse = "mouse"
    rat = "rat"
    other = "other"
    not_applicable = "not_applicable"


SPECIES_TERMS = {
    Species.human: Term("Human", "People."),
    Species.mouse: Term("Mouse", "Mice."),
    Species.rat: Term("Rat", "Rats."),
    Species.other: Term("Other", "Another species."),
    Species.not_applicable: Term("Not applicable", "No living subjects, or not stated."),
}


class ItemKind(StrEnum):
    recommendation = "recommendation"
    mechanism = "mechanism"
    study = "study"
    source = "source"


ITEM_KIND_TERMS = {
    ItemKind.recommendation: Term("Recommendation", "What to do, for the life stages it fits."),
    ItemKind.mechanism: Term("Mechanism", "How something may act on the gut-brain axis."),
    ItemKind.study: Term(
        "Study", "Evidence: a study, a review, a guideline or a body of research."
    ),
    ItemKind.source: Term("Source document", "A document the content was taken from."),
}


class ChangeKind(StrEnum):
    created = "created"
    updated = "updated"
    certainty_changed = "certainty_changed"
    withdrawn = "withdrawn"
    review_overdue = "review_overdue"


CHANGE_KIND_TERMS = {
    ChangeKind.created: Term("Created", "The item was published."),
    ChangeKind.updated: Term("Updated", "The item changed; fetch it again."),
    ChangeKind.certainty_changed: Term(
        "Certainty changed", "The item changed, and so did its headline certainty."
    ),
    ChangeKind.withdrawn: Term(
        "Withdrawn", "The item is no longer published; its URL answers 410."
    ),
    ChangeKind.review_overdue: Term(
        "Review overdue",
        "The item's review date passed: it now carries the `evidence_may_be_outdated` caveat.",
    ),
}
