"""schema.org JSON-LD through HTTP: only real schema.org terms, used where schema.org allows them,
nothing lost on expansion, and the types the content model asks for.

Documents are expanded offline with schema.org's own context, and checked against its type and
property lists (release 30.0, in tests/data/schemaorg/).
"""

import csv
import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from pyld.jsonld import JsonLdError

from app.evidence.public import EvidenceLevelOut, StudyRef
from app.evidence.vocabulary import EVIDENCE_LEVELS, RecordKind, StudyDesign
from app.linked_data import mechanism_linked_data, recommendation_linked_data, study_linked_data
from app.linked_data.documents import evidence_level_of
from app.linked_data.mapping import (
    DESIGN_BY_LEVEL_LABEL,
    DESIGN_EVIDENCE_LEVEL,
    STUDY_TYPES,
    SchemaEvidenceLevel,
)
from app.mechanisms.schemas import Mechanism
from app.recommendations.schemas import Recommendation
from app.studies.schemas import Study
from tests.helpers import walk

SCHEMAORG = Path(__file__).parent / "data" / "schemaorg"
# The context expands terms into http://schema.org/; the vocabulary files name them https.
VOCAB = "http://schema.org/"
FILES_VOCAB = "https://schema.org/"
JSON_LD = "application/ld+json"
# The context's URL, with or without a trailing slash, and the file it links to.
CONTEXT_PATHS = {"", "/", "/docs/jsonldcontext.jsonld", "/docs/jsonldcontext.json"}

KINDS = {
    "recommendations": (Recommendation, recommendation_linked_data),
    "mechanisms": (Mechanism, mechanism_linked_data),
    "studies": (Study, study_linked_data),
}


@cache
def _context_text() -> str:
    return (SCHEMAORG / "schemaorgcontext.jsonld").read_text(encoding="utf-8")


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serves the local schema.org context for schema.org's context URLs; refuses anything else,
    so no test reaches the network and no other context can slip in."""
    parts = urlsplit(url)
    if (
        parts.scheme in {"http", "https"}
        and parts.netloc == "schema.org"
        and parts.path in CONTEXT_PATHS
        and not parts.query
        and not parts.fragment
    ):
        return {
            "contentType": JSON_LD,
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(_context_text()),
        }
    raise JsonLdError(
        f"Tests load no remote documents: refused {url}",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    expanded: list[dict[str, Any]] = jsonld.expand(document, {"documentLoader": offline_loader})
    return expanded


@dataclass(frozen=True)
class Term:
    supertypes: tuple[str, ...]
    properties: frozenset[str]
    enumeration: str | None
    domain: tuple[str, ...]
    range: tuple[str, ...]
    superseded_by: str


def _names(cell: str) -> tuple[str, ...]:
    return tuple(
        part.strip().removeprefix(FILES_VOCAB)
        for part in cell.split(",")
        if part.strip().startswith(FILES_VOCAB)
    )


@cache
def vocabulary() -> tuple[dict[str, Term], dict[str, Term]]:
    """schema.org's types (with enumeration members) and properties, by name."""

    def rows(name: str) -> list[dict[str, str]]:
        with (SCHEMAORG / name).open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))

    types = {
        row["id"].removeprefix(FILES_VOCAB): Term(
            supertypes=_names(row["subTypeOf"]),
            properties=frozenset(_names(row["properties"])),
            enumeration=(_names(row["enumerationtype"]) or (None,))[0],
            domain=(),
            range=(),
            superseded_by=row["supersededBy"],
        )
        for row in rows("schemaorg-current-https-types.csv")
    }
    properties = {
        row["id"].removeprefix(FILES_VOCAB): Term(
            supertypes=(),
            properties=frozenset(),
            enumeration=None,
            domain=_names(row["domainIncludes"]),
            range=_names(row["rangeIncludes"]),
            superseded_by=row["supersededBy"],
        )
        for row in rows("schemaorg-current-https-properties.csv")
    }
    return types, properties


@cache
def ancestors(type_name: str) -> frozenset[str]:
    types, _ = vocabulary()
    found = {type_name}
    for parent in types[type_name].supertypes:
        found |= ancestors(parent)
    return frozenset(found)


