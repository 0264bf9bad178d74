"""A dataset at scale: the seed, then N more published recommendations (10,000 by default) with
about ten quotes each (100,000 in all), written through the one validated write path.

Each new recommendation is one of the seeded ones under a new slug, its claims renamed, its
title, statement, tip and claims reworded from word lists (so search sees a varied vocabulary),
its quotes topped up to ten from the passages other seeded items quote (each checked against the
source documents as any quote is), and its links to the seeded studies and mechanisms kept.
Items go in batches of 500 per transaction: ContentWriter checks the content rules, records
revisions and the change feed, moves the content version on and re-indexes the batch for search.
It reads ahead what a batch replaces and inserts each table's rows for the whole batch in a few
statements; on PostgreSQL two batches are in flight at once. 10,000 items: about 48 s on SQLite
and 51-65 s on PostgreSQL on 2 CPUs shared with other jobs (123 s and 162 s when every part of
an item was an ORM object flushed on its own).

    .venv/bin/python bench/scale_dataset.py --database-url sqlite:///scale.db [--items 10000]

The database is migrated and seeded first; run it on an empty database.
"""

import argparse
import gc
import pickle
import random
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import yaml
from alembic import command
from rich.progress import MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn
from sqlmodel import Session, func, select

from app.core.config import PROJECT_ROOT
from app.core.db import create_db_engine
from app.core.migrations import alembic_config
from app.evidence.vocabulary import ItemKind, Status
from app.models import Quote, Recommendation
from app.seeding.loader import load_seed
from app.writing.kinds import BY_KIND
from app.writing.writer import ContentWriter

