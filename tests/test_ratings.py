"""Ratings a clinician would sign, read through HTTP as a card or a client would read them.

Each recommendation answers two questions with two ratings: does the advice help, and is the
gut-brain reason the documents give for it true. Every served rating is worded at its level,
every study carries a readable evidence level, and derived caveats are true where they sit.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.evidence import rules
from app.evidence.vocabulary import Certainty, StudyDesign
from tests.helpers import walk

KINDS = ["recommendations", "mechanisms", "studies", "sources"]
COUNTRY_SPECIFIC = re.compile(
    r"\b(GP|NHS|health visitor|school nurse|A&E|paediatrician's surgery)\b"
)


@pytest.fixture(scope="module")
def details(client: TestClient) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: [client.get(item["url"]).json() for item in walk(client, f"/v1/{kind}?limit=100")]
        for kind in KINDS
    }


def _claims(details: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for kind in ("recommendations", "mechanisms"):
        for item in details[kind]:
            yield from item["claims"]


def _ratings(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [item[key] for key in ("certainty", "gut_rationale_certainty") if key in item]


def test_every_recommendation_serves_both_ratings(client: TestClient) -> None:
    for item in walk(client, "/v1/recommendations?limit=100"):
        for rating in (item["certainty"], item["gut_rationale_certainty"]):
            assert set(rating) == {"code", "label", "wording"}
            assert rules.wording_problems(Certainty(rating["code"]), rating["wording"]) == []


def test_established_advice_is_rated_on_its_evidence(client: TestClient) -> None:
    """Advice backed by reviews of trials is not very low because a blog repeated it, and its
    speculative gut-brain story is rated on its own."""
    exercise = client.get("/v1/recommendations/regular-exercise").json()
    assert exercise["certainty"]["code"] == "moderate"
    assert exercise["gut_rationale_certainty"]["code"] == "very_low"
    assert exercise["top_caveat"]["kind"] != "unsupported_claim"
    levels = [item["certainty"]["code"] for item in walk(client, "/v1/recommendations?limit=100")]
    assert levels.count("very_low") < len(levels) / 2


def test_every_served_rating_is_worded_at_its_level(details: dict[str, Any]) -> None:
    placeholder = re.compile(r"\bX\b.*\bY\b")
    items = [*details["recommendations"], *details["mechanisms"]]
    ratings = [rating for item in items for rating in _ratings(item)]
    for rating in [*ratings, *(claim["certainty"] for claim in _claims(details))]:
        assert not placeholder.search(rating["wording"]), rating
        assert rules.wording_problems(Certainty(rating["code"]), rating["wording"]) == []


def _traced(claim: dict[str, Any]) -> list[dict[str, Any]]:
    """What research measured, and whether it stands alone, is said only of what we traced."""
    return [study for study in claim["studies"] if study["traceable"]]


def test_single_study_caveat_only_on_single_studies(details: dict[str, Any]) -> None:
    seen = 0
    for claim in _claims(details):
        kinds = {caveat["kind"] for caveat in claim["caveats"]}
        records = [study["record_kind"] for study in _traced(claim)]
        if "single_study_unreplicated" in kinds:
            seen += 1
            assert records == ["single_study"], claim["slug"]
        elif records == ["single_study"]:
            pytest.fail(f"{claim['slug']} rests on one single study without saying so")
    assert seen > 0


def test_surrogate_caveat_only_where_a_study_measured_a_surrogate(details: dict[str, Any]) -> None:
    outcome_of = {study["slug"]: study["outcome_kind"] for study in details["studies"]}
    for claim in _claims(details):
        if "surrogate_outcome" in {caveat["kind"] for caveat in claim["caveats"]}:
            outcomes = {outcome_of[study["slug"]] for study in _traced(claim)}
            assert outcomes & {"surrogate", "mechanistic"}, claim["slug"]
            assert "patient_oriented" not in outcomes, claim["slug"]


def test_consult_professional_heads_only_advice_that_needs_a_professional(
    details: dict[str, Any],
) -> None:
    needs_professional = {"probiotics_supplements", "infant_feeding", "mental_health_support"}
    for item in details["recommendations"]:
        top = item["top_caveat"]
        if top and top["kind"] == "consult_professional" and top["severity"] == "important":
            assert item["topic"] in needs_professional, item["slug"]
    outdoor = next(item for item in details["recommendations"] if item["slug"] == "outdoor-play")
    assert outdoor["top_caveat"]["kind"] != "consult_professional"


def test_every_study_has_a_readable_evidence_level(details: dict[str, Any]) -> None:
    refs = [study for claim in _claims(details) for study in claim["studies"]]
    assert refs
    for study in [*details["studies"], *refs]:
        level = study["evidence_level"]
        assert level["code"] in set(StudyDesign)
        assert all(level[field] for field in ("label", "can_show", "cannot_show"))
        assert level["label"] in level["summary"]


def test_identifiers_carry_their_verification_note(details: dict[str, Any]) -> None:
    verified = [study for study in details["studies"] if study["publication"]]
    assert verified
    for study in verified:
        publication = study["publication"]
        for identifier in (publication["doi"], publication["pmid"]):
            if identifier:
                assert identifier in study["identification_note"], study["slug"]


def _caveats(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [*item["caveats"], *(c for claim in item.get("claims", []) for c in claim["caveats"])]


def test_editorial_caveats_have_references(details: dict[str, Any]) -> None:
    editorial = [
        caveat
        for kind in KINDS
        for item in details[kind]
        for caveat in _caveats(item)
        if caveat["origin"] == "editorial"
    ]
    assert editorial
    assert all(caveat["reference"] for caveat in editorial)


def test_consumer_text_is_international(details: dict[str, Any]) -> None:
    """What readers see names no country's services; references may name their sources."""
    for kind in KINDS:
        for item in details[kind]:
            texts = [item.get("tip", ""), item.get("statement", ""), item.get("description", "")]
            texts += [caveat["text"] for caveat in _caveats(item)]
            texts += [claim["certainty"]["wording"] for claim in item.get("claims", [])]
            for text in texts:
                assert not COUNTRY_SPECIFIC.search(text), (item["slug"], text)


