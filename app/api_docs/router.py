"""`/docs` (Swagger UI) and `/redoc`, whose scripts and styles come from the pinned
fastapi-offline package and are served by this API, so both work offline and under a strict
Content-Security-Policy."""

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.core.html import render, templates_for
from app.core.runtime import ThreadedRoute
from app.core.security_headers import DOCS_POLICY

VENDOR_ASSETS = Path(fastapi_offline.__file__).parent / "static"
VENDOR_PATH = "/assets/docs-vendor"
ASSETS = Path(__file__).parent / "static"
templates = templates_for(Path(__file__).parent)
router = APIRouter(route_class=ThreadedRoute, include_in_schema=False)
REDOC_BUNDLE_PATH = "/assets/api-docs/redoc.standalone.js"
# ReDoc 2 credits itself in its sidebar with a logo fetched from its vendor's CDN, with no option
# to turn it off. Served with an empty image instead, the credit stays as text and the page asks
# nothing of another host.
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = "data:,"


@cache
def redoc_bundle() -> bytes:
    bundle = (VENDOR_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return bundle.replace(REDOC_CDN_LOGO, EMPTY_IMAGE).encode()


def _page(request: Request, template: str) -> HTMLResponse:
    context = {
        "title": request.app.title,
        "openapi_path": request.app.openapi_url,
        "vendor": VENDOR_PATH,
        "redoc_bundle": REDOC_BUNDLE_PATH,
    }
    return render(templates, request, template, context, policy=DOCS_POLICY)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "swagger.html")


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _page(request, "redoc.html")


@router.get(REDOC_BUNDLE_PATH)
def redoc_script() -> Response:
    return Response(
        redoc_bundle(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
