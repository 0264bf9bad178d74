"""The serving process: its start-up heap frozen, its sync work on `WORKER_THREADS` threads, and
no request holding a database connection while it waits for one of them."""

import asyncio
import gc
from collections import Counter

import anyio.to_thread
import httpx
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import get_settings
from app.core.runtime import YOUNG_COLLECTION_ALLOCATIONS
from app.keys.scopes import Scope
from app.main import create_app
from tests.conftest import KeyFactory


def _thread_tokens() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


def test_a_serving_app_runs_sync_work_on_its_threads_with_its_heap_frozen(
    seeded_engine: Engine,
) -> None:
    settings = get_settings().model_copy(
        update={"worker_threads": 3, "webhook_delivery_enabled": False}
    )
    with TestClient(create_app(settings)) as client:
        assert client.portal.call(_thread_tokens) == 3
        assert client.get("/v1/recommendations/breastfeed").status_code == 200
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_COLLECTION_ALLOCATIONS


# More requests at once than the pool has connections (5 + 10 overflow) and threads (2).
FLOOD = 48


def test_more_requests_than_connections_and_threads_all_get_answers(
    seeded_engine: Engine, make_key: KeyFactory
) -> None:
    """A request must not hold a database connection while it waits for a worker thread: with
    every thread waiting for a connection held that way, requests would wait out the pool's
    timeout and get 503s. Uncached, so that every request reads the database."""
    settings = get_settings().model_copy(
        update={
            "worker_threads": 2,
            "webhook_delivery_enabled": False,
            "response_cache_mb": 0,
            "rate_limit_enabled": False,
        }
    )
    app = create_app(settings)
    editor = make_key([Scope.keys_admin])

    async def flood(path: str, headers: dict[str, str]) -> Counter[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(
                *(client.get(path, headers=headers) for _ in range(FLOOD))
            )
        return Counter(answer.status_code for answer in answers)

    async def every_route() -> dict[str, Counter[int]]:
        async with app.router.lifespan_context(app):
            return {path: await flood(path, editor if "/editor/" in path else {}) for path in paths}

    paths = ("/readyz", "/v1/vocabulary", "/v1/recommendations", "/v1/editor/keys")
    assert asyncio.run(every_route()) == {path: Counter({200: FLOOD}) for path in paths}
