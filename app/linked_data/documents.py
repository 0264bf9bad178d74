"""schema.org JSON-LD for each content kind, built from the detail the JSON API serves.

Pure functions of the output models: nothing is queried or rated again, so the linked data says
exactly what the JSON says. Absent values are left out, never sent as null.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from app.attribution.schemas import Attribution
from app.evidence.public import CaveatOut, QuoteOut, SourceRef, StudyRef
from app.evidence.vocabulary import (
    AUDIENCE_TERMS,
    DIRECTION_TERMS,
    STRENGTH_TERMS,
    SUPPORT_LEVEL_TERMS,
    Audience,
    ClaimRole,
    Strength,
    StudyDesign,
    starting_level_of,
)
from app.linked_data.mapping import (
    AGE_PROPERTIES,
    AUDIENCE_TYPES,
    DESIGN_BY_LEVEL_LABEL,
    DESIGN_EVIDENCE_LEVEL,
    EVIDENCE_LEVEL_RANK,
    MECHANISM_ASPECT,
    NO_EVIDENCE_LEVEL,
    NO_RECOMMENDATION_ASPECT,
    SCHEMA_ORG_CONTEXT,
    SEE_A_PROFESSIONAL_ASPECT,
    SEVERAL_TRIALS,
    SEVERAL_TRIALS_LEVEL,
    STUDY_TYPES,
    SchemaEvidenceLevel,
    member,
)
from app.mechanisms.schemas import Mechanism
from app.recommendations.schemas import Recommendation
from app.studies.schemas import Publication, Study

JsonLd = dict[str, Any]


def _day(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def _without_empty(node: JsonLd) -> JsonLd:
    return {key: value for key, value in node.items() if value is not None and value != []}


def _text_part(name: str, text: str, citation: str | None = None) -> JsonLd:
    return _without_empty(
        {"@type": "WebPageElement", "name": name, "text": text, "citation": citation}
    )


def _caveat_parts(caveats: Iterable[CaveatOut]) -> list[JsonLd]:
    seen: set[tuple[str, str]] = set()
    parts = []
    for caveat in caveats:
        if (caveat.kind, caveat.text) not in seen:
            seen.add((caveat.kind, caveat.text))
            parts.append(_text_part(caveat.label, caveat.text, caveat.reference))
    return parts


def _citations(studies: Iterable[StudyRef]) -> list[JsonLd]:
    """References to the studies by their API URLs, where each one's own document says what it
    is. They carry no type: most studies are no CreativeWork, which `citation` expects."""
    by_url = {study.url: study for study in studies}
    return [{"@id": s.url, "url": s.url, "name": s.title} for s in by_url.values()]


def _documents(sources: Iterable[SourceRef], quotes: Iterable[QuoteOut]) -> list[JsonLd]:
    """The source documents quoted: third-party works, credited to their publishers where the
    documents name them, and never under this page's licence."""
    credit = {quote.source: quote.third_party for quote in quotes}
    documents = []
    for source in sources:
        text = credit.get(source.slug)
        publisher = text.publisher if text else None
        documents.append(
            _without_empty(
                {
                    "@type": "CreativeWork",
                    "@id": source.url,
                    "name": source.title,
                    "publisher": {"@type": "Organization", "name": publisher}
                    if publisher
                    else None,
                    "sameAs": text.url if text else None,
                }
            )
        )
    return documents


def _rights(attribution: Attribution, credit: str) -> JsonLd:
    """Under what licence the editorial text may be reused, whose it is, how to credit it."""
    return {
        "license": attribution.license.url,
        "copyrightHolder": {"@type": "Organization", "name": attribution.copyright_holder},
        "creditText": credit,
    }


def _when_to_see_a_professional(conditions: list[str]) -> list[JsonLd]:
    if not conditions:
        return []
    text = f"See a doctor or other health professional if {'; or '.join(conditions)}."
    return [
        {
            "@type": "HealthTopicContent",
            "name": "When to see a professional",
            "hasHealthAspect": member(SEE_A_PROFESSIONAL_ASPECT),
            "text": text,
        }
    ]


def effective_design(study: StudyRef | Study) -> StudyDesign:
    """The design a record's evidence has: for a guideline or a body of research, the design it
    rests on, where one is named."""
    rests_on = study.evidence_level.rests_on
    return DESIGN_BY_LEVEL_LABEL[rests_on] if rests_on else study.design


