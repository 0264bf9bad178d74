"""Server-rendered pages: a Jinja2 environment per domain over the shared layout, and responses
that carry the page's security policy and the content's validators."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.core.urls import public_url

HTML = "text/html"
CORE_TEMPLATES = Path(__file__).parent / "templates"
CORE_ASSETS = Path(__file__).parent / "static"
HTML_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {HTML: {"schema": {"type": "string"}}}}
}


def long_date(moment: date | datetime | None) -> str:
    """A date no reader can misread, whatever their locale: 3 December 2026."""
    if moment is None:
        return ""
    return f"{moment.day} {moment:%B %Y}"


def templates_for(domain: Path) -> Jinja2Templates:
    """Templates of one domain package (its `templates/`), which extend the shared layout."""
    environment = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(domain / "templates"), FileSystemLoader(CORE_TEMPLATES)]
        ),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["long_date"] = long_date
    environment.globals["public_url"] = public_url
    return Jinja2Templates(env=environment)


def render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    policy: str,
    status_code: int = 200,
) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Content-Security-Policy"] = policy
    return response
