"""Latency of the read API relative to a baseline measured in the same run.

The baseline is `GET /health` (routing, middleware and serialisation, no database). Each JSON
endpoint, card and page is reported as a ratio to it, so the figures compare across machines.
Runs against the database in DATABASE_URL (migrated and seeded: `gutbrain migrate &&
gutbrain seed`).

    .venv/bin/python bench/api_latency.py [--rounds 200]
"""

import argparse
import statistics
import time
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from app.core.urls import public_url
from app.main import app

ENDPOINTS = [
    "/v1/vocabulary",
    "/v1/recommendations?limit=20",
    "/v1/recommendations?limit=100&life_stage=toddler&caveat_kind=consult_professional",
    "/v1/recommendations/breastfeed",
    "/v1/mechanisms?limit=100",
    "/v1/studies?limit=100",
    "/v1/sources/news-baby-gut-mental-health",
    "/v1/tips?limit=20",
    "/v1/search?q=sleeping",
    "/v1/changes?limit=100",
    "/cards/recommendations/breastfeed",
    "/cards/studies/child-gut-microbiome-cohort",
    "/oembed?" + urlencode({"url": public_url("/cards/recommendations/breastfeed")}),
    "/explore",
    "/explore?life_stage=toddler&min_certainty=low",
]


def median_seconds(client: TestClient, url: str, rounds: int) -> float:
    for _ in range(10):
        client.get(url)
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with TestClient(app) as client:
        baseline = median_seconds(client, "/health", rounds)
        print(f"baseline GET /health: median {baseline * 1000:.2f} ms (= 1.0)")
        for url in ENDPOINTS:
            ratio = median_seconds(client, url, rounds) / baseline
            print(f"{ratio:7.1f} x baseline  GET {url}")


if __name__ == "__main__":
    main()