# Which literal values a range admits: schema.org's data types.
LITERAL_RANGES = {
    str: {"Text", "URL", "CssSelectorType", "XPathType", "PronounceableText"},
    bool: {"Boolean"},
    int: {"Number", "Integer", "Float"},
    float: {"Number", "Float"},
}
DATE_RANGES = {"Date", "DateTime"}


def _local(iri: str, where: str, problems: list[str]) -> str | None:
    if not iri.startswith(VOCAB):
        problems.append(f"{where}: {iri} is not a schema.org term")
        return None
    return iri.removeprefix(VOCAB)


def vocabulary_problems(expanded: list[dict[str, Any]]) -> list[str]:
    """Every type, property and enumeration member exists in schema.org and is current; every
    property is one its node's type has, and every value is of a kind its range admits."""
    types, properties = vocabulary()
    problems: list[str] = []

    def known_type(iri: str, where: str) -> str | None:
        name = _local(iri, where, problems)
        if name is not None and name not in types:
            problems.append(f"{where}: type {name} is not in schema.org")
            return None
        if name is not None and types[name].superseded_by:
            problems.append(f"{where}: type {name} is superseded")
        return name

    def check_value(prop: str, value: dict[str, Any], where: str) -> None:
        allowed = set(properties[prop].range)
        if "@value" in value:
            literal = value["@value"]
            kinds = LITERAL_RANGES[type(literal)]
            if "@type" in value:
                datatype = known_type(value["@type"], where)
                kinds = DATE_RANGES if datatype == "Date" else {datatype or "?"}
            if not kinds & allowed:
                problems.append(f"{where}: literal {literal!r} where {prop} expects {allowed}")
            return
        if set(value) == {"@id"}:
            iri = value["@id"]
            if iri.startswith(VOCAB):
                name = known_type(iri, where)
                enumeration = types[name].enumeration if name else None
                if name and not enumeration:
                    problems.append(f"{where}: {name} is no enumeration member")
                elif enumeration and not ancestors(enumeration) & allowed:
                    problems.append(f"{where}: {name} is no {allowed}")
            elif allowed <= set().union(*LITERAL_RANGES.values()) - {"URL"}:
                problems.append(f"{where}: link {iri} where {prop} expects {allowed}")
            return
        value_types = [known_type(t, where) for t in value.get("@type", [])]
        kinds = set().union(*(ancestors(t) for t in value_types if t))
        if value_types and not kinds & allowed:
            problems.append(f"{where}: {value_types} where {prop} expects {allowed}")
        check_node(value, where)

    def check_node(node: dict[str, Any], where: str) -> None:
        node_types = [t for t in (known_type(t, where) for t in node.get("@type", [])) if t]
        has = set().union(*(types[t].properties for t in node_types))
        for key, values in node.items():
            if key.startswith("@"):
                continue
            prop = _local(key, where, problems)
            if prop is None:
                continue
            if prop not in properties:
                problems.append(f"{where}: property {prop} is not in schema.org")
                continue
            if properties[prop].superseded_by:
                problems.append(f"{where}: property {prop} is superseded")
            if node_types and prop not in has:
                problems.append(f"{where}: {node_types} have no property {prop}")
            for index, value in enumerate(values):
                check_value(prop, value, f"{where}.{prop}[{index}]")

    for index, node in enumerate(expanded):
        check_node(node, f"[{index}]")
    return problems


NODE = "<node>"


def compact_leaves(document: dict[str, Any]) -> Counter[tuple[str, str]]:
    """Every (term, value) the document states, types and links by their schema.org names."""
    leaves: Counter[tuple[str, str]] = Counter()

    def visit(node: dict[str, Any]) -> None:
        for key, value in node.items():
            if key == "@context":
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and set(item) != {"@id"}:
                    leaves[(key, NODE)] += 1
                    visit(item)
                elif isinstance(item, dict):
                    leaves[(key, item["@id"].removeprefix("schema:"))] += 1
                else:
                    leaves[(key, str(item).removeprefix("schema:"))] += 1

    visit(document)
    return leaves


