"""The editorial workflow through the editor API: every step between two statuses is allowed or
refused exactly as `TRANSITIONS` says, with the scope it names; the public sees an item only
while it is published or needs an update; a published item's content is the publisher's, a
withdrawn one's no one's until reinstated; and the review queue lists what is due, oldest first.

Each case makes a fresh copy of a seeded study on the module's own database and walks it to the
status it needs by legal steps, so cases do not depend on one another.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from app.editor.workflow import TRANSITIONS
from app.evidence.vocabulary import Status
from app.keys.scopes import Scope
from app.writing.kinds import CONTENT_KINDS
from tests.editing import Editing, editing
from tests.helpers import assert_problem, walk

KIND = "studies"
STATUSES = list(Status)
# The legal steps from a new draft to each status.
PATHS: dict[Status, list[Status]] = {
    Status.draft: [],
    Status.in_review: [Status.in_review],
    Status.published: [Status.in_review, Status.published],
    Status.needs_update: [Status.in_review, Status.published, Status.needs_update],
    Status.withdrawn: [Status.withdrawn],
}
LEGAL = [(was, to) for was in STATUSES for to in STATUSES if to in TRANSITIONS[was]]
ETAG = re.compile(r'^"v([1-9][0-9]*)(?:-(?:br|gzip|zstd))?"$')
# A word no seeded item uses, so a search for it finds only the item that carries it.
MARKER = "zylophrenic"


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("workflow") as e:
        yield e


@pytest.fixture(scope="module")
def study(editor: Editing) -> str:
    """A seeded study to copy."""
    response = editor.client.get(f"/v1/{KIND}")
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items
    slug: str = items[0]["slug"]
    return slug


def today() -> date:
    return datetime.now(UTC).date()


def version_of(response: httpx.Response) -> int:
    match = ETAG.match(response.headers["ETag"])
    assert match, response.headers["ETag"]
    return int(match.group(1))


def problem_type(body: dict[str, Any]) -> str:
    kind: str = body["type"].rsplit("/problems/", 1)[1]
    return kind


def step(
    editor: Editing, slug: str, status: str, key: dict[str, str], etag: str | None = None
) -> httpx.Response:
    """One transition request, sent with the ETag given (or none when it is empty)."""
    headers = dict(key)
    if etag:
        headers["If-Match"] = etag
    return editor.client.post(
        editor.url(KIND, slug, "transitions"), json={"status": status}, headers=headers
    )


def fresh(editor: Editing, study: str, slug: str, status: Status) -> dict[str, Any]:
    """A new copy of the study, brought to `status` by legal steps with the publisher's key."""
    created = editor.create_copy(KIND, study, slug)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == Status.draft
    current = Status.draft
    for target in PATHS[status]:
        assert target in TRANSITIONS[current], f"{current} -> {target} is no legal step"
        moved = editor.move(KIND, slug, target, editor.publisher)
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == target
        current = target
    item = editor.item(KIND, slug)
    assert item["status"] == status
    assert item["version"] == 1 + len(PATHS[status])
    return item


def assert_unchanged(editor: Editing, slug: str, before: dict[str, Any]) -> None:
    after = editor.item(KIND, slug)
    assert (after["status"], after["version"]) == (before["status"], before["version"])
    assert after["document"] == before["document"]


def slug_for(prefix: str, *statuses: Status) -> str:
    return "-".join([prefix, *(status.value.replace("_", "-") for status in statuses)])


# 1. Every pair of statuses: the legal steps succeed, the others are refused.


