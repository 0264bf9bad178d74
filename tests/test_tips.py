"""Tips are projections of the recommendations they come from; the tip of the day is fair.

Expectations come from the recommendations list and from the unfiltered tips, never from SQL.
"""

import datetime
import itertools
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.evidence.vocabulary import CERTAINTY_RANK, Certainty, LifeStage, Topic
from tests.helpers import assert_problem, walk

Item = dict[str, Any]

TIP_FIELDS = {
    "slug",
    "tip",
    "push_tip",
    "title",
    "certainty",
    "gut_rationale_certainty",
    "top_caveat",
    "life_stages",
    "topic",
    "recommendation_url",
    "language",
}
# Fields a tip serves exactly as the recommendation list does.
SHARED_FIELDS = TIP_FIELDS - {"recommendation_url", "push_tip"}

FILTER_VALUES: dict[str, list[str]] = {
    "life_stage": list(LifeStage),
    "topic": list(Topic),
    "min_certainty": list(Certainty),
}
FILTER_CASES = [(name, value) for name, values in FILTER_VALUES.items() for value in values]


def _satisfies(tip: Item, filters: dict[str, str]) -> bool:
    for name, value in filters.items():
        if name == "life_stage" and value not in {stage["code"] for stage in tip["life_stages"]}:
            return False
        if name == "topic" and tip["topic"] != value:
            return False
        if name == "min_certainty" and (
            CERTAINTY_RANK[Certainty(tip["certainty"]["code"])] < CERTAINTY_RANK[Certainty(value)]
        ):
            return False
    return True


def _query(filters: dict[str, str], **more: Any) -> str:
    return urlencode({**filters, **more})


@pytest.fixture(scope="module")
def tips(client: TestClient) -> list[Item]:
    found = walk(client, "/v1/tips?limit=100")
    assert len(found) >= 3, "the seed needs a few published recommendations"
    return found


def test_one_tip_per_recommendation_in_slug_order(client: TestClient, tips: list[Item]) -> None:
    recommendations = walk(client, "/v1/recommendations?limit=100")
    assert [tip["slug"] for tip in tips] == [item["slug"] for item in recommendations]
    assert [tip["slug"] for tip in tips] == sorted(tip["slug"] for tip in tips)


def test_tip_shape(client: TestClient, tips: list[Item]) -> None:
    response = client.get("/v1/tips?limit=2")
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "en"
    page = response.json()
    assert set(page) == {"items", "next", "cursor"}
    for tip in tips:
        assert set(tip) == TIP_FIELDS
        assert len(tip["tip"]) <= 160
        for rating in ("certainty", "gut_rationale_certainty"):
            assert set(tip[rating]) == {"code", "label", "wording"}


def test_tip_serves_the_recommendations_values(client: TestClient, tips: list[Item]) -> None:
    recommendations = {item["slug"]: item for item in walk(client, "/v1/recommendations?limit=100")}
    for tip in tips:
        recommendation = recommendations[tip["slug"]]
        for field in SHARED_FIELDS:
            assert tip[field] == recommendation[field], (tip["slug"], field)
        assert tip["recommendation_url"] == recommendation["url"]
        assert tip["push_tip"] == recommendation["renditions"]["push_tip"]


def test_recommendation_url_is_absolute_and_resolves(client: TestClient, tips: list[Item]) -> None:
    for tip in tips:
        url = tip["recommendation_url"]
        parts = urlsplit(url)
        assert parts.scheme in {"http", "https"}
        assert parts.netloc
        assert parts.path.endswith(f"/v1/recommendations/{tip['slug']}")
        detail = client.get(url)
        assert detail.status_code == 200, detail.text
        assert detail.json()["top_caveat"] == tip["top_caveat"]


