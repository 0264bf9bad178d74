"""A worker process for the concurrency tests: its own interpreter, engine and connection pool,
serving the same API. Kept apart from the test modules, whose imports would set up a test run
of their own in the child."""

import os
from typing import Any


def put_in_own_process(
    database_url: str, path: str, headers: dict[str, str], body: Any, start: Any, results: Any
) -> None:
    os.environ["DATABASE_URL"] = database_url
    from fastapi.testclient import TestClient

    from app.main import app

    with TestClient(app) as client:
        start.wait()
        results.put((body, client.put(path, json=body, headers=headers).status_code))