def expanded_leaves(expanded: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    leaves: Counter[tuple[str, str]] = Counter()

    def visit(node: dict[str, Any]) -> None:
        for key, values in node.items():
            term = key.removeprefix(VOCAB)
            if key == "@id":
                leaves[(term, values)] += 1
                continue
            for item in values:
                if key == "@type":
                    leaves[(term, item.removeprefix(VOCAB))] += 1
                elif "@value" in item:
                    leaves[(term, str(item["@value"]))] += 1
                elif set(item) == {"@id"}:
                    leaves[(term, item["@id"].removeprefix(VOCAB))] += 1
                else:
                    leaves[(term, NODE)] += 1
                    visit(item)

    for node in expanded:
        visit(node)
    return leaves


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(v) for v in value))
    return set()


@dataclass(frozen=True)
class Served:
    detail: dict[str, Any]
    document: dict[str, Any]
    expanded: list[dict[str, Any]]


@pytest.fixture(scope="module")
def served(client: TestClient) -> dict[str, list[Served]]:
    """Every published item of each kind: its JSON detail, its JSON-LD and that expanded."""
    found: dict[str, list[Served]] = {}
    for kind in KINDS:
        found[kind] = []
        for item in walk(client, f"/v1/{kind}?limit=100"):
            detail = client.get(item["url"])
            document = client.get(item["url"], headers={"Accept": JSON_LD})
            assert detail.status_code == document.status_code == 200, document.text
            body = document.json()
            found[kind].append(Served(detail.json(), body, expand(body)))
        assert found[kind], kind
    return found


def test_the_loader_serves_only_schema_orgs_context() -> None:
    for url in [
        "https://schema.org",
        "http://schema.org",
        "https://schema.org/",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
    ]:
        assert "@vocab" in offline_loader(url)["document"]["@context"], url
    for url in [
        "https://example.org/context.jsonld",
        "https://schema.org/Person",
        "https://schema.org.example.org/",
        "https://schema.org/?x=1",
        "file:///etc/passwd",
    ]:
        with pytest.raises(JsonLdError):
            offline_loader(url)
    with pytest.raises(JsonLdError):
        expand({"@context": "https://example.org/context.jsonld", "name": "x"})


def test_the_check_catches_invented_misplaced_and_removed_terms() -> None:
    document = {
        "@context": "https://schema.org",
        "@type": "MedicalObservationalStudy",
        "name": "A study",
        "population": "Children",
        "evidenceLevel": {"@id": "schema:EvidenceLevelA"},
        "studyDesign": {"@id": "schema:RandomizedTrial"},
        "subjectOf": {"@type": "MedicalScholarlyArtcle", "nmae": "Its article"},
    }
    problems = "\n".join(vocabulary_problems(expand(document)))
    assert "property population is not in schema.org" in problems
    assert "have no property evidenceLevel" in problems
    assert "RandomizedTrial is no" in problems
    assert "type MedicalScholarlyArtcle is not in schema.org" in problems
    assert "property nmae is not in schema.org" in problems
    assert "no property name" not in problems


@pytest.mark.parametrize("kind", KINDS)
def test_every_term_is_schema_org_and_used_where_it_applies(
    served: dict[str, list[Served]], kind: str
) -> None:
    for item in served[kind]:
        assert item.document["@context"] == "https://schema.org"
        assert vocabulary_problems(item.expanded) == [], item.detail["slug"]


@pytest.mark.parametrize("kind", KINDS)
def test_expansion_loses_nothing(served: dict[str, list[Served]], kind: str) -> None:
    for item in served[kind]:
        assert len(item.expanded) == 1
        assert expanded_leaves(item.expanded) == compact_leaves(item.document), item.detail["slug"]


@pytest.mark.parametrize("kind", KINDS)
def test_population_never_appears(served: dict[str, list[Served]], kind: str) -> None:
    for item in served[kind]:
        assert "population" not in all_keys(item.document)
        assert f"{VOCAB}population" not in all_keys(item.expanded)


