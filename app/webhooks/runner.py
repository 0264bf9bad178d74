"""Running the delivery worker: in a thread of each `gutbrain serve` worker (the app's
lifespan), or on its own as `gutbrain worker`."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from starlette.requests import Request

from app.core.config import Settings
from app.core.db import get_engine
from app.core.urls import Urls
from app.webhooks.delivery import DeliveryWorker, ItemUrl

# Stopping waits for a request in flight, within the 20 s `gutbrain serve` allows for shutdown;
# an event cut off is sent again once the lease expires, as a retry.
STOP_SECONDS = 10.0


def item_urls(app: FastAPI) -> ItemUrl:
    """The public URL of an item, built from the app's routes outside any request."""
    return Urls(Request({"type": "http", "app": app})).item


class DeliveryThread:
    """A delivery worker in a daemon thread, stopped between two requests."""

    def __init__(self, worker: DeliveryWorker) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=worker.run, args=(self.stopping,), name="webhook-delivery", daemon=True
        )

    def start(self) -> "DeliveryThread":
        self.thread.start()
        return self

    def stop(self, timeout: float = STOP_SECONDS) -> bool:
        """Whether the thread stopped within `timeout`."""
        self.stopping.set()
        self.thread.join(timeout)
        return not self.thread.is_alive()


def delivery_lifespan(
    settings: Settings,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: delivers webhooks while it serves, unless turned off."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.webhook_delivery_enabled:
            yield
            return
        delivery = DeliveryThread(DeliveryWorker(get_engine(), settings, item_urls(app))).start()
        try:
            yield
        finally:
            await asyncio.to_thread(delivery.stop)

    return lifespan
