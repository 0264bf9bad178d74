"""Probes for orchestrators: liveness never touches the database, readiness always does."""

from fastapi import APIRouter, Response

from app.core.db import ReadSession
from app.core.errors import ServiceUnavailable
from app.core.runtime import ThreadedRoute
from app.health.service import Readiness, database_status

router = APIRouter(route_class=ThreadedRoute, tags=["service"], include_in_schema=False)


# Async, so that it answers from the event loop even when every worker thread is stuck on the
# database: a restart would not bring the database back.
@router.get("/livez", summary="Liveness check")
@router.get("/health", summary="Liveness check (alias of /livez)")
async def livez(response: Response) -> dict[str, str]:
    response.headers["Cache-Control"] = "no-store"
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness check")
def readyz(session: ReadSession, response: Response) -> dict[str, str]:
    status = database_status(session)
    if status.readiness is Readiness.unreachable:
        raise ServiceUnavailable("The database is unreachable.")
    if status.readiness is Readiness.not_migrated:
        raise ServiceUnavailable(f"The database is not migrated: {status.reason}.")
    response.headers["Cache-Control"] = "no-store"
    return {"status": "ready", "revision": status.revision}
