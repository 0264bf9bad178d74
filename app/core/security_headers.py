"""Security headers on every response. A route that serves a page sends its own
Content-Security-Policy; everything else gets the strictest one, which allows nothing to load and
no page to frame it."""

from starlette.datastructures import MutableHeaders

from app.core.middleware import ResponseHeadersMiddleware

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_PAGE_SOURCES = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'"
# Pages have no scripts at all; their only forms are searches on the same site.
PAGE_POLICY = f"{_PAGE_SOURCES}; form-action 'self'; frame-ancestors 'none'"
EMBEDDABLE_PAGE_POLICY = f"{_PAGE_SOURCES}; form-action 'none'; frame-ancestors *"
# Swagger UI and ReDoc run their own bundled scripts and set styles at run time; neither runs an
# inline script.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:;"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
REFERRER_POLICY = "no-referrer"


class SecurityHeadersMiddleware(ResponseHeadersMiddleware):
    def rewrite(self, headers: MutableHeaders) -> None:
        policy = headers.setdefault("Content-Security-Policy", API_POLICY)
        if "frame-ancestors 'none'" in policy:
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