@pytest.mark.parametrize("kind", KINDS)
def test_linked_data_is_built_from_the_json_detail(
    served: dict[str, list[Served]], kind: str
) -> None:
    model, linked_data_of = KINDS[kind]
    for item in served[kind]:
        assert linked_data_of(model.model_validate(item.detail)) == item.document


def _types(node: dict[str, Any]) -> list[str]:
    value = node["@type"]
    return value if isinstance(value, list) else [value]


def test_recommendations_are_guideline_pages(served: dict[str, list[Served]]) -> None:
    strengths = set()
    for item in served["recommendations"]:
        detail, page = item.detail, item.document
        strengths.add(detail["strength"])
        assert _types(page) == ["MedicalWebPage"]
        assert page["@id"] == page["url"] == detail["url"]
        assert page["name"] == detail["title"]
        assert page["inLanguage"] == detail["language"]
        assert page["lastReviewed"] == detail["review"]["last_reviewed_at"][:10]
        assert page["audience"]
        entity = page["mainEntity"]
        ratings = [detail["certainty"], detail["gut_rationale_certainty"]]
        if detail["strength"] == "none":
            assert _types(entity) == ["HealthTopicContent"]
            assert "evidenceLevel" not in entity
            certainty_text = entity["hasPart"][0]["text"]
        else:
            assert _types(entity) == ["MedicalGuidelineRecommendation"]
            assert entity["evidenceLevel"]["@id"] in {f"schema:EvidenceLevel{x}" for x in "ABC"}
            certainty_text = entity["evidenceOrigin"]
        for rating in ratings:
            assert rating["label"] in certainty_text
            assert rating["wording"] in certainty_text
        cited = {study["@id"] for study in page.get("citation", [])}
        expected = {
            *(s["url"] for s in detail["studies"]),
            *(s["url"] for claim in detail["claims"] for s in claim["studies"]),
            *(target["study"]["url"] for target in detail["targets"]),
            *(source["url"] for source in detail["sources"]),
        }
        assert cited == expected
        assert all(
            url.startswith(("http://testserver/v1/studies/", "http://testserver/v1/sources/"))
            for url in cited
        )
        parts = {part["text"] for part in page.get("hasPart", [])}
        assert {caveat["text"] for caveat in detail["caveats"]} <= parts
        if detail["top_caveat"]:
            assert page["hasPart"][0]["text"] == detail["top_caveat"]["text"]
    assert strengths == {"strong", "conditional", "none"}


def test_evidence_levels_rate_the_design_behind_the_advice(
    served: dict[str, list[Served]],
) -> None:
    levels = {
        item.detail["slug"]: item.document["mainEntity"].get("evidenceLevel", {}).get("@id")
        for item in served["recommendations"]
    }
    # A review of randomised trials; one trial and reviews of observational studies; no study.
    assert levels["regular-exercise"] == "schema:EvidenceLevelA"
    assert levels["breastfeed"] == "schema:EvidenceLevelB"
    assert levels["check-serious-stomach-problems"] == "schema:EvidenceLevelC"
    assert levels["microbiome-treatments-for-mental-health"] is None


def _ref(design: StudyDesign, slug: str, rests_on: StudyDesign | None = None) -> StudyRef:
    level = EVIDENCE_LEVELS[design]
    return StudyRef(
        slug=slug,
        title=slug,
        url=f"http://testserver/v1/studies/{slug}",
        design=design,
        record_kind=RecordKind.guideline
        if design is StudyDesign.guideline
        else RecordKind.single_study,
        evidence_level=EvidenceLevelOut(
            code=design,
            label=level.label,
            can_show=level.can_show,
            cannot_show=level.cannot_show,
            rests_on=EVIDENCE_LEVELS[rests_on].label if rests_on else None,
            summary=level.label,
        ),
        traceable=True,
    )