@pytest.mark.parametrize(
    ("was", "to"),
    [(was, to) for was in STATUSES for to in STATUSES],
    ids=[f"{was}->{to}" for was in STATUSES for to in STATUSES],
)
def test_every_transition(editor: Editing, study: str, was: Status, to: Status) -> None:
    slug = slug_for("wf", was, to)
    before = fresh(editor, study, slug, was)
    assert before["allowed_transitions"] == list(TRANSITIONS[was])

    response = editor.move(KIND, slug, to, editor.publisher)

    if to in TRANSITIONS[was]:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == to
        assert body["version"] == before["version"] + 1
        assert version_of(response) == before["version"] + 1
        assert body["allowed_transitions"] == list(TRANSITIONS[to])
        assert body["document"] == before["document"]
        stored = editor.item(KIND, slug)
        assert (stored["status"], stored["version"]) == (to, before["version"] + 1)
    else:
        problem = assert_problem(response, 409)
        assert problem_type(problem) == "invalid-transition"
        named = re.search(r"may become: ([a-z_, ]+)\.?$", problem["detail"])
        assert named, problem["detail"]
        assert named.group(1).split(", ") == [status.value for status in TRANSITIONS[was]]
        assert_unchanged(editor, slug, before)


def test_same_status_is_never_a_step() -> None:
    assert all(status not in TRANSITIONS[status] for status in STATUSES)
    assert set(TRANSITIONS) == set(STATUSES)


# 2. Each step needs the scope TRANSITIONS names.


@pytest.mark.parametrize(("was", "to"), LEGAL, ids=[f"{was}->{to}" for was, to in LEGAL])
def test_transition_scope(editor: Editing, study: str, was: Status, to: Status) -> None:
    slug = slug_for("scope", was, to)
    before = fresh(editor, study, slug, was)

    response = editor.move(KIND, slug, to, editor.writer)

    if TRANSITIONS[was][to] is Scope.content_publish:
        problem = assert_problem(response, 403)
        assert problem_type(problem) == "forbidden"
        assert "content:publish" in problem["detail"]
        assert_unchanged(editor, slug, before)
        # The same step with the publisher's key goes through: only the scope was missing.
        response = editor.move(KIND, slug, to, editor.publisher)
    else:
        assert TRANSITIONS[was][to] is Scope.content_write
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == (to, before["version"] + 1)


def test_writer_cannot_take_public_content_down(editor: Editing, study: str) -> None:
    slug = "scope-takedown"
    fresh(editor, study, slug, Status.published)
    flagged = editor.move(KIND, slug, Status.needs_update, editor.writer)
    assert flagged.status_code == 200, flagged.text
    assert editor.client.get(f"/v1/{KIND}/{slug}").status_code == 200
    before = editor.item(KIND, slug)

    response = editor.move(KIND, slug, Status.in_review, editor.writer)

    assert "content:publish" in assert_problem(response, 403)["detail"]
    assert_unchanged(editor, slug, before)
    assert editor.client.get(f"/v1/{KIND}/{slug}").status_code == 200


# 3. Only published and needs-update items are public.


def public_view(editor: Editing, slug: str) -> dict[str, Any]:
    """What the public sees of the item: detail status, whether it is listed, shown by the
    sources it links and found by search, and its change-feed entries."""
    detail = editor.client.get(f"/v1/{KIND}/{slug}")
    sources = [editor.client.get(f"/v1/sources/{s}") for s in editor.read(KIND, slug)[0]["sources"]]
    assert sources
    assert all(source.status_code == 200 for source in sources)
    listed = [item["slug"] for item in walk(editor.client, f"/v1/{KIND}")]
    search = editor.client.get("/v1/search", params={"q": MARKER})
    assert search.status_code == 200, search.text
    feed = walk(editor.client, "/v1/changes")
    return {
        "detail": detail.status_code,
        "listed": slug in listed,
        "linked": any(
            slug in [study["slug"] for study in source.json()["studies"]] for source in sources
        ),
        "found": slug in [item["slug"] for item in search.json()["items"]],
        "changes": [(c["change"], c["version"]) for c in feed if c["slug"] == slug],
    }