def test_content_language_is_declared(client: TestClient) -> None:
    listed = client.get("/v1/recommendations")
    assert listed.headers["content-language"] == "en"
    assert {item["language"] for item in listed.json()["items"]} == {"en"}
    detail = client.get("/v1/studies/child-gut-microbiome-cohort")
    assert detail.headers["content-language"] == "en"
    assert detail.json()["language"] == "en"


def test_short_chain_fatty_acids_stand_as_a_mechanism(client: TestClient) -> None:
    by_pathway = client.get("/v1/mechanisms?pathway=scfa").json()["items"]
    assert [item["slug"] for item in by_pathway] == ["short-chain-fatty-acids"]
    assert client.get("/v1/mechanisms/short-chain-fatty-acids").status_code == 200


def test_targets_rest_on_verified_evidence(details: dict[str, Any]) -> None:
    targets = [target for item in details["recommendations"] for target in item["targets"]]
    assert targets
    for target in targets:
        assert target["study"]["record_kind"] in {"guideline", "systematic_review", "single_study"}
        assert target["quote"] is None or target["quote"]["relation"] != "overstates"


@pytest.mark.parametrize(
    "pathway",
    [
        "serotonin",
        "scfa",
        "vagus_nerve",
        "immune_inflammation",
        "intestinal_barrier",
        "hpa_axis_cortisol",
        "gaba",
        "microbial_metabolites",
        "microbiome_composition",
        "brain_connectivity",
    ],
)
def test_every_mechanism_the_documents_name_is_findable(client: TestClient, pathway: str) -> None:
    assert client.get(f"/v1/mechanisms?pathway={pathway}").json()["items"], pathway


def test_claims_resting_only_on_a_commercial_source_say_so(
    client: TestClient, details: dict[str, Any]
) -> None:
    commercial = {
        source["slug"]
        for source in walk(client, "/v1/sources?limit=100")
        if source["commercial_interest"]
    }
    resting_only = [
        claim
        for claim in _claims(details)
        if not _traced(claim) and {quote["source"] for quote in claim["quotes"]} <= commercial
    ]
    assert resting_only
    for claim in resting_only:
        assert "commercial_interest" in {caveat["kind"] for caveat in claim["caveats"]}
