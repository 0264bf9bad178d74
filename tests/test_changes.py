"""The change feed lists every public change in commit order, withdrawals included, and what
changes with the calendar alone; the content version moves every validator."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.changes.log import public_change
from app.core import http_cache
from app.core.types import utcnow
from app.evidence.vocabulary import ChangeKind, Status
from app.models import ContentChange, Recommendation
from app.seeding.loader import load_seed
from tests.conftest import serving
from tests.helpers import assert_problem, walk
from tests.test_seed_loader import edit_seed

KINDS = {
    "recommendation": "recommendations",
    "mechanism": "mechanisms",
    "study": "studies",
    "source": "sources",
}


def _load(engine: Engine, directory: Path) -> None:
    with Session(engine) as session:
        load_seed(session, directory)
        session.commit()


def _feed(client: Any, url: str = "/v1/changes?limit=7") -> tuple[list[dict[str, Any]], str]:
    """Every change from `url` on, and the URL to continue from later."""
    changes, last = [], url
    while url:
        page = client.get(url).json()
        changes += page["items"]
        last, url = url, page["next"]
    return changes, last


def test_feed_walked_from_the_start_is_the_changes_made(
    scratch_engine: Engine, seed_copy: Path
) -> None:
    _load(scratch_engine, seed_copy)
    with serving(scratch_engine) as client:
        created, _ = _feed(client)
        published = {
            (kind, item["slug"])
            for kind, plural in KINDS.items()
            for item in walk(client, f"/v1/{plural}?limit=100")
        }
        assert {(c["kind"], c["slug"]) for c in created} == published
        assert {c["change"] for c in created} == {"created"}
        assert [c["at"] for c in created] == sorted(c["at"] for c in created)
        etag = client.get("/v1/recommendations").headers["etag"]

    removed: dict[str, str] = {}

    def retitle_first_and_drop_last(items: list[dict[str, Any]]) -> None:
        items[0]["title"] += " (revised)"
        removed["retitled"] = items[0]["slug"]
        removed["slug"] = items.pop()["slug"]

    edit_seed(seed_copy, "recommendations", retitle_first_and_drop_last)
    _load(scratch_engine, seed_copy)
    _load(scratch_engine, seed_copy)  # unchanged: records nothing

    with serving(scratch_engine) as client:
        changes, _ = _feed(client)
        later = changes[len(created) :]
        assert [(c["slug"], c["change"], c["version"]) for c in later] == [
            (removed["retitled"], "updated", 2),
            (removed["slug"], "withdrawn", 2),
        ]
        gone = client.get(later[1]["url"])
        body = assert_problem(gone, 410)
        assert body["type"].endswith("/problems/gone")
        slugs = {item["slug"] for item in walk(client, "/v1/recommendations?limit=100")}
        assert removed["slug"] not in slugs
        assert client.get("/v1/recommendations").headers["etag"] != etag


def test_a_new_headline_certainty_is_its_own_kind_of_change(
    scratch_engine: Engine, seed_copy: Path
) -> None:
    _load(scratch_engine, seed_copy)

    def doubt_the_advice(items: list[dict[str, Any]]) -> None:
        advice = next(c for c in items[0]["claims"] if c.get("role") == "advice")
        advice["judgements"].append(
            {"domain": "imprecision", "judgement": "serious", "note": "Wide intervals."}
        )
        advice.update(certainty="low", wording="Breastfeeding may protect babies' health.")
        # The renditions follow the headline certainty down, as the claim's wording does.
        for rendition in ("push_tip", "card_summary"):
            items[0][rendition] = items[0][rendition].replace("probably protects", "may protect")

    edit_seed(seed_copy, "recommendations", doubt_the_advice)
    with serving(scratch_engine) as client:
        _, resume = _feed(client)
        before = client.get(resume).json()["items"]
    _load(scratch_engine, seed_copy)
    with serving(scratch_engine) as client:
        after = client.get(resume).json()["items"]
        assert [(c["slug"], c["change"]) for c in after[len(before) :]] == [
            ("breastfeed", "certainty_changed")
        ]
        assert client.get("/v1/recommendations/breastfeed").json()["certainty"]["code"] == "low"


def test_a_stored_next_link_resumes_where_it_left_off(
    scratch_engine: Engine, seed_copy: Path
) -> None:
    _load(scratch_engine, seed_copy)
    with serving(scratch_engine) as client:
        everything, _ = _feed(client, "/v1/changes?limit=100")
        first = client.get("/v1/changes?limit=10").json()
        rest, _ = _feed(client, first["next"])
        assert first["items"] + rest == everything


def test_an_item_falling_due_for_review_changes_feed_and_validators(
    scratch_engine: Engine, seed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(scratch_engine, seed_copy)
    with scratch_engine.begin() as connection:
        # As if the content had been published two days ago.
        connection.execute(sa.update(ContentChange).values(at=utcnow() - timedelta(days=2)))
    with serving(scratch_engine) as client:
        before, _ = _feed(client)
        etag = client.get("/v1/recommendations/breastfeed").headers["etag"]
    yesterday = utcnow().date() - timedelta(days=1)
    with scratch_engine.begin() as connection:
        connection.execute(
            sa.update(Recommendation)
            .where(col(Recommendation.slug) == "breastfeed")
            .values(next_review_due=yesterday)
        )
    # The review date moved behind the write path, as only the passing of days moves an item
    # into review: each worker reads the overdue items once per version and day, so it is
    # shown the next day.
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(http_cache, "utcnow", lambda: tomorrow)
    with serving(scratch_engine) as client:
        after, _ = _feed(client)
        assert after[: len(before)] == before
        new = after[len(before) :]
        assert [(c["slug"], c["change"]) for c in new] == [("breastfeed", "review_overdue")]
        revalidated = client.get("/v1/recommendations/breastfeed", headers={"If-None-Match": etag})
        assert revalidated.status_code == 200
        assert revalidated.headers["etag"] != etag
        caveats = {caveat["kind"] for caveat in revalidated.json()["caveats"]}
        assert "evidence_may_be_outdated" in caveats


@pytest.mark.parametrize("cursor", ["garbage", "a.b", "x" * 401, ""])
def test_a_garbage_feed_cursor_is_a_problem(client: Any, cursor: str) -> None:
    response = client.get(f"/v1/changes?cursor={cursor}")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    ("was", "now", "certainty", "change"),
    [
        (None, Status.published, False, ChangeKind.created),
        (None, Status.draft, False, None),
        (Status.draft, Status.published, False, ChangeKind.created),
        (Status.published, Status.published, False, ChangeKind.updated),
        (Status.published, Status.published, True, ChangeKind.certainty_changed),
        (Status.published, Status.withdrawn, False, ChangeKind.withdrawn),
        (Status.needs_update, Status.in_review, False, ChangeKind.withdrawn),
        (Status.draft, Status.in_review, False, None),
    ],
)
def test_public_change_of_each_transition(
    was: Status | None, now: Status, certainty: bool, change: ChangeKind | None
) -> None:
    assert public_change(was, now, certainty) is change