def test_public_sees_only_public_statuses(editor: Editing, study: str) -> None:
    slug = "wf-visibility"
    fresh(editor, study, slug, Status.draft)
    document, etag = editor.read(KIND, slug)
    document["title"] = f"{document['title']} {MARKER}"
    renamed = editor.put(KIND, slug, document, etag, editor.writer)
    assert renamed.status_code == 200, renamed.text
    hidden = {"detail": 404, "listed": False, "linked": False, "found": False, "changes": []}

    assert public_view(editor, slug) == hidden
    assert editor.item(KIND, slug)["links"]["public"] is None

    assert editor.move(KIND, slug, Status.in_review, editor.writer).status_code == 200
    assert public_view(editor, slug) == hidden

    published = editor.move(KIND, slug, Status.published, editor.publisher)
    assert published.status_code == 200, published.text
    version = published.json()["version"]
    assert public_view(editor, slug) == {
        "detail": 200,
        "listed": True,
        "linked": True,
        "found": True,
        "changes": [("created", version)],
    }
    assert published.json()["links"]["public"] == f"http://testserver/v1/{KIND}/{slug}"

    withdrawn = editor.move(KIND, slug, Status.withdrawn, editor.publisher)
    assert withdrawn.status_code == 200, withdrawn.text
    assert public_view(editor, slug) == {
        "detail": 410,
        "listed": False,
        "linked": False,
        "found": False,
        "changes": [("created", version), ("withdrawn", version + 1)],
    }


def test_public_items_cite_only_public_studies(editor: Editing, study: str) -> None:
    """A recommendation cannot go public while a claim cites a draft study, and a study public
    items cite cannot leave the site: either would show a rating resting on evidence the public
    cannot see. Each refusal names the item and changes nothing."""
    cited = "wf-cited"
    fresh(editor, study, cited, Status.draft)
    recommendation = editor.client.get("/v1/recommendations").json()["items"][0]["slug"]
    copied = editor.create_copy("recommendations", recommendation, "wf-citing")
    assert copied.status_code == 201, copied.text
    document, etag = editor.read("recommendations", "wf-citing")
    document["claims"][0]["studies"] = [*document["claims"][0]["studies"], cited]
    citing = editor.put("recommendations", "wf-citing", document, etag, editor.writer)
    assert citing.status_code == 200, citing.text
    assert editor.move("recommendations", "wf-citing", Status.in_review, editor.writer).is_success

    refused = editor.move("recommendations", "wf-citing", Status.published, editor.publisher)
    assert problem_type(assert_problem(refused, 422)) == "content-rule"
    assert [error["detail"] for error in refused.json()["errors"]] == [
        f"recommendation wf-citing is published but cites study {cited}, which is draft"
    ]
    assert editor.item("recommendations", "wf-citing")["status"] == Status.in_review

    for target in PATHS[Status.published]:
        assert editor.move(KIND, cited, target, editor.publisher).is_success
    published = editor.move("recommendations", "wf-citing", Status.published, editor.publisher)
    assert published.status_code == 200, published.text
    claim = editor.client.get("/v1/recommendations/wf-citing").json()["claims"][0]
    assert cited in [shown["slug"] for shown in claim["studies"]]

    before = editor.item(KIND, cited)
    kept = editor.move(KIND, cited, Status.withdrawn, editor.publisher)
    assert problem_type(assert_problem(kept, 422)) == "content-rule"
    assert [error["detail"] for error in kept.json()["errors"]] == [
        "recommendation wf-citing: recommendation wf-citing is published but cites study"
        f" {cited}, which is withdrawn"
    ]
    assert_unchanged(editor, cited, before)
    assert editor.client.get(f"/v1/{KIND}/{cited}").status_code == 200


# 4. Who may change content in which status.


def test_published_content_needs_publish_scope(editor: Editing, study: str) -> None:
    slug = "wf-edit-published"
    fresh(editor, study, slug, Status.published)
    before = editor.item(KIND, slug)
    document, etag = editor.read(KIND, slug)
    document["findings"] = f"{document['findings']} Checked again."

    refused = editor.put(KIND, slug, document, etag, editor.writer)
    problem = assert_problem(refused, 403)
    assert "content:publish" in problem["detail"]
    patched = editor.patch(
        KIND, slug, {"findings": "Changed after another look."}, etag, editor.writer
    )
    assert "content:publish" in assert_problem(patched, 403)["detail"]
    assert_unchanged(editor, slug, before)

    accepted = editor.put(KIND, slug, document, etag, editor.publisher)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["version"]) == (Status.published, before["version"] + 1)
    assert body["document"]["findings"] == document["findings"]


