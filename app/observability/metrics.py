"""Prometheus metrics: requests by route template, latency, requests in flight, the DB pool.

With several worker processes each has its own registry, and a scrape sees only the worker that
answered it, unless `PROMETHEUS_MULTIPROC_DIR` names an empty, writable folder shared by the
workers: prometheus_client then keeps the counters in files there, and `/metrics` adds them up.
"""

import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

from app.core.db import get_engine

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Every path no route matches shares one label, so scanners cannot grow the series.
UNMATCHED_ROUTE = "unmatched"
# Seconds: from cached reads (a few ms) to the 5 s bounds on database waits.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


REGISTRY = CollectorRegistry()

REQUESTS = Counter(
    "gutbrain_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "gutbrain_http_request_duration_seconds",
    "Time from receiving a request to sending the last byte of its response.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
IN_FLIGHT = Gauge(
    "gutbrain_http_requests_in_flight",
    "HTTP requests being served now.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)


class DatabasePoolCollector(Collector):
    """The connection pool of the engine requests use, read at scrape time. Per process: with
    several workers, the pool of the worker that answered the scrape."""

    def collect(self) -> Iterator[Metric]:
        pool = get_engine().pool
        if not isinstance(pool, QueuePool):
            return
        for name, documentation, value in (
            ("size", "Connections the pool keeps open (its configured size).", pool.size()),
            ("checked_out", "Connections in use by requests now.", pool.checkedout()),
            ("checked_in", "Open connections idle in the pool.", pool.checkedin()),
            ("overflow", "Connections beyond the pool size (negative: unopened).", pool.overflow()),
        ):
            yield GaugeMetricFamily(f"gutbrain_db_pool_{name}", documentation, value=value)


REGISTRY.register(DatabasePoolCollector())


def exposition() -> bytes:
    """Every metric in the Prometheus text format."""
    if not multiprocess_mode():
        return generate_latest(REGISTRY)
    # The metrics of every worker, added up from their files, and this worker's pool.
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)
    combined.register(DatabasePoolCollector())
    return generate_latest(combined)