def evidence_level_of(studies: Iterable[StudyRef]) -> SchemaEvidenceLevel:
    """schema.org's design-based level of the best evidence among these records."""
    by_url = {study.url: study for study in studies}
    designs = [effective_design(study) for study in by_url.values()]
    levels = [DESIGN_EVIDENCE_LEVEL[design] for design in designs]
    if sum(design is StudyDesign.rct for design in designs) >= SEVERAL_TRIALS:
        levels.append(SEVERAL_TRIALS_LEVEL)
    return min(levels, key=EVIDENCE_LEVEL_RANK.__getitem__, default=NO_EVIDENCE_LEVEL)


def _best_evidence(studies: list[StudyRef]) -> str:
    if not studies:
        return "No traceable study supports the advice."
    best = min(
        studies,
        key=lambda s: (
            EVIDENCE_LEVEL_RANK[DESIGN_EVIDENCE_LEVEL[effective_design(s)]],
            -starting_level_of(effective_design(s)),
            list(StudyDesign).index(effective_design(s)),
        ),
    )
    label = best.evidence_level.rests_on or best.evidence_level.label
    return f"Best evidence behind the advice: {label[0].lower()}{label[1:]}."


def _two_ratings(item: Recommendation, evidence: str) -> str:
    """Both ratings in words: whether the advice helps, and whether the gut-brain reason holds."""
    advice, rationale = item.certainty, item.gut_rationale_certainty
    helps = "on whether it helps" if item.strength is Strength.none else "that the advice helps"
    return (
        f"{advice.label} {helps}: {advice.wording}"
        f" {rationale.label} in the gut-brain explanation given for it: {rationale.wording}"
        f" {evidence}"
    )


def _years(months: int | None) -> int | None:
    """Age in completed years, as schema.org's ages are given."""
    return None if months is None else months // 12


def _audience(audience: Audience, item: Recommendation) -> JsonLd:
    """The ages the advice is for go on the people it addresses: the children, where parents
    are addressed, or else the readers themselves."""
    kind = AUDIENCE_TYPES[audience]
    node: JsonLd = {"@type": kind, "audienceType": AUDIENCE_TERMS[audience].label}
    ages_are_childrens = Audience.parents_caregivers in item.audiences
    if kind in AGE_PROPERTIES and (kind == "ParentAudience" or not ages_are_childrens):
        min_property, max_property = AGE_PROPERTIES[kind]
        node[min_property] = _years(item.min_age_months)
        node[max_property] = _years(item.max_age_months)
    return _without_empty(node)


def _advice_studies(item: Recommendation) -> list[StudyRef]:
    return [
        study
        for claim in item.claims
        if claim.critical and claim.role is ClaimRole.advice
        for study in claim.studies
    ]


def _recommendation_entity(item: Recommendation) -> JsonLd:
    entity_id = f"{item.url}#recommendation"
    advice_studies = _advice_studies(item)
    ratings = _two_ratings(item, _best_evidence(advice_studies))
    if item.strength is Strength.none:
        return _without_empty(
            {
                "@type": "HealthTopicContent",
                "@id": entity_id,
                "name": item.title,
                "description": item.statement,
                "hasHealthAspect": member(NO_RECOMMENDATION_ASPECT),
                "hasPart": [
                    _text_part("Certainty of the evidence", ratings),
                    *(
                        [_text_part("Research gaps", item.research_gaps)]
                        if item.research_gaps
                        else []
                    ),
                ],
            }
        )
    strength = STRENGTH_TERMS[item.strength].label
    direction = DIRECTION_TERMS[item.direction].label.lower()
    return {
        "@type": "MedicalGuidelineRecommendation",
        "@id": entity_id,
        "name": item.title,
        "description": item.statement,
        "recommendationStrength": f"{strength} recommendation {direction}",
        "evidenceLevel": member(evidence_level_of(advice_studies)),
        "evidenceOrigin": ratings,
    }


def recommendation_linked_data(item: Recommendation) -> JsonLd:
    """A MedicalWebPage whose main entity is the recommendation (a HealthTopicContent where there
    is no recommendation to make), citing every study behind it, its caveats as parts."""
    claim_studies = [study for claim in item.claims for study in claim.studies]
    target_studies = [target.study for target in item.targets]
    top = [item.top_caveat] if item.top_caveat else []
    quotes = [
        *item.quotes,
        *(quote for claim in item.claims for quote in claim.quotes),
        *(target.quote for target in item.targets if target.quote),
    ]
    return _without_empty(
        {
            "@context": SCHEMA_ORG_CONTEXT,
            "@type": "MedicalWebPage",
            "@id": item.url,
            "url": item.url,
            "name": item.title,
            "description": item.tip,
            "inLanguage": item.language,
            "lastReviewed": _day(item.review.last_reviewed_at),
            "dateModified": _day(item.review.updated_at),
            "audience": [_audience(audience, item) for audience in item.audiences],
            "mainEntity": _recommendation_entity(item),
            "citation": [
                *_citations([*item.studies, *claim_studies, *target_studies]),
                *_documents(item.sources, quotes),
            ],
            "hasPart": [
                *_caveat_parts([*top, *item.caveats]),
                *_when_to_see_a_professional(item.see_a_professional_if),
                _text_part("Medical disclaimer", item.disclaimer),
            ],
            "relatedLink": [mechanism.url for mechanism in item.mechanisms],
            **_rights(item.attribution, item.citation),
        }
    )


