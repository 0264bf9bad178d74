"""Every list filter returns exactly the items whose details satisfy it.

Expectations are computed from the detail documents, not from SQL, so a filter that matches too
much or too little fails here.
"""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.evidence.vocabulary import (
    CERTAINTY_RANK,
    CaveatKind,
    Certainty,
    LifeStage,
    Pathway,
    SourceType,
    Strength,
    StudyDesign,
    SupportLevel,
    Topic,
)
from tests.helpers import walk

Detail = dict[str, Any]
Predicate = Callable[[Detail, str], bool]


@pytest.fixture(scope="module")
def details(client: TestClient) -> dict[str, list[Detail]]:
    found: dict[str, list[Detail]] = {}
    for kind in ("recommendations", "mechanisms", "studies", "sources"):
        found[kind] = [
            client.get(item["url"]).json() for item in walk(client, f"/v1/{kind}?limit=100")
        ]
    return found


def _slugs(items: list[Detail]) -> set[str]:
    return {item["slug"] for item in items}


def _caveat_kinds(detail: Detail) -> set[str]:
    kinds = {caveat["kind"] for caveat in detail.get("caveats", [])}
    for claim in detail.get("claims", []):
        kinds |= {caveat["kind"] for caveat in claim["caveats"]}
    return kinds


def _carries_caveat(detail: Detail, value: str) -> bool:
    return value in _caveat_kinds(detail)


def _at_least(detail: Detail, value: str) -> bool:
    return (
        CERTAINTY_RANK[Certainty(detail["certainty"]["code"])] >= CERTAINTY_RANK[Certainty(value)]
    )


def _refs(field: str) -> Predicate:
    return lambda detail, value: value in {ref["slug"] for ref in detail[field]}


def _equals(field: str) -> Predicate:
    return lambda detail, value: detail[field] == value


def _stage(detail: Detail, value: str) -> bool:
    return value in {stage["code"] for stage in detail["life_stages"]}


FILTERS: dict[str, dict[str, tuple[Predicate, Callable[[dict[str, list[Detail]]], list[str]]]]] = {
    "recommendations": {
        "life_stage": (_stage, lambda d: list(LifeStage)),
        "topic": (_equals("topic"), lambda d: list(Topic)),
        "min_certainty": (_at_least, lambda d: list(Certainty)),
        "strength": (_equals("strength"), lambda d: list(Strength)),
        "mechanism": (_refs("mechanisms"), lambda d: sorted(_slugs(d["mechanisms"]))),
        "study": (_refs("studies"), lambda d: sorted(_slugs(d["studies"]))),
        "caveat_kind": (_carries_caveat, lambda d: list(CaveatKind)),
    },
    "mechanisms": {
        "pathway": (_equals("pathway"), lambda d: list(Pathway)),
        "support_level": (_equals("support_level"), lambda d: list(SupportLevel)),
        "min_certainty": (_at_least, lambda d: list(Certainty)),
        "recommendation": (
            _refs("recommendations"),
            lambda d: sorted(_slugs(d["recommendations"])),
        ),
        "study": (_refs("studies"), lambda d: sorted(_slugs(d["studies"]))),
        "caveat_kind": (_carries_caveat, lambda d: list(CaveatKind)),
    },
    "studies": {
        "design": (_equals("design"), lambda d: list(StudyDesign)),
        "life_stage": (_stage, lambda d: list(LifeStage)),
        "mechanism": (_refs("mechanisms"), lambda d: sorted(_slugs(d["mechanisms"]))),
        "recommendation": (
            _refs("recommendations"),
            lambda d: sorted(_slugs(d["recommendations"])),
        ),
        "source": (_refs("sources"), lambda d: sorted(_slugs(d["sources"]))),
        "caveat_kind": (_carries_caveat, lambda d: list(CaveatKind)),
    },
    "sources": {
        "source_type": (_equals("source_type"), lambda d: list(SourceType)),
    },
}

CASES = [(kind, name) for kind, filters in FILTERS.items() for name in filters]


@pytest.mark.parametrize(("kind", "name"), CASES)
def test_filter_matches_details(
    client: TestClient, details: dict[str, list[Detail]], kind: str, name: str
) -> None:
    predicate, values = FILTERS[kind][name]
    items = details[kind]
    assert items, f"the seed has no published {kind}"
    matched_any = False
    for value in values(details):
        expected = {item["slug"] for item in items if predicate(item, str(value))}
        matched_any = matched_any or bool(expected)
        got = [item["slug"] for item in walk(client, f"/v1/{kind}?{name}={value}&limit=100")]
        assert len(got) == len(set(got))
        assert set(got) == expected, f"{kind}?{name}={value}"
    assert matched_any, f"no value of {name} matches any of the seeded {kind}"


@pytest.mark.parametrize("kind", FILTERS)
def test_updated_since(client: TestClient, details: dict[str, list[Detail]], kind: str) -> None:
    items = details[kind]
    latest = max(item["review"]["updated_at"] for item in items)
    got = walk(client, f"/v1/{kind}?updated_since={latest.replace('+', '%2B')}&limit=100")
    assert {item["slug"] for item in got} == {
        item["slug"] for item in items if item["review"]["updated_at"] >= latest
    }
    later = client.get(f"/v1/{kind}", params={"updated_since": "2999-01-01T00:00:00Z"})
    assert later.json()["items"] == []


def test_filters_combine(client: TestClient, details: dict[str, list[Detail]]) -> None:
    items = details["recommendations"]
    for stage in LifeStage:
        for level in Certainty:
            expected = {
                item["slug"] for item in items if _stage(item, stage) and _at_least(item, level)
            }
            got = walk(
                client,
                f"/v1/recommendations?life_stage={stage}&min_certainty={level}&limit=100",
            )
            assert {item["slug"] for item in got} == expected
