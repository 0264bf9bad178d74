"""The ASGI application: `app.main:app`."""

from typing import Annotated

from fastapi import APIRouter, FastAPI, Path
from fastapi.responses import HTMLResponse

from app.core.errors import PROBLEM_DESCRIPTIONS, NotFound, install_error_handlers
from app.core.middleware import RequestIdMiddleware
from app.core.openapi import install_openapi, operation_id
from app.evidence.router import router as vocabulary_router
from app.mechanisms.router import router as mechanisms_router
from app.recommendations.router import router as recommendations_router
from app.sources.router import router as sources_router
from app.studies.router import router as studies_router

DESCRIPTION = """Evidence-tagged guidance on the gut-brain axis.

Every recommendation, mechanism and study carries the certainty of the evidence in words, its
caveats, and verbatim quotes from the source documents it rests on. Errors are RFC 9457 problem
details. Lists are paginated with opaque cursors: follow `next` until it is null."""


def create_app() -> FastAPI:
    app = FastAPI(
        title="Gut-brain guidance API",
        version="1.0.0",
        description=DESCRIPTION,
        generate_unique_id_function=operation_id,
    )
    public = APIRouter(prefix="/v1")
    for router in (
        recommendations_router,
        mechanisms_router,
        studies_router,
        sources_router,
        vocabulary_router,
    ):
        public.include_router(router)
    app.include_router(public)

    @app.get("/health", tags=["service"], summary="Liveness check", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/problems/{code}",
        tags=["service"],
        summary="What a problem type means",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def get_problem_type(code: Annotated[str, Path(max_length=40)]) -> str:
        if code not in PROBLEM_DESCRIPTIONS:
            raise NotFound(f"There is no problem type '{code}'.")
        return f"<!doctype html><title>{code}</title><h1>{code}</h1><p>{PROBLEM_DESCRIPTIONS[code]}"

    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(RequestIdMiddleware)
    return app


app = create_app()