def test_withdrawn_content_is_frozen_until_reinstated(editor: Editing, study: str) -> None:
    slug = "wf-edit-withdrawn"
    fresh(editor, study, slug, Status.published)
    _, etag = editor.read(KIND, slug)

    not_allowed = editor.client.delete(
        editor.url(KIND, slug), headers={**editor.writer, "If-Match": etag}
    )
    assert "content:publish" in assert_problem(not_allowed, 403)["detail"]
    deleted = editor.client.delete(
        editor.url(KIND, slug), headers={**editor.publisher, "If-Match": etag}
    )
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["status"] == Status.withdrawn
    before = editor.item(KIND, slug)

    document, etag = editor.read(KIND, slug)
    document["findings"] = f"{document['findings']} Checked again."
    for key in (editor.writer, editor.publisher):
        put = editor.put(KIND, slug, document, etag, key)
        assert problem_type(assert_problem(put, 409)) == "invalid-transition"
        patched = editor.patch(KIND, slug, {"findings": "Changed after another look."}, etag, key)
        assert problem_type(assert_problem(patched, 409)) == "invalid-transition"
    assert_unchanged(editor, slug, before)

    reinstate = editor.move(KIND, slug, Status.draft, editor.writer)
    assert "content:publish" in assert_problem(reinstate, 403)["detail"]
    assert_unchanged(editor, slug, before)
    reinstated = editor.move(KIND, slug, Status.draft, editor.publisher)
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["status"] == Status.draft

    document, etag = editor.read(KIND, slug)
    document["findings"] = f"{document['findings']} Checked again."
    edited = editor.put(KIND, slug, document, etag, editor.writer)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["status"], edited.json()["version"]) == (
        Status.draft,
        before["version"] + 2,
    )


# 5. Preconditions and the body of a transition.


def test_transition_preconditions(editor: Editing, study: str) -> None:
    slug = "wf-preconditions"
    before = fresh(editor, study, slug, Status.draft)
    _, etag = editor.read(KIND, slug)

    missing = step(editor, slug, Status.in_review, editor.publisher)
    assert problem_type(assert_problem(missing, 428)) == "precondition-required"

    unknown = step(editor, slug, "archived", editor.publisher, etag)
    assert_problem(unknown, 422)
    assert_unchanged(editor, slug, before)

    moved = step(editor, slug, Status.in_review, editor.publisher, etag)
    assert moved.status_code == 200, moved.text
    after = moved.json()

    _, current = editor.read(KIND, slug)
    for sent, status, problem in [
        (etag, 412, "precondition-failed"),
        ("*", 428, "precondition-required"),
        (f"W/{current}", 412, "precondition-failed"),
    ]:
        refused = step(editor, slug, Status.draft, editor.publisher, sent)
        assert problem_type(assert_problem(refused, status)) == problem, sent
        assert_unchanged(editor, slug, after)


# 6. The review queue.


def due(editor: Editing, within_days: int, key: dict[str, str] | None = None) -> list[Any]:
    response = editor.client.get(
        "/v1/editor/due", params={"within_days": within_days}, headers=key or editor.writer
    )
    assert response.status_code == 200, response.text
    assert response.json()["within_days"] == within_days
    items: list[Any] = response.json()["items"]
    return items


def assert_queue(editor: Editing, within_days: int) -> list[Any]:
    """The queue is complete, in order, within its horizon, and counts days right."""
    items = due(editor, within_days)
    horizon = today() + timedelta(days=within_days)
    keys = [(item["next_review_due"], item["kind"], item["slug"]) for item in items]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for item in items:
        due_on = date.fromisoformat(item["next_review_due"])
        assert due_on <= horizon
        assert item["status"] != Status.withdrawn
        assert item["overdue_days"] == (today() - due_on).days
    expected = set()
    with Session(editor.engine) as session:
        for spec in CONTENT_KINDS:
            expected |= {
                (spec.kind.value, row.slug)
                for row in session.exec(select(spec.model))
                if row.next_review_due is not None
                and row.next_review_due <= horizon
                and row.status != Status.withdrawn
            }
    assert {(item["kind"], item["slug"]) for item in items} == expected
    return items


