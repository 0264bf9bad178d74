"""How a serving process runs Python: its garbage collector, its thread pool, and how sync
endpoints reach that pool.

Measured with bench/http_throughput.py on the uncached routes, when every request built its
response from a few hundred ORM objects: freezing the start-up heap doubled their requests per
second, and two threads instead of anyio's forty raised them by half again under 32 concurrent
connections (README, Performance).
"""

import gc
import inspect
from collections.abc import Callable
from functools import cache, partial, wraps
from typing import Any

import anyio.to_thread
from fastapi.routing import APIRoute

# Allocations between young collections (CPython's default is 700): building a response
# allocates thousands of objects, nearly all gone once it has been sent.
YOUNG_COLLECTION_ALLOCATIONS = 10_000


@cache
def freeze_start_up_heap() -> None:
    """Once per process. Modules, schemas and mappings, most of the heap, live as long as the
    process; frozen, the collector stops walking them at every full collection, which it runs
    often while responses are built."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, *gc.get_threshold()[1:])


def limit_blocking_threads(threads: int) -> None:
    """Threads that may run sync endpoints and dependencies at once on the running event loop.
    Database work is mostly Python holding the GIL: threads beyond a few only take turns, at a
    cost in switching and in connections held while waiting for the GIL."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def on_worker_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A sync endpoint as an async one that runs it on a worker thread; an async one as it is."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(partial(endpoint, *args, **kwargs))

    return run


class ThreadedRoute(APIRoute):
    """A route whose sync endpoint runs on a worker thread from an async one, so that FastAPI
    checks and serialises what it returns on the event loop. For a sync endpoint FastAPI does
    that on a second worker thread, while the request still holds its database connection: with
    more requests in flight than threads, every thread could end up waiting for a connection
    that only a request waiting for a thread would give back, until the pool timed out."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, on_worker_thread(endpoint), **kwargs)
