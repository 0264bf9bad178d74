"""Pure ASGI middleware that counts each request against its caller's budget.

The caller is the public prefix of `Authorization: Bearer gbk_<prefix>_<secret>` when it is the
prefix of an issued, active key (from a set the database refreshes now and then, not asked on
every request; see `issued`), else the client address in
`scope["client"]`, which uvicorn rewrites from X-Forwarded-For only for the proxies in
FORWARDED_ALLOW_IPS. It runs inside CORS, so browsers can read a 429, and inside request ids and
security headers, which every 429 therefore carries too.
"""

import time

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.errors import ProblemType, problem_response
from app.keys.service import key_prefix
from app.rate_limits.budgets import KEY_PREFIX, Budgets
from app.rate_limits.issued import IssuedPrefixes
from app.rate_limits.policy import IP_POLICY, KEY_POLICY, Outcome, Policy, policy

# Probes must answer however busy a client is; /metrics is scraped by the operator; the page
# that explains a 429 must not answer 429 itself.
UNLIMITED_PATHS = frozenset({"/livez", "/readyz", "/health", "/metrics"})
UNLIMITED_PREFIX = "/problems/"
RATE_LIMIT_OUTCOME = "rate_limit_outcome"


def unlimited(path: str) -> bool:
    return path in UNLIMITED_PATHS or path.startswith(UNLIMITED_PREFIX)


class RateLimiter:
    """Counts requests against their callers' budgets, each request once: the outcome is kept in
    the request's state, for the response cache (which counts the requests it answers before
    the middleware runs) and the middleware alike."""

    def __init__(self, settings: Settings, key_prefix: str = KEY_PREFIX) -> None:
        self.ip_policy = policy(IP_POLICY, settings.rate_limit)
        self.key_policy = policy(KEY_POLICY, settings.rate_limit_api_key)
        self.budgets = Budgets(settings.redis_url, key_prefix)
        self.issued = IssuedPrefixes()

    async def partition(self, scope: Scope) -> tuple[Policy, str]:
        """The policy that applies and the budget it is counted in."""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").strip().partition(" ")
                prefix = key_prefix(token.strip()) if scheme.lower() == "bearer" else None
                if prefix is not None and await self.issued.known(prefix):
                    return self.key_policy, f"key:{prefix}"
                break
        client = scope.get("client")
        return self.ip_policy, f"ip:{client[0] if client else 'unknown'}"

    async def count(self, scope: Scope) -> Outcome:
        state = scope.setdefault("state", {})
        outcome: Outcome | None = state.get(RATE_LIMIT_OUTCOME)
        if outcome is None:
            policy, partition = await self.partition(scope)
            outcome = state[RATE_LIMIT_OUTCOME] = await self.budgets.hit(policy, partition)
        return outcome


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._closing_on_shutdown(receive), send)
            return
        if scope["type"] != "http" or unlimited(scope["path"]):
            await self.app(scope, receive, send)
            return
        outcome = await self.limiter.count(scope)
        headers = outcome.headers(time.time())
        if not outcome.allowed:
            response = too_many_requests(Request(scope), outcome.policy, headers)
            await response(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_limits)

    def _closing_on_shutdown(self, receive: Receive) -> Receive:
        async def receive_and_close() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.limiter.budgets.close()
            return message

        return receive_and_close


def too_many_requests(request: Request, limited: Policy, headers: dict[str, str]) -> Response:
    """The 429 problem, naming the exceeded policy as the draft's `violated-policies` does."""
    caller = "API key" if limited.name == KEY_POLICY else "client address"
    return problem_response(
        request,
        429,
        ProblemType.rate_limited,
        "Too Many Requests",
        f"This {caller} may send {limited.quota} requests in {limited.window} s; retry after"
        f" {headers['Retry-After']} s.",
        headers=headers,
        **{"violated-policies": [limited.name]},
    )
