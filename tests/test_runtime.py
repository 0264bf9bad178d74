"""The serving process: its start-up heap frozen, its sync work on `WORKER_THREADS` threads."""

import gc

import anyio.to_thread
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.core.config import get_settings
from app.core.runtime import YOUNG_COLLECTION_ALLOCATIONS
from app.main import create_app


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
