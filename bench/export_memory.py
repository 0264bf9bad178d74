"""Peak memory of streaming the export, as the content grows, relative to a baseline measured in
the same run.

The baseline is the export of the seeded content (75 items). The same is then measured on a
database whose recommendations, mechanisms and studies are copied under new slugs until there
are about `--items` (the copies loaded through the seed loader, the one write path, so they are
real rows with claims, quotes, links and caveats). Peaks are tracemalloc's while the stream is
consumed and each chunk dropped; for comparison, the peak of holding the whole body in memory.
It builds its own SQLite files in a temporary folder:

    .venv/bin/python bench/export_memory.py [--items 10000]
"""

import argparse
import gc
import os
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

TMP = Path(tempfile.mkdtemp(prefix="gutbrain-export-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'unused.db'}"

from alembic import command  # noqa: E402
from sqlmodel import Session  # noqa: E402
from starlette.requests import Request  # noqa: E402

from app.core.config import get_settings  # noqa: E402
from app.core.db import create_db_engine  # noqa: E402
from app.core.migrations import alembic_config  # noqa: E402
from app.core.urls import Urls  # noqa: E402
from app.export.service import JSON, open_snapshot, stream_export  # noqa: E402
from app.main import app  # noqa: E402
from app.seeding.loader import load_seed  # noqa: E402

COPIED = ("recommendations", "mechanisms", "studies")


def multiplied_seed(copies: int) -> Path:
    """The seed with every recommendation, mechanism and study copied `copies` times."""
    seed = get_settings().seed_dir
    target = TMP / f"seed-{copies}"
    (target / "content").mkdir(parents=True)
    (target / "sources").symlink_to((seed / "sources").resolve())
    for name in ("sources", *COPIED):
        items = yaml.safe_load((seed / "content" / f"{name}.yaml").read_text(encoding="utf-8"))
        out = list(items)
        if name in COPIED:
            for n in range(1, copies):
                for item in items:
                    copy = {**item, "slug": f"{item['slug'][:90]}-x{n}"}
                    if "claims" in item:
                        copy["claims"] = [
                            {**claim, "slug": f"{claim['slug'][:90]}-x{n}"}
                            for claim in item["claims"]
                        ]
                    out.append(copy)
        (target / "content" / f"{name}.yaml").write_text(yaml.safe_dump(out), encoding="utf-8")
    return target


def database(seed: Path) -> Any:
    url = f"sqlite:///{TMP / (seed.name + '.db')}"
    command.upgrade(alembic_config(url), "head")
    engine = create_db_engine(url)
    with Session(engine) as session:
        load_seed(session, seed)
        session.commit()
    return engine


def peak(consume: Callable[[Iterator[bytes]], int], engine: Any) -> tuple[int, int, float]:
    """(peak bytes allocated, body bytes, seconds) of one export consumed by `consume`."""
    urls = Urls(Request({"type": "http", "app": app}))
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    size = consume(stream_export(open_snapshot(engine), urls, JSON))
    elapsed = time.perf_counter() - started
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top, size, elapsed


def streamed(chunks: Iterator[bytes]) -> int:
    return sum(len(chunk) for chunk in chunks)


def held(chunks: Iterator[bytes]) -> int:
    return len(b"".join(list(chunks)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    per_copy = 72  # the seed's recommendations, mechanisms and studies; its 3 sources stay single
    try:
        base_peak, base_size, base_time = peak(streamed, database(multiplied_seed(1)))
        print(
            f"baseline: the seeded content, 75 items, {base_size / 1e6:.2f} MB body,"
            f" peak {base_peak / 1e6:.2f} MB, {base_time:.2f} s"
        )
        for items in (args.items // 10, args.items):
            copies = max(1, round(items / per_copy))
            started = time.perf_counter()
            engine = database(multiplied_seed(copies))
            count = copies * per_copy + 3
            print(f"loaded {count} items in {time.perf_counter() - started:.0f} s")
            for label, consume in (("streamed", streamed), ("held in memory", held)):
                top, size, elapsed = peak(consume, engine)
                print(
                    f"{count} items, {label}: body {size / base_size:.0f} x,"
                    f" peak memory {top / base_peak:.1f} x ({top / 1e6:.1f} MB),"
                    f" time {elapsed / base_time:.0f} x"
                )
            engine.dispose()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
