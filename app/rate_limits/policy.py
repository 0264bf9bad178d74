"""Quota policies and the RateLimit header fields of draft-ietf-httpapi-ratelimit-headers-11.

Both fields are Structured Field Lists (RFC 9651) of one String item with Integer parameters:
`RateLimit-Policy: "ip";q=300;w=60` states the quota `q` per window of `w` seconds, and
`RateLimit: "ip";r=299;t=60` the quota `r` left and the `t` seconds within which no more than
`r` can be used (under a sliding window counter, until enough of the counted requests have
left the window for one more).
"""

import math
from dataclasses import dataclass
from functools import cached_property

from limits import RateLimitItem, parse_many

IP_POLICY = "ip"
KEY_POLICY = "api-key"


@dataclass(frozen=True)
class Policy:
    name: str
    item: RateLimitItem

    @property
    def quota(self) -> int:
        return int(self.item.amount)

    @property
    def window(self) -> int:
        return int(self.item.get_expiry())

    @cached_property
    def header(self) -> str:
        return f'"{self.name}";q={self.quota};w={self.window}'


def policy(name: str, limit: str) -> Policy:
    """A policy from one limit in the `limits` notation, such as `300/minute`."""
    items = parse_many(limit)
    if len(items) != 1:
        raise ValueError(f"a rate limit is one quota per window, such as 300/minute: {limit!r}")
    return Policy(name, items[0])


@dataclass(frozen=True)
class Outcome:
    """What one request did to its partition's budget."""

    policy: Policy
    allowed: bool
    remaining: int
    reset_at: float

    def seconds_left(self, now: float) -> int:
        """Whole seconds until more quota is available, at least 1 once it is used up."""
        seconds = max(0, math.ceil(self.reset_at - now))
        return max(seconds, 1) if self.remaining == 0 else seconds

    def headers(self, now: float) -> dict[str, str]:
        fields = {
            "RateLimit-Policy": self.policy.header,
            "RateLimit": f'"{self.policy.name}";r={self.remaining};t={self.seconds_left(now)}',
        }
        if not self.allowed:
            fields["Retry-After"] = str(self.seconds_left(now))
        return fields
