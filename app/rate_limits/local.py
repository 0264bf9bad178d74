"""Sliding window counters in this process's memory, as `limits` keeps them in Redis.

Per partition: the count of the current fixed window and of the previous one, which is weighed
by how much of it still overlaps the last `w` seconds. `limits`' own memory storage counts the
same way but takes a lock per call and starts a thread to expire keys, which costs more than a
whole cached response; this runs inline on the event loop, which is its only caller.
"""

import math
from dataclasses import dataclass

from app.rate_limits.policy import Outcome, Policy


@dataclass
class _Counts:
    window: int
    current: int = 0
    previous: int = 0


class LocalCounters:
    def __init__(self) -> None:
        self._counts: dict[str, _Counts] = {}
        self._next_sweep = 0.0

    def hit(self, policy: Policy, partition: str, now: float) -> Outcome:
        expiry = policy.window
        window, elapsed = divmod(now, expiry)
        counts = self._counts_in(partition, int(window))
        overlap = expiry - elapsed
        weighted = counts.previous * overlap / expiry + counts.current
        allowed = math.floor(weighted) + 1 <= policy.quota
        if allowed:
            counts.current += 1
            weighted += 1
        remaining = max(0, policy.quota - math.floor(weighted))
        self._sweep(now, expiry)
        return Outcome(policy, allowed, remaining, now + _seconds_to_reset(counts, overlap, expiry))

    def _counts_in(self, partition: str, window: int) -> _Counts:
        counts = self._counts.get(partition)
        if counts is None:
            counts = self._counts[partition] = _Counts(window)
        elif counts.window != window:
            counts.previous = counts.current if counts.window == window - 1 else 0
            counts.current, counts.window = 0, window
        return counts

    def _sweep(self, now: float, expiry: int) -> None:
        """Drops, once a window, partitions with nothing counted in the last two windows."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + expiry
        current = int(now // expiry)
        self._counts = {
            partition: counts
            for partition, counts in self._counts.items()
            if counts.window >= current - 1
        }


def _seconds_to_reset(counts: _Counts, overlap: float, expiry: int) -> float:
    """When one more request fits, as `limits` reckons it: the sooner of the previous window's
    next counted request leaving and the current window ending."""
    if not (counts.previous or counts.current):
        return 0.0
    previous = overlap % (expiry / counts.previous) if counts.previous else math.inf
    current = overlap if counts.current else math.inf
    return min(previous, current)