def mechanism_linked_data(item: Mechanism) -> JsonLd:
    """HealthTopicContent on how something may work, with its certainty and caveats as parts."""
    support = SUPPORT_LEVEL_TERMS[item.support_level]
    certainty = (
        f"{item.certainty.label}: {item.certainty.wording} {support.label}: {support.definition}"
    )
    top = [item.top_caveat] if item.top_caveat else []
    claim_studies = [study for claim in item.claims for study in claim.studies]
    return _without_empty(
        {
            "@context": SCHEMA_ORG_CONTEXT,
            "@type": "HealthTopicContent",
            "@id": item.url,
            "url": item.url,
            "name": item.title,
            "description": item.description,
            "inLanguage": item.language,
            "dateModified": _day(item.review.updated_at),
            "hasHealthAspect": member(MECHANISM_ASPECT),
            "citation": _citations([*item.studies, *claim_studies]),
            "hasPart": [
                _text_part("Certainty of the evidence", certainty),
                *_caveat_parts([*top, *item.caveats]),
            ],
            **_rights(item.attribution, item.citation),
        }
    )


def _doi_url(doi: str) -> str:
    return f"https://doi.org/{quote(doi, safe='/()._-;:')}"


def _pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def _identifiers(publication: Publication) -> list[JsonLd]:
    schemes = [("DOI", publication.doi), ("PMID", publication.pmid)]
    return [
        {"@type": "PropertyValue", "propertyID": scheme, "value": value}
        for scheme, value in schemes
        if value
    ]


def _links(publication: Publication) -> list[str]:
    return [
        *([_doi_url(publication.doi)] if publication.doi else []),
        *([_pubmed_url(publication.pmid)] if publication.pmid else []),
    ]


def _publication_fields(publication: Publication, publication_type: str | None) -> JsonLd:
    """What is known of an article, only where the record has it."""
    return _without_empty(
        {
            "headline": publication.title,
            "isPartOf": {"@type": "Periodical", "name": publication.journal}
            if publication.journal
            else None,
            "datePublished": str(publication.year) if publication.year else None,
            "publicationType": publication_type,
            "identifier": _identifiers(publication),
        }
    )


def _publication(study: Study, publication: Publication, publication_type: str | None) -> JsonLd:
    links = _links(publication)
    article_id = links[0] if publication.doi else f"{study.url}#publication"
    return _without_empty(
        {
            "@type": "MedicalScholarlyArticle",
            "@id": article_id,
            "url": links[0] if links else None,
            "sameAs": links[1:],
            "name": publication.title,
            **_publication_fields(publication, publication_type),
        }
    )


def study_linked_data(item: Study) -> JsonLd:
    """A trial, an observational study, a review article, a guideline or research of no stated
    design, with its publication and identifiers where they were verified."""
    kind = STUDY_TYPES[item.design]
    node: JsonLd = {
        "@context": SCHEMA_ORG_CONTEXT,
        "@type": kind.type,
        "@id": item.url,
        "url": item.url,
        "name": item.title,
        "description": item.findings,
        # What this kind of evidence can and cannot show: tells it apart from stronger evidence.
        "disambiguatingDescription": item.evidence_level.summary,
        # The record is the study (or a third party's article); this service's page about it is
        # what is under the licence.
        "mainEntityOfPage": {
            "@type": "WebPage",
            "url": item.url,
            **_rights(item.attribution, item.citation),
        },
    }
    if kind.design_property and kind.design_member:
        node[kind.design_property] = member(kind.design_member)
    if kind.is_medical_study and item.country:
        node["studyLocation"] = {"@type": "Country", "name": item.country}
    if kind.type == "MedicalGuideline":
        node["evidenceLevel"] = member(DESIGN_EVIDENCE_LEVEL[effective_design(item)])
        node["evidenceOrigin"] = item.evidence_level.rests_on or item.evidence_level.label
    publication = item.publication
    if publication is not None and kind.is_publication:
        node |= _publication_fields(publication, kind.publication_type)
        node["sameAs"] = _links(publication)
    elif publication is not None:
        node["subjectOf"] = _publication(item, publication, kind.publication_type)
    return _without_empty(node)
