"""Request budgets under a sliding window counter, kept in this process or in Redis for every
worker.

A sliding window counter (this fixed window's count plus the previous one's, weighed by how much
of it still overlaps the last `w` seconds) costs the same and keeps two numbers per client
whatever the quota; a moving window keeps a timestamp per counted request, a list that grows with
the quota and with it the cost of every request.

In memory they are `LocalCounters` (app/rate_limits/local.py), called inline: no I/O. The Redis
storage is `limits`' asyncio one on redis-py, so a slow Redis never blocks the event loop,
and every call is bounded: 0.5 s to connect, 0.5 s per reply, no retries, 1 s in all.

When Redis fails or goes silent, requests are not refused: this process counts them in its own
memory for `REDIS_RETRY_SECONDS` and then tries Redis again, logging one warning per outage.
Guidance on health is public and cheap to serve, and the budgets guard fairness rather than
anything secret, so a Redis outage should cost precision (each worker then allows the whole
quota), not availability; a per-process budget still bounds what any one client can do.
"""

import asyncio
import logging
import time

from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter as AsyncSlidingWindow
from redis.asyncio import ConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from app.rate_limits.local import LocalCounters
from app.rate_limits.policy import Outcome, Policy

logger = logging.getLogger("app.rate_limits")

CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 0.5
# Both Redis calls of one request together; a bound even if a timeout above were not honoured.
REDIS_DEADLINE_SECONDS = 1.0
REDIS_RETRY_SECONDS = 5.0
KEY_PREFIX = "gutbrain-rate-limits"


class Budgets:
    """Counts each request against its partition's budget and says what is left."""

    def __init__(self, redis_url: str | None = None, key_prefix: str = KEY_PREFIX) -> None:
        self.redis_url = redis_url
        self.key_prefix = key_prefix
        self.memory = LocalCounters()
        # redis.asyncio connections belong to the event loop that opened them.
        self._redis: RedisStorage | None = None
        self._pool: ConnectionPool | None = None
        self._redis_loop: asyncio.AbstractEventLoop | None = None
        self._redis_down_until = 0.0

    async def hit(self, policy: Policy, partition: str) -> Outcome:
        if self.redis_url is not None and time.monotonic() >= self._redis_down_until:
            try:
                async with asyncio.timeout(REDIS_DEADLINE_SECONDS):
                    outcome = await self._hit_redis(policy, partition)
            except (RedisError, OSError, TimeoutError) as error:
                self._redis_failed(error)
            else:
                if self._redis_down_until:
                    logger.warning("rate limits: Redis answers again; budgets are shared again")
                    self._redis_down_until = 0.0
                return outcome
        return self.memory.hit(policy, partition, time.time())

    async def _hit_redis(self, policy: Policy, partition: str) -> Outcome:
        limiter = AsyncSlidingWindow(self._redis_storage())
        allowed = await limiter.hit(policy.item, partition)
        reset_at, remaining = await limiter.get_window_stats(policy.item, partition)
        return Outcome(policy, allowed, max(0, remaining), reset_at)

    def _redis_storage(self) -> RedisStorage:
        loop = asyncio.get_running_loop()
        if self._redis is None or self._redis_loop is not loop:
            assert self.redis_url is not None
            # A pool of our own, so its timeouts hold and it can be closed at shutdown.
            self._pool = ConnectionPool.from_url(
                self.redis_url,
                socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                socket_timeout=READ_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 0),
            )
            self._redis = RedisStorage(
                f"async+{self.redis_url}",
                implementation="redispy",
                key_prefix=self.key_prefix,
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
            self._redis_loop = loop
        return self._redis

    def _redis_failed(self, error: BaseException) -> None:
        if not self._redis_down_until:
            logger.warning(
                "rate limits: Redis failed (%s: %s); counting in this process for %.0f s",
                type(error).__name__,
                error or "no answer in time",
                REDIS_RETRY_SECONDS,
            )
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    async def close(self) -> None:
        """Closes this event loop's Redis connections (at the application's shutdown)."""
        pool, self._pool, self._redis = self._pool, None, None
        if pool is not None and self._redis_loop is asyncio.get_running_loop():
            await pool.disconnect()