@pytest.mark.parametrize(("name", "value"), FILTER_CASES)
def test_filter_matches_the_recommendations_list(
    client: TestClient, tips: list[Item], name: str, value: str
) -> None:
    filters = {name: value}
    found = walk(client, f"/v1/tips?{_query(filters, limit=100)}")
    assert all(_satisfies(tip, filters) for tip in found)
    assert [tip["slug"] for tip in found] == [
        tip["slug"] for tip in tips if _satisfies(tip, filters)
    ]
    same = walk(client, f"/v1/recommendations?{_query(filters, limit=100)}")
    assert [tip["slug"] for tip in found] == [item["slug"] for item in same]


def test_filters_narrow_the_list(client: TestClient, tips: list[Item]) -> None:
    """Some value of every filter leaves some tips out and keeps others, so the filter tests
    above are not passing on lists that are all or nothing."""
    for name, values in FILTER_VALUES.items():
        sizes = {len([t for t in tips if _satisfies(t, {name: value})]) for value in values}
        assert sizes - {0, len(tips)}, f"no value of {name} narrows the seeded tips"


def test_filters_combine(client: TestClient, tips: list[Item]) -> None:
    filters = {"life_stage": "adult", "min_certainty": "moderate"}
    found = walk(client, f"/v1/tips?{_query(filters, limit=100)}")
    assert found, "the seed needs a moderate-certainty recommendation for adults"
    assert [tip["slug"] for tip in found] == [
        tip["slug"] for tip in tips if _satisfies(tip, filters)
    ]


@pytest.mark.parametrize("path", ["/v1/tips", "/v1/tips/daily"])
@pytest.mark.parametrize(
    ("parameter", "value"),
    [("life_stage", "unborn"), ("topic", "astrology"), ("min_certainty", "certain")],
)
def test_bad_filter_is_a_validation_problem(
    client: TestClient, path: str, parameter: str, value: str
) -> None:
    body = assert_problem(client.get(f"{path}?{parameter}={value}"), 422)
    assert [(error["parameter"], error["in"]) for error in body["errors"]] == [(parameter, "query")]
    # As the recommendations list refuses it.
    assert_problem(client.get(f"/v1/recommendations?{parameter}={value}"), 422)


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_limit_is_bounded(client: TestClient, limit: str) -> None:
    body = assert_problem(client.get(f"/v1/tips?limit={limit}"), 422)
    assert body["errors"][0]["parameter"] == "limit"


def test_pagination_follows_next(client: TestClient, tips: list[Item]) -> None:
    one_by_one = walk(client, "/v1/tips?limit=1")
    assert one_by_one == tips
    first = client.get("/v1/tips?limit=2").json()
    assert len(first["items"]) == 2
    next_url = urlsplit(first["next"])
    assert next_url.netloc
    assert next_url.path.endswith("/v1/tips")
    following = client.get(first["next"]).json()
    assert following["items"][0]["slug"] == tips[2]["slug"]
    assert client.get("/v1/tips?limit=100").json()["next"] is None


def test_pagination_keeps_filters(client: TestClient, tips: list[Item]) -> None:
    filters = {"topic": "diet"}
    expected = [tip for tip in tips if _satisfies(tip, filters)]
    assert len(expected) >= 2, "the seed needs two diet recommendations"
    assert walk(client, f"/v1/tips?{_query(filters, limit=1)}") == expected


def test_cursor_reused_with_other_filters_is_refused(client: TestClient) -> None:
    next_url = client.get("/v1/tips?limit=1").json()["next"]
    body = assert_problem(client.get(f"{next_url}&topic=diet"), 400)
    assert body["type"].endswith("/problems/invalid-cursor")


def _daily(client: TestClient, filters: dict[str, str], day: datetime.date) -> Item:
    response = client.get(f"/v1/tips/daily?{_query(filters, date=day.isoformat())}")
    assert response.status_code == 200, response.text
    return response.json()


DAY = datetime.date(2026, 1, 31)
DAILY_FILTERS = [{}, {"life_stage": "adult"}, {"topic": "diet"}, {"min_certainty": "moderate"}]


