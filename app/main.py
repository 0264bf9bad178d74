"""The ASGI application: `app.main:app`."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated

from brotli_asgi import BrotliMiddleware
from fastapi import APIRouter, Depends, FastAPI, Path
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.api_docs.router import ASSETS as API_DOCS_ASSETS
from app.api_docs.router import VENDOR_ASSETS, VENDOR_PATH
from app.api_docs.router import router as api_docs_router
from app.attribution.links import UNDER_LICENSE, LicenseLinkMiddleware, document_license_links
from app.attribution.service import content_license
from app.cards.router import ASSETS as CARD_ASSETS
from app.cards.router import router as cards_router
from app.changes.router import router as changes_router
from app.core.config import Settings, get_settings
from app.core.content_version import ContentVersionWatch
from app.core.db import get_watch_engine
from app.core.errors import PROBLEM_DESCRIPTIONS, NotFound, install_error_handlers
from app.core.html import CORE_ASSETS
from app.core.http_cache import CONTENT_WATCH, install_conditional_requests
from app.core.middleware import (
    EncodedRepresentationMiddleware,
    HeadAsGetMiddleware,
    RequestIdMiddleware,
)
from app.core.openapi import install_openapi, operation_id
from app.core.query_params import refuse_undeclared_query
from app.core.response_cache import ResponseCacheMiddleware
from app.core.runtime import freeze_start_up_heap, limit_blocking_threads
from app.core.security_headers import SecurityHeadersMiddleware
from app.editor.router import routers as editor_routers
from app.evidence.router import router as vocabulary_router
from app.explore.router import ASSETS as EXPLORE_ASSETS
from app.explore.router import router as explore_router
from app.export.router import router as export_router
from app.health.router import router as health_router
from app.keys.router import router as keys_router
from app.mechanisms.router import router as mechanisms_router
from app.observability.logging import configure_logging
from app.observability.middleware import ObservabilityMiddleware
from app.observability.router import router as metrics_router
from app.rate_limits.middleware import RateLimiter, RateLimitMiddleware
from app.recommendations.router import router as recommendations_router
from app.search.router import router as search_router
from app.sources.router import router as sources_router
from app.studies.router import router as studies_router
from app.tips.router import router as tips_router
from app.webhooks.router import events as webhook_events
from app.webhooks.router import router as webhooks_router
from app.webhooks.runner import delivery_lifespan

COMPRESS_FROM_BYTES = 1000
# What browsers may read from a cross-origin response, beyond the CORS-safelisted headers.
EXPOSED_HEADERS = [
    "X-Request-ID",
    "ETag",
    "Last-Modified",
    "Content-Language",
    "Surrogate-Key",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "Link",
]

DESCRIPTION = """Evidence-tagged guidance on the gut-brain axis.

Every recommendation, mechanism and study carries the certainty of the evidence in words, its
caveats, and verbatim quotes from the source documents it rests on. Errors are RFC 9457 problem
details. Lists are paginated with opaque cursors: follow `next` until it is null."""


def serving_lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Tunes the process for serving, then delivers webhooks while it serves."""
    deliver_webhooks = delivery_lifespan(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        freeze_start_up_heap()
        limit_blocking_threads(settings.worker_threads)
        try:
            async with deliver_webhooks(app):
                yield
        finally:
            getattr(app.state, CONTENT_WATCH).stop()

    return lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    # Settings are checked at start-up, so production refuses to start on the development
    # cursor secret instead of failing on the first paginated request. Tests may pass their own.
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    terms = content_license(settings)
    app = FastAPI(
        title="Gut-brain guidance API",
        version="1.0.0",
        description=DESCRIPTION,
        license_info={"name": terms.name, "identifier": terms.id},
        generate_unique_id_function=operation_id,
        dependencies=[Depends(refuse_undeclared_query)],
        docs_url=None,
        redoc_url=None,
        lifespan=serving_lifespan(settings),
    )
    # Everything public is content under the licence, and says so in a Link header.
    public = APIRouter(prefix="/v1", dependencies=[UNDER_LICENSE])
    for router in (
        recommendations_router,
        mechanisms_router,
        studies_router,
        sources_router,
        tips_router,
        search_router,
        changes_router,
        export_router,
        vocabulary_router,
    ):
        public.include_router(router)
    app.include_router(public)
    app.include_router(cards_router, dependencies=[UNDER_LICENSE])
    app.include_router(explore_router, dependencies=[UNDER_LICENSE])
    app.include_router(api_docs_router)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(keys_router)
    app.include_router(webhooks_router)
    app.webhooks.include_router(webhook_events)
    for editor_router in editor_routers:
        app.include_router(editor_router)
    for path, directory in (
        ("/assets/core", CORE_ASSETS),
        ("/assets/cards", CARD_ASSETS),
        ("/assets/explore", EXPLORE_ASSETS),
        ("/assets/api-docs", API_DOCS_ASSETS),
        (VENDOR_PATH, VENDOR_ASSETS),
    ):
        app.mount(path, StaticFiles(directory=directory), name=path.removeprefix("/"))

    @app.get(
        "/problems/{code}",
        tags=["service"],
        summary="What a problem type means",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    async def get_problem_type(code: Annotated[str, Path(max_length=40)]) -> str:
        if code not in PROBLEM_DESCRIPTIONS:
            raise NotFound(f"There is no problem type '{code}'.")
        return f"<!doctype html><title>{code}</title><h1>{code}</h1><p>{PROBLEM_DESCRIPTIONS[code]}"

    install_error_handlers(app)
    install_conditional_requests(app)
    install_openapi(app)
    document_license_links(app)
    # Added innermost first: compression, then tags per coding, the licence link, rate limits
    # (inside CORS, so a browser can read a 429), CORS, security headers, request ids, HEAD, so
    # that a HEAD sees exactly the headers of its GET; then the response cache, which keeps what
    # all of those made and answers before them; metrics and the access log outermost.
    limiter = RateLimiter(settings) if settings.rate_limit_enabled else None
    # The content version and validators, read in the background: what the response cache
    # serves, and what responses built anew are tagged with.
    watch = ContentVersionWatch(get_watch_engine)
    setattr(app.state, CONTENT_WATCH, watch)
    app.add_middleware(BrotliMiddleware, gzip_fallback=True, minimum_size=COMPRESS_FROM_BYTES)
    app.add_middleware(EncodedRepresentationMiddleware)
    app.add_middleware(LicenseLinkMiddleware)
    if limiter is not None:
        app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "If-None-Match", "If-Modified-Since", "X-Request-ID"],
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    if settings.response_cache_mb:
        app.add_middleware(
            ResponseCacheMiddleware,
            max_bytes=settings.response_cache_mb << 20,
            limiter=limiter,
            watch=watch,
        )
    app.add_middleware(ObservabilityMiddleware)
    return app


app = create_app()
