"""RFC 9457 problem details for every error the API returns."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.urls import Link, public_url

PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger("app.errors")


class ProblemType:
    """Stable problem `type` codes; each resolves to a page under `/problems/`."""

    not_found = "not-found"
    method_not_allowed = "method-not-allowed"
    not_acceptable = "not-acceptable"
    gone = "gone"
    validation_error = "validation-error"
    invalid_cursor = "invalid-cursor"
    invalid_parameter = "invalid-parameter"
    invalid_precondition = "invalid-precondition"
    format_not_implemented = "format-not-implemented"
    unauthorized = "unauthorized"
    forbidden = "forbidden"
    conflict = "conflict"
    invalid_transition = "invalid-transition"
    precondition_failed = "precondition-failed"
    precondition_required = "precondition-required"
    idempotency_key_reused = "idempotency-key-reused"
    content_rule = "content-rule"
    rate_limited = "rate-limited"
    http_error = "http-error"
    service_unavailable = "service-unavailable"
    server_error = "server-error"


PROBLEM_DESCRIPTIONS = {
    ProblemType.not_found: "No published resource exists at this URL.",
    ProblemType.method_not_allowed: "The resource does not support this HTTP method; see Allow.",
    ProblemType.not_acceptable: "The resource has no representation the Accept header allows;"
    " `detail` lists those it has.",
    ProblemType.gone: "The item was withdrawn and is no longer published; the change feed"
    " records when.",
    ProblemType.validation_error: "A parameter or body field is invalid; see `errors`.",
    ProblemType.invalid_cursor: "The pagination cursor was altered, expired or used with other"
    " filters. Follow `next` links as given.",
    ProblemType.invalid_parameter: "The query string names a parameter this operation does not"
    " take, or gives a single-valued one more than once; `detail` names it and lists those"
    " the operation takes.",
    ProblemType.invalid_precondition: "A conditional header such as If-None-Match is malformed.",
    ProblemType.format_not_implemented: "The representation asked for, such as oEmbed's"
    " `format=xml`, is not offered; `detail` names those that are.",
    ProblemType.unauthorized: "The editor API needs a valid, unexpired, unrevoked API key in"
    " `Authorization: Bearer <key>`.",
    ProblemType.forbidden: "The API key is valid but lacks the scope this operation needs;"
    " `detail` names it.",
    ProblemType.conflict: "Something by that name already exists, such as an API key's name;"
    " `detail` names it.",
    ProblemType.invalid_transition: "The item's workflow does not allow this change of status"
    " from the one it has; `detail` lists the allowed ones.",
    ProblemType.precondition_failed: "The item changed since the ETag sent in If-Match: fetch it"
    " again, reapply the change and send its new ETag.",
    ProblemType.precondition_required: "Changing an item needs If-Match with the ETag it was"
    " read with, so that no one's change is overwritten unseen.",
    ProblemType.idempotency_key_reused: "The Idempotency-Key was already used with a different"
    " request; use a new key for a new request.",
    ProblemType.content_rule: "The content breaks one or more content rules; `errors` names"
    " each field by JSON Pointer.",
    ProblemType.rate_limited: "Too many requests from this API key or client address in the"
    " policy's window (see RateLimit-Policy); retry after the seconds in Retry-After.",
    ProblemType.http_error: "The request could not be served.",
    ProblemType.service_unavailable: "The service cannot answer for now, usually because its"
    " database is unreachable or its schema is not migrated; retry after the seconds in"
    " Retry-After.",
    ProblemType.server_error: "An unexpected error occurred; it has been logged.",
}


RETRY_AFTER_SECONDS = 5
# PostgreSQL SQLSTATEs for a schema older than the code: undefined table, undefined column.
_SCHEMA_BEHIND = {"42P01", "42703"}


def is_database_unavailable(error: BaseException) -> bool:
    """The database itself failed (down, unreachable, pool exhausted, schema missing), as
    opposed to a query that is wrong: the first is worth retrying, the second is a bug."""
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or (
            getattr(error.orig, "sqlstate", None) in _SCHEMA_BEHIND
        )
    return False


def database_reason(error: BaseException) -> str:
    """One line on why the database failed, from the driver's message when there is one."""
    text = str(getattr(error, "orig", None) or error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else '-'}"


class Problem(BaseModel):
    type: Link = Field(description="URI identifying the problem kind.")
    title: str = Field(description="Short summary, the same for every occurrence of the type.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong this time.")
    instance: str | None = Field(default=None, description="The request path.")
    request_id: str | None = Field(default=None, description="Same as X-Request-ID.")


