from enum import StrEnum

import pytest
from fastapi.testclient import TestClient

from app.evidence import vocabulary as v

SECTIONS: dict[str, type[StrEnum]] = {
    "certainty_levels": v.Certainty,
    "strengths": v.Strength,
    "directions": v.Direction,
    "study_designs": v.StudyDesign,
    "certainty_domains": v.CertaintyDomain,
    "judgements": v.Judgement,
    "outcome_kinds": v.OutcomeKind,
    "claim_kinds": v.ClaimKind,
    "claim_roles": v.ClaimRole,
    "record_kinds": v.RecordKind,
    "item_kinds": v.ItemKind,
    "change_kinds": v.ChangeKind,
    "caveat_kinds": v.CaveatKind,
    "caveat_origins": v.CaveatOrigin,
    "severities": v.Severity,
    "life_stages": v.LifeStage,
    "audiences": v.Audience,
    "source_types": v.SourceType,
    "relations": v.Relation,
    "involvements": v.Involvement,
    "statuses": v.Status,
    "topics": v.Topic,
    "pathways": v.Pathway,
    "support_levels": v.SupportLevel,
    "species": v.Species,
}


@pytest.fixture(scope="module")
def vocabulary(client: TestClient) -> dict[str, list[dict[str, object]]]:
    response = client.get("/v1/vocabulary")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("section", SECTIONS)
def test_every_code_is_defined(
    vocabulary: dict[str, list[dict[str, object]]], section: str
) -> None:
    terms = vocabulary[section]
    assert [term["code"] for term in terms] == [member.value for member in SECTIONS[section]]
    for term in terms:
        assert term["label"]
        assert term["definition"]


def test_certainty_says_how_to_hedge(vocabulary: dict[str, list[dict[str, object]]]) -> None:
    """The served guidance names the hedges the wording rule checks, and no placeholder."""
    wording = {
        term["code"]: str(term["consumer_wording"]) for term in vocabulary["certainty_levels"]
    }
    assert wording["high"] == "Stated plainly, with no hedge."
    for level, hedges in v.CERTAINTY_HEDGES.items():
        assert all(f'"{hedge}"' in wording[level] for hedge in hedges)
        assert " X " not in f" {wording[level]} "


def test_every_caveat_kind_has_consumer_wording(
    vocabulary: dict[str, list[dict[str, object]]],
) -> None:
    assert all(term["consumer_wording"] for term in vocabulary["caveat_kinds"])


def test_life_stages_carry_age_bounds(vocabulary: dict[str, list[dict[str, object]]]) -> None:
    ages = {
        t["code"]: (t["min_age_months"], t["max_age_months"]) for t in vocabulary["life_stages"]
    }
    assert ages["infant"] == (0, 11)
    assert ages["toddler"] == (12, 35)
    assert ages["preschool"] == (36, 59)
    assert ages["older_adult"] == (780, None)


def test_study_designs_carry_starting_levels(
    vocabulary: dict[str, list[dict[str, object]]],
) -> None:
    levels = {t["code"]: t["starting_level"] for t in vocabulary["study_designs"]}
    assert levels["rct"] == 4
    assert levels["systematic_review_rct"] == 4
    assert levels["prospective_cohort"] == 2
    assert levels["animal"] == 1
    assert levels["unspecified"] == 1


def test_every_study_design_says_what_it_can_and_cannot_show(
    vocabulary: dict[str, list[dict[str, object]]],
) -> None:
    designs = vocabulary["study_designs"]
    assert {t["code"] for t in designs} == set(v.StudyDesign)
    assert all(t["can_show"] and t["cannot_show"] for t in designs)