def set_review(
    editor: Editing, slug: str, last_reviewed_on: date, next_review_due: date | None
) -> None:
    document, etag = editor.read(KIND, slug)
    document["last_reviewed_on"] = last_reviewed_on.isoformat()
    document["next_review_due"] = next_review_due.isoformat() if next_review_due else None
    status = editor.item(KIND, slug)["status"]
    key = editor.publisher if status in (Status.published, Status.needs_update) else editor.writer
    response = editor.put(KIND, slug, document, etag, key)
    assert response.status_code == 200, response.text
    expected = next_review_due or last_reviewed_on + timedelta(days=365)
    assert response.json()["next_review_due"] == expected.isoformat()


def entry(items: list[Any], slug: str) -> dict[str, Any] | None:
    found = [item for item in items if item["kind"] == "study" and item["slug"] == slug]
    assert len(found) <= 1
    return found[0] if found else None


def test_review_queue_order_and_horizon(editor: Editing, study: str) -> None:
    for within_days in (0, 30, 366):
        assert_queue(editor, within_days)
    default = editor.client.get("/v1/editor/due", headers=editor.writer)
    assert default.status_code == 200, default.text
    assert default.json()["within_days"] == 30
    assert default.json()["items"] == due(editor, 30)


def test_review_queue_follows_review_dates(editor: Editing, study: str) -> None:
    overdue, edge, later, gone = "due-overdue", "due-edge", "due-later", "due-withdrawn"
    for slug in (overdue, edge, later, gone):
        fresh(editor, study, slug, Status.draft)

    # Reviewed a year and a half ago: due half a year ago, so overdue by the difference.
    reviewed = today() - timedelta(days=548)
    set_review(editor, overdue, reviewed, None)
    due_on = reviewed + timedelta(days=365)
    items = assert_queue(editor, 0)
    found = entry(items, overdue)
    assert found is not None
    assert found["next_review_due"] == due_on.isoformat()
    assert found["overdue_days"] == 183
    assert found["status"] == Status.draft
    assert found["edit"] == f"http://testserver/v1/editor/{KIND}/{overdue}"
    assert found["title"] == editor.item(KIND, overdue)["document"]["title"]
    assert all(
        item["next_review_due"] <= found["next_review_due"] for item in items[: items.index(found)]
    )
    assert all(
        item["next_review_due"] >= found["next_review_due"] for item in items[items.index(found) :]
    )

    # An explicit due date in the past counts from itself, whatever the last review.
    set_review(editor, edge, today() - timedelta(days=10), today() - timedelta(days=3))
    found = entry(assert_queue(editor, 0), edge)
    assert found is not None
    assert found["overdue_days"] == 3

    # Due in exactly 5 days: listed when looking 5 days ahead, not 4.
    set_review(editor, edge, today() - timedelta(days=10), today() + timedelta(days=5))
    assert entry(assert_queue(editor, 4), edge) is None
    found = entry(assert_queue(editor, 5), edge)
    assert found is not None
    assert found["overdue_days"] == -5

    # Moving the due date far ahead takes an item off the queue, however far one looks.
    set_review(editor, later, today() - timedelta(days=548), None)
    assert entry(assert_queue(editor, 0), later) is not None
    set_review(editor, later, today(), today() + timedelta(days=400))
    assert entry(assert_queue(editor, 366), later) is None

    # A withdrawn item is never due, even long overdue.
    set_review(editor, gone, today() - timedelta(days=900), None)
    assert entry(assert_queue(editor, 0), gone) is not None
    assert editor.move(KIND, gone, Status.withdrawn, editor.publisher).status_code == 200
    assert entry(assert_queue(editor, 0), gone) is None
    assert entry(assert_queue(editor, 366), gone) is None


@pytest.mark.parametrize("within_days", [-1, 367, "soon"])
def test_review_queue_refuses_bad_horizons(editor: Editing, within_days: object) -> None:
    response = editor.client.get(
        "/v1/editor/due", params={"within_days": str(within_days)}, headers=editor.writer
    )
    body = assert_problem(response, 422)
    assert problem_type(body) == "validation-error"