class InvalidParam(BaseModel):
    detail: str
    code: str = Field(description="Machine-readable reason, e.g. `enum` or `less_than_equal`.")
    pointer: str | None = Field(default=None, description="JSON Pointer into the request body.")
    parameter: str | None = Field(default=None, description="Name of the offending parameter.")
    location: str | None = Field(
        default=None, alias="in", description="`query`, `path` or `header`."
    )


class ValidationProblem(Problem):
    errors: list[InvalidParam]


class AppError(Exception):
    status_code = 400
    problem_type = ProblemType.http_error
    title = "Bad Request"
    headers: Mapping[str, str] = {}

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(AppError):
    status_code = 404
    problem_type = ProblemType.not_found
    title = "Not Found"


class Gone(AppError):
    status_code = 410
    problem_type = ProblemType.gone
    title = "Gone"


class ServiceUnavailable(AppError):
    status_code = 503
    problem_type = ProblemType.service_unavailable
    title = "Service Unavailable"
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}


class Unauthorized(AppError):
    status_code = 401
    problem_type = ProblemType.unauthorized
    title = "Unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="editor"'}


class Forbidden(AppError):
    status_code = 403
    problem_type = ProblemType.forbidden
    title = "Forbidden"


class Conflict(AppError):
    status_code = 409
    problem_type = ProblemType.conflict
    title = "Conflict"


class InvalidTransition(AppError):
    status_code = 409
    problem_type = ProblemType.invalid_transition
    title = "Invalid status transition"


class PreconditionFailed(AppError):
    status_code = 412
    problem_type = ProblemType.precondition_failed
    title = "Precondition failed"


class PreconditionRequired(AppError):
    status_code = 428
    problem_type = ProblemType.precondition_required
    title = "Precondition required"


class IdempotencyKeyReused(AppError):
    status_code = 422
    problem_type = ProblemType.idempotency_key_reused
    title = "Idempotency-Key reused"


class InvalidCursor(AppError):
    status_code = 400
    problem_type = ProblemType.invalid_cursor
    title = "Invalid cursor"


class InvalidParameter(AppError):
    status_code = 400
    problem_type = ProblemType.invalid_parameter
    title = "Invalid query parameter"


def problem_response(
    request: Request,
    status: int,
    problem_type: str,
    title: str,
    detail: str | None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    request_id = request.scope.get("state", {}).get("request_id")
    body: dict[str, Any] = {
        "type": public_url(request.app.url_path_for("get_problem_type", code=problem_type)),
        "title": title,
        "status": status,
        "instance": request.url.path,
        "request_id": request_id,
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    headers = {
        **(headers or {}),
        "Cache-Control": "no-store",
        **({"X-Request-ID": request_id} if request_id else {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _invalid_param(error: Any) -> dict[str, Any]:
    location, *path = error["loc"]
    item: dict[str, Any] = {"detail": error["msg"], "code": error["type"]}
    if location == "body":
        item["pointer"] = "#/" + "/".join(str(part) for part in path)
    else:
        item["parameter"] = str(path[0]) if path else location
        item["in"] = location
    return item


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        request,
        422,
        ProblemType.validation_error,
        "Invalid request",
        "One or more parameters are invalid.",
        errors=[_invalid_param(error) for error in exc.errors()],
    )


_ALLOW_CANDIDATES = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str | None:
    """Every method some route serves at this path. Starlette's 405 names only the methods of
    the first route whose path matched, though GET and POST on one path are two routes."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in _ALLOW_CANDIDATES
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed) or None


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and (allow := _allowed_methods(request)):
        headers["Allow"] = allow
    problem_type = {
        404: ProblemType.not_found,
        405: ProblemType.method_not_allowed,
    }.get(exc.status_code, ProblemType.http_error)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    return problem_response(request, exc.status_code, problem_type, phrase, detail, headers=headers)


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request,
        exc.status_code,
        exc.problem_type,
        exc.title,
        exc.detail,
        headers=exc.headers,
        **exc.extensions,
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database outage is a 503 the client may retry; any other database error is a bug and
    is re-raised to the generic 500 handler (registered for `Exception`, it runs outermost)."""
    if not is_database_unavailable(exc):
        raise exc
    request_id = request.scope.get("state", {}).get("request_id")
    logger.warning("database unavailable, request %s: %s", request_id, database_reason(exc))
    error = ServiceUnavailable("The database is unavailable; retry later.")
    return await _app_error(request, error)


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        request,
        500,
        ProblemType.server_error,
        "Internal Server Error",
        "An unexpected error occurred. Quote the request_id when reporting it.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(sa_exc.DBAPIError, _database_error)
    app.add_exception_handler(sa_exc.TimeoutError, _database_error)
    app.add_exception_handler(Exception, _server_error)
