"""`GET /metrics`: the Prometheus scrape target, outside the OpenAPI document."""

from fastapi import APIRouter, Response

from app.core.runtime import ThreadedRoute
from app.observability.metrics import CONTENT_TYPE, exposition

router = APIRouter(route_class=ThreadedRoute, tags=["service"])


@router.get("/metrics", include_in_schema=False)
def get_metrics() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
