"""How a serving process runs Python: its garbage collector and its thread pool.

Measured with bench/http_throughput.py on the uncached routes, when every request built its
response from a few hundred ORM objects: freezing the start-up heap doubled their requests per
second, and two threads instead of anyio's forty raised them by half again under 32 concurrent
connections (README, Performance).
"""

import gc
from functools import cache

import anyio.to_thread

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
