"""The prefixes of the API keys that can authenticate, as the limiter knows them.

A key's budget is given only to the prefix of a key that was issued and is neither revoked nor
expired; a made-up key, however well-formed, is counted against its client address, so rotating
invented prefixes earns no fresh budgets. The set is read from the database in a worker thread
at most every `REFRESH_SECONDS` (sooner, but not more often than every `MISS_REFRESH_SECONDS`,
when an unknown prefix arrives, so a new key gets its budget within seconds), never per request.
A failed read keeps the last set and logs a warning: the limiter must not fail requests.
"""

import asyncio
import logging
import time
from collections.abc import Callable

import anyio.to_thread
import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from app.core.db import get_engine
from app.core.types import utcnow
from app.models import ApiKey

logger = logging.getLogger("app.rate_limits")

REFRESH_SECONDS = 30.0
MISS_REFRESH_SECONDS = 5.0


def active_prefixes() -> frozenset[str]:
    now = utcnow()
    query = select(ApiKey.prefix).where(
        col(ApiKey.revoked_at).is_(None),
        or_(col(ApiKey.expires_at).is_(None), col(ApiKey.expires_at) > now),
    )
    with Session(get_engine()) as session:
        return frozenset(session.exec(query))


class IssuedPrefixes:
    def __init__(self, load: Callable[[], frozenset[str]] = active_prefixes) -> None:
        self.load = load
        self.prefixes: frozenset[str] = frozenset()
        self.loaded_at = -float("inf")
        self._lock = asyncio.Lock()

    async def known(self, prefix: str) -> bool:
        age = time.monotonic() - self.loaded_at
        if age >= REFRESH_SECONDS or (prefix not in self.prefixes and age >= MISS_REFRESH_SECONDS):
            await self._refresh()
        return prefix in self.prefixes

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self.loaded_at < MISS_REFRESH_SECONDS:
                return  # another request refreshed it meanwhile
            try:
                self.prefixes = await anyio.to_thread.run_sync(self.load)
            except sa.exc.SQLAlchemyError as error:
                logger.warning("cannot read the issued API keys, keeping the last set: %s", error)
            self.loaded_at = time.monotonic()