SEED = PROJECT_ROOT / "seed"
BATCH = 500
QUOTES_PER_ITEM = 10
TIP_LENGTH = 160
CLAIM_LENGTH = 600
PLACES = ["at home", "at school", "at work", "in the evening", "at weekends", "on holiday"]
FOODS = [
    "lentils", "oats", "barley", "apples", "pears", "kefir", "yoghurt", "sauerkraut", "kimchi",
    "beans", "chickpeas", "berries", "leeks", "onions", "garlic", "walnuts", "flaxseed", "rye",
    "bananas", "broccoli", "spinach", "artichokes", "asparagus", "brown rice", "quinoa",
]  # fmt: skip
ACTIVITIES = [
    "walking", "cycling", "swimming", "dancing", "gardening", "yoga", "stretching", "climbing",
    "running", "team sports", "playground games", "tai chi", "breathing exercises", "reading",
]  # fmt: skip
PEOPLE = [
    "toddlers", "school-age children", "teenagers", "new parents", "older adults", "students",
    "shift workers", "carers", "pregnant women", "grandparents",
]  # fmt: skip
OUTCOMES = [
    "mood", "sleep quality", "stress", "attention", "digestion", "energy", "anxiety",
    "wellbeing", "concentration", "appetite",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    return (
        f"For {rng.choice(PEOPLE)}, {rng.choice(ACTIVITIES)} {rng.choice(PLACES)} and meals with"
        f" {rng.choice(FOODS)} or {rng.choice(FOODS)} may help {rng.choice(OUTCOMES)}."
    )


def quote_pool(originals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every distinct passage the seeded recommendations quote, as a quote of their own."""
    pool: dict[tuple[str, str], dict[str, Any]] = {}
    for item in originals:
        for quote in item.get("quotes", []):
            pool.setdefault((quote["source"], quote["exact"]), quote)
    return list(pool.values())


def count_quotes(item: dict[str, Any]) -> int:
    claims = sum(len(claim.get("quotes", [])) for claim in item.get("claims", []))
    targets = sum(1 for target in item.get("targets", []) if target.get("quote"))
    caveats = sum(len(caveat.get("quotes", [])) for caveat in item.get("caveats") or [])
    return len(item.get("quotes", [])) + claims + targets + caveats


def variant(
    original: dict[str, Any], number: int, pool: list[dict[str, Any]], rng: random.Random
) -> dict[str, Any]:
    item = pickle.loads(pickle.dumps(original))  # a deep copy, several times faster than copy's
    item.pop("status", None)
    suffix = f"v{number}"
    item["slug"] = f"{original['slug'][:90]}-{suffix}"
    item["title"] = f"{original['title'][:150]}: {rng.choice(ACTIVITIES)} and {rng.choice(FOODS)}"
    item["statement"] = f"{original['statement']} {sentence(rng)}"
    tip = f"Try {rng.choice(ACTIVITIES)} {rng.choice(PLACES)}. {original['tip']}"
    item["tip"] = tip if len(tip) <= TIP_LENGTH else original["tip"]
    for claim in item["claims"]:
        claim["slug"] = f"{claim['slug'][:90]}-{suffix}"
        text = f"{claim['text']} {sentence(rng)}"
        claim["text"] = text if len(text) <= CLAIM_LENGTH else claim["text"]
    quoted = {(quote["source"], quote["exact"]) for quote in item.get("quotes", [])}
    spare = [quote for quote in pool if (quote["source"], quote["exact"]) not in quoted]
    wanted = max(0, QUOTES_PER_ITEM - count_quotes(item))
    item["quotes"] = [*item.get("quotes", []), *rng.sample(spare, min(wanted, len(spare)))]
    return item


def write_batch(
    session_factory: Any, documents: list[dict[str, Any]], progress: Progress, task: TaskID
) -> None:
    """One transaction: ContentWriter writes the batch, checks it, records it, re-indexes it."""
    spec = BY_KIND[ItemKind.recommendation]
    with session_factory() as session:
        writer = ContentWriter(session, "scale-dataset", message="scale dataset")
        writer.read_ahead(spec, documents)
        for document in documents:
            writer.write(spec, document, Status.published, None)
            progress.advance(task)
        writer.finish()
        session.commit()


def generate(session_factory: Any, items: int, progress: Progress, workers: int) -> None:
    """The batches in order, up to `workers` of them in flight."""
    text = (SEED / "content" / "recommendations.yaml").read_text()
    originals = yaml.load(text, Loader=yaml.CSafeLoader)
    originals = [item for item in originals if item.get("status", "published") == "published"]
    pool = quote_pool(originals)
    rng = random.Random(11)
    task = progress.add_task("recommendations", total=items)
    with ThreadPoolExecutor(workers) as executor:
        running: deque[Future[None]] = deque()
        for start in range(0, items, BATCH):
            numbers = range(start, min(start + BATCH, items))
            documents = [variant(originals[n % len(originals)], n, pool, rng) for n in numbers]
            running.append(executor.submit(write_batch, session_factory, documents, progress, task))
            if len(running) == workers:
                running.popleft().result()
                gc.collect()
        for batch in running:
            batch.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--items", type=int, default=10_000)
    arguments = parser.parse_args()
    command.upgrade(alembic_config(arguments.database_url), "head")
    engine = create_db_engine(arguments.database_url)
    with Session(engine) as session:
        load_seed(session, SEED)
        session.commit()
    # What is loaded by now lives to the end: out of the collector's sight. A batch holds some
    # hundred thousand objects (rows, documents, ORM state) at once; the collector runs once
    # per batch, when they are garbage, rather than every few hundred allocations while they
    # are alive (it would scan them over and over).
    gc.freeze()
    gc.disable()
    # On PostgreSQL two batches run at once, each in its own transaction: while the server works
    # on one, Python builds the other. SQLite lets one transaction write at a time.
    workers = 2 if engine.dialect.name == "postgresql" else 1
    started = time.perf_counter()
    columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        generate(lambda: Session(engine), arguments.items, progress, workers)
    seconds = time.perf_counter() - started
    with Session(engine) as session:
        recommendations = session.exec(select(func.count()).select_from(Recommendation)).one()
        quotes = session.exec(select(func.count()).select_from(Quote)).one()
    print(
        f"{arguments.items} recommendations written in {seconds:.1f} s"
        f" ({arguments.items / seconds:.0f}/s); now {recommendations} recommendations,"
        f" {quotes} quotes"
    )


if __name__ == "__main__":
    main()