def test_the_evidence_level_mapping() -> None:
    assert set(DESIGN_EVIDENCE_LEVEL) == set(StudyDesign) == set(STUDY_TYPES)
    assert len(DESIGN_BY_LEVEL_LABEL) == len(EVIDENCE_LEVELS)
    rct, cohort = StudyDesign.rct, StudyDesign.prospective_cohort
    assert evidence_level_of([]) is SchemaEvidenceLevel.c
    assert evidence_level_of([_ref(rct, "one")]) is SchemaEvidenceLevel.b
    assert evidence_level_of([_ref(rct, "one"), _ref(rct, "one")]) is SchemaEvidenceLevel.b
    assert evidence_level_of([_ref(rct, "one"), _ref(rct, "two")]) is SchemaEvidenceLevel.a
    assert evidence_level_of([_ref(cohort, "c"), _ref(StudyDesign.animal, "m")]) == "EvidenceLevelB"
    assert evidence_level_of([_ref(StudyDesign.expert_opinion, "e")]) is SchemaEvidenceLevel.c
    guideline = StudyDesign.guideline
    assert evidence_level_of([_ref(guideline, "g")]) is SchemaEvidenceLevel.c
    on_trials = _ref(guideline, "g", rests_on=StudyDesign.systematic_review_rct)
    assert evidence_level_of([on_trials]) is SchemaEvidenceLevel.a


def test_mechanisms_say_how_it_works(served: dict[str, list[Served]]) -> None:
    for item in served["mechanisms"]:
        document, detail = item.document, item.detail
        assert _types(document) == ["HealthTopicContent"]
        assert document["hasHealthAspect"] == {"@id": "schema:HowItWorksHealthAspect"}
        assert document["@id"] == detail["url"]
        assert detail["certainty"]["wording"] in document["hasPart"][0]["text"]


TRIALS = {"rct", "non_randomised_trial"}
OBSERVATIONAL = {
    "prospective_cohort",
    "retrospective_cohort",
    "case_control",
    "cross_sectional",
    "case_series",
    "case_report",
}
ARTICLES = {"systematic_review_rct", "systematic_review_observational", "narrative_review"}


def _expected_study_type(design: str) -> str:
    if design in TRIALS:
        return "MedicalTrial"
    if design in OBSERVATIONAL:
        return "MedicalObservationalStudy"
    if design in ARTICLES:
        return "MedicalScholarlyArticle"
    if design == "guideline":
        return "MedicalGuideline"
    return "CreativeWork" if design == "expert_opinion" else "MedicalStudy"


def _identifiers(node: dict[str, Any]) -> dict[str, str]:
    return {pv["propertyID"]: pv["value"] for pv in node.get("identifier", [])}


def test_studies_are_typed_by_design_with_verified_identifiers_only(
    served: dict[str, list[Served]],
) -> None:
    seen = set()
    for item in served["studies"]:
        detail, document = item.detail, item.document
        (study_type,) = _types(document)
        seen.add(study_type)
        assert study_type == _expected_study_type(detail["design"]), detail["slug"]
        assert document["@id"] == detail["url"]
        publication = detail["publication"]
        if publication is None:
            assert "subjectOf" not in document
            assert "identifier" not in document
            continue
        article = document if study_type == "MedicalScholarlyArticle" else document["subjectOf"]
        assert _types(article) == ["MedicalScholarlyArticle"]
        expected = {"DOI": publication["doi"], "PMID": publication["pmid"]}
        assert _identifiers(article) == {k: v for k, v in expected.items() if v}
        if publication["doi"]:
            assert f"https://doi.org/{publication['doi']}" in {
                article.get("url"),
                *article.get("sameAs", []),
            }
    assert {"MedicalTrial", "MedicalObservationalStudy", "MedicalGuideline"} <= seen
    assert {"MedicalScholarlyArticle", "MedicalStudy"} <= seen


@pytest.mark.parametrize("kind", KINDS)
def test_linked_data_is_served_when_asked_for(client: TestClient, kind: str) -> None:
    (first, *_) = walk(client, f"/v1/{kind}?limit=1")
    url = first["url"]
    for accept in [JSON_LD, f"application/json;q=0.5, {JSON_LD}"]:
        response = client.get(url, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == JSON_LD
        assert response.headers["content-language"] == "en"
        assert response.json()["@id"] == url
    for headers in [{}, {"Accept": "*/*"}, {"Accept": "application/json"}]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == "application/json"
        assert "@context" not in response.json()