@pytest.mark.parametrize("filters", DAILY_FILTERS)
def test_daily_tip_is_deterministic(client: TestClient, filters: dict[str, str]) -> None:
    first = _daily(client, filters, DAY)
    assert _daily(client, filters, DAY) == first
    assert first["date"] == DAY.isoformat()


@pytest.mark.parametrize("filters", DAILY_FILTERS)
def test_daily_tip_is_the_tip_at_the_days_ordinal(
    client: TestClient, tips: list[Item], filters: dict[str, str]
) -> None:
    eligible = sorted(
        (tip for tip in tips if _satisfies(tip, filters)), key=lambda tip: tip["slug"]
    )
    served = _daily(client, filters, DAY)
    expected = eligible[DAY.toordinal() % len(eligible)]
    assert {key: value for key, value in served.items() if key != "date"} == expected


@pytest.mark.parametrize("filters", DAILY_FILTERS)
def test_every_eligible_tip_comes_round(
    client: TestClient, tips: list[Item], filters: dict[str, str]
) -> None:
    eligible = [tip["slug"] for tip in tips if _satisfies(tip, filters)]
    assert eligible
    days = [DAY + datetime.timedelta(days=offset) for offset in range(len(eligible))]
    served = [_daily(client, filters, day)["slug"] for day in days]
    assert sorted(served) == sorted(eligible)


@pytest.mark.parametrize(("name", "value"), FILTER_CASES)
def test_daily_tip_honours_the_filter(
    client: TestClient, tips: list[Item], name: str, value: str
) -> None:
    filters = {name: value}
    response = client.get(f"/v1/tips/daily?{_query(filters, date=DAY.isoformat())}")
    if not any(_satisfies(tip, filters) for tip in tips):
        assert_problem(response, 404)
        return
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "en"
    assert _satisfies(response.json(), filters)


def test_daily_tip_defaults_to_today_in_utc(client: TestClient) -> None:
    before = datetime.datetime.now(datetime.UTC).date()
    response = client.get("/v1/tips/daily")
    after = datetime.datetime.now(datetime.UTC).date()
    assert response.status_code == 200, response.text
    served = datetime.date.fromisoformat(response.json()["date"])
    assert served in {before, after}
    assert response.json() == _daily(client, {}, served)


def test_daily_tip_with_nothing_eligible_is_not_found(client: TestClient, tips: list[Item]) -> None:
    empty = next(
        (
            {"life_stage": stage, "topic": topic}
            for stage, topic in itertools.product(LifeStage, Topic)
            if not any(_satisfies(tip, {"life_stage": stage, "topic": topic}) for tip in tips)
        ),
        None,
    )
    assert empty is not None, "every life stage has a recommendation on every topic"
    assert walk(client, f"/v1/tips?{_query(empty)}") == []
    body = assert_problem(client.get(f"/v1/tips/daily?{_query(empty)}"), 404)
    assert body["type"].endswith("/problems/not-found")


@pytest.mark.parametrize(
    "value",
    [
        "2026-02-30",
        "2026-13-01",
        "99999-01-01",
        "0000-01-01",
        "2026-1-5",
        "20260131",
        "0",
        "1769817600",
        "2026-01-31T00:00:00",
        "31/01/2026",
        "today",
        "",
    ],
)
def test_bad_date_is_a_validation_problem(client: TestClient, value: str) -> None:
    body = assert_problem(client.get(f"/v1/tips/daily?{urlencode({'date': value})}"), 422)
    assert [(error["parameter"], error["in"]) for error in body["errors"]] == [("date", "query")]


@pytest.mark.parametrize("day", [datetime.date.min, datetime.date.max])
def test_daily_tip_serves_the_calendars_ends(client: TestClient, day: datetime.date) -> None:
    assert _daily(client, {}, day)["date"] == day.isoformat()
