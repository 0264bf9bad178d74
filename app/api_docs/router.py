"""`/docs` (Swagger UI) and `/redoc`, whose scripts and styles come from the pinned
fastapi-offline package and are served by this API, so both work offline and under a strict
Content-Security-Policy."""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.core.html import render, templates_for
from app.core.security_headers import DOCS_POLICY

VENDOR_ASSETS = Path(fastapi_offline.__file__).parent / "static"
VENDOR_PATH = "/assets/docs-vendor"
ASSETS = Path(__file__).parent / "static"
templates = templates_for(Path(__file__).parent)
router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str) -> HTMLResponse:
    context = {
        "title": request.app.title,
        "openapi_path": request.app.openapi_url,
        "vendor": VENDOR_PATH,
    }
    return render(templates, request, template, context, policy=DOCS_POLICY)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "swagger.html")


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _page(request, "redoc.html")
