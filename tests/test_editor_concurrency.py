"""Editors racing on one item with the same ETag: exactly one wins, every other gets 412, and the
winner's change is the one stored, with one new revision. Threads share one API; processes each
run their own, as the workers of a deployment do."""

import multiprocessing
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app.models import Revision
from tests.editing import Editing, editing
from tests.helpers import assert_problem
from tests.racing import put_in_own_process

RACERS = 6
KIND, SLUG = "recommendations", "manage-stress"


@pytest.fixture(scope="module")
def editor() -> Iterator[Editing]:
    with editing("concurrency") as ready:
        yield ready


def _revisions(editor: Editing) -> int:
    with Session(editor.engine) as session:
        query = select(func.count()).where(col(Revision.slug) == SLUG)
        return session.exec(query).one()


def _tips(count: int, who: str) -> list[str]:
    return [f"Take a few slow breaths when stress builds ({who} {n})." for n in range(count)]


def _assert_one_winner(
    editor: Editing, statuses: list[int], tips: list[str], version: int, revisions: int
) -> None:
    assert sorted(statuses) == [200] + [412] * (len(statuses) - 1), statuses
    winner = tips[statuses.index(200)]
    stored = editor.item(KIND, SLUG)
    assert stored["document"]["tip"] == winner
    assert stored["version"] == version + 1
    assert _revisions(editor) == revisions + 1
    assert editor.client.get(f"/v1/recommendations/{SLUG}").json()["tip"] == winner


def test_threads_racing_with_one_etag(editor: Editing) -> None:
    document, etag = editor.read(KIND, SLUG)
    version, revisions = editor.item(KIND, SLUG)["version"], _revisions(editor)
    tips = _tips(RACERS, "thread")
    statuses = [0] * RACERS
    start = threading.Barrier(RACERS)

    def race(n: int) -> None:
        start.wait()
        body = {**document, "tip": tips[n]}
        statuses[n] = editor.put(KIND, SLUG, body, etag, editor.publisher).status_code

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    _assert_one_winner(editor, statuses, tips, version, revisions)


def test_processes_racing_with_one_etag(editor: Editing) -> None:
    document, etag = editor.read(KIND, SLUG)
    version, revisions = editor.item(KIND, SLUG)["version"], _revisions(editor)
    tips = _tips(RACERS, "process")
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(RACERS), context.Queue()
    url = editor.engine.url.render_as_string(hide_password=False)
    headers = {**editor.publisher, "If-Match": etag}
    path = editor.url(KIND, SLUG)
    workers = [
        context.Process(
            target=put_in_own_process,
            args=(url, path, headers, {**document, "tip": tips[n]}, start, results),
        )
        for n in range(RACERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    statuses = [0] * RACERS
    for _ in range(RACERS):
        body, status = results.get(timeout=5)
        statuses[tips.index(body["tip"])] = status
    _assert_one_winner(editor, statuses, tips, version, revisions)


def test_a_write_waiting_on_a_lock_held_elsewhere_gets_a_quick_503(editor: Editing) -> None:
    """Another transaction holds the item (PostgreSQL: its row; SQLite: the database's write
    lock) and does not let go: the write gives up after the bounded wait with a 503 problem."""
    document, etag = editor.read(KIND, SLUG)
    with editor.engine.connect() as holder:
        if editor.engine.dialect.name == "sqlite":
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            holder.execute(
                sa.text("SELECT id FROM recommendation WHERE slug = :s FOR UPDATE"), {"s": SLUG}
            )
        started = time.monotonic()
        response = editor.put(
            KIND, SLUG, {**document, "tip": "Never stored."}, etag, editor.publisher
        )
        waited = time.monotonic() - started
        holder.rollback()
    problem = assert_problem(response, 503)
    assert response.headers["Retry-After"] == "5"
    assert problem["type"].endswith("/problems/service-unavailable")
    assert waited < 20
    assert editor.read(KIND, SLUG)[0]["tip"] == document["tip"]
