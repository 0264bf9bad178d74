"""Latency of editor writes relative to a baseline measured in the same run.

The baseline is `GET /health`. Measured: reading an item as an editor, a merge patch of a draft
(no public change), of a published recommendation (content version, change feed and search
index in the same transaction), and of a study that recommendations cite (every dependent
re-derived). It writes: run it against a scratch database, migrated and seeded:

    DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/gutbrain migrate
    DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/gutbrain seed
    DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python bench/editor_writes.py [--rounds 30]
"""

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.db import get_engine
from app.keys.scopes import Scope
from app.keys.service import create_key
from app.main import app

MERGE_PATCH = "application/merge-patch+json"


def median_seconds(call: Callable[[int], httpx.Response], rounds: int) -> float:
    timings = []
    for n in range(rounds):
        started = time.perf_counter()
        response = call(n)
        timings.append(time.perf_counter() - started)
        assert response.status_code in (200, 201), response.text
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    with Session(get_engine(), expire_on_commit=False) as session:
        issued = create_key(session, f"bench-{uuid.uuid4().hex[:8]}", list(Scope), None)
        session.commit()
    key = {"Authorization": f"Bearer {issued.key}"}
    with TestClient(app) as client:

        def patcher(
            kind: str, slug: str, field: str, values: list[object]
        ) -> Callable[[int], httpx.Response]:
            url = f"/v1/editor/{kind}/{slug}"

            def call(n: int) -> httpx.Response:
                etag = client.get(url, headers=key).headers["ETag"]
                return client.patch(
                    url,
                    content=json.dumps({field: values[n % len(values)]}),
                    headers={**key, "If-Match": etag, "Content-Type": MERGE_PATCH},
                )

            return call

        draft = client.get("/v1/editor/recommendations/breastfeed", headers=key).json()
        document = {**draft["document"], "slug": "bench-draft"}
        for claim in document["claims"]:
            claim["slug"] += "-bench"
        client.post("/v1/editor/recommendations", json=document, headers=key)
        tips = ["Breastfeed if you can.", "Breast milk suits babies best."]
        cases = {
            "GET /v1/editor/recommendations/breastfeed": lambda n: client.get(
                "/v1/editor/recommendations/breastfeed", headers=key
            ),
            "read + PATCH a draft recommendation": patcher(
                "recommendations", "bench-draft", "tip", tips
            ),
            "read + PATCH a published recommendation": patcher(
                "recommendations", "breastfeed", "tip", tips
            ),
            "read + PATCH a cited study (re-derives dependents)": patcher(
                "studies", "child-gut-microbiome-cohort", "n_participants", [55, 56]
            ),
        }
        baseline = median_seconds(lambda n: client.get("/health"), rounds * 5)
        print(f"baseline GET /health: median {baseline * 1000:.2f} ms (= 1.0)")
        for name, call in cases.items():
            print(f"{median_seconds(call, rounds) / baseline:7.1f} x baseline  {name}")


if __name__ == "__main__":
    main()
