"""OpenAPI post-processing: every error is documented as RFC 9457 problem JSON."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.core.config import get_settings
from app.core.errors import PROBLEM_MEDIA_TYPE, Problem, ValidationProblem
from app.core.middleware import REQUEST_ID_HEADER
from app.core.sparse_fields import document_sparse_fields

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_VALIDATION_REF = {"$ref": "#/components/schemas/ValidationProblem"}
_DESCRIPTIONS = {
    "400": "Bad request, such as a query parameter the operation does not take or one given"
    " twice, an altered or reused pagination cursor, a body that is not JSON, or an If-Match"
    " that is no list of entity tags.",
    "401": "No API key, or one that is malformed, unknown, revoked or expired.",
    "403": "The API key lacks the scope this operation needs; `detail` names it.",
    "404": "Not found, or not published.",
    "409": "Conflicts with the current state: a name or slug already taken, or a workflow step"
    " the item's status does not allow.",
    "412": "The item changed since the ETag sent in If-Match: read it again.",
    "415": "The body's media type is not one this operation takes.",
    "428": "If-Match is required: send the ETag the item was read with.",
    "429": "Too many requests from this API key or client address; retry after Retry-After.",
    "501": "The format asked for is not offered.",
    "406": "The Accept header allows no representation this resource offers.",
    "410": "Withdrawn: the item is no longer published.",
    "503": "A dependency did not answer in time; retry later.",
    "422": "A parameter is invalid; `errors` names each one.",
    "500": "Unexpected error; the body carries no internals.",
}


# Every operation may answer 429 (draft-ietf-httpapi-ratelimit-headers: Structured Fields).
_RATE_LIMITED_HEADERS = {
    "Retry-After": {
        "description": "Seconds until a request can succeed again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "RateLimit-Policy": {
        "description": 'The quota policy that applied, e.g. `"ip";q=300;w=60`: `q` requests'
        " per `w` seconds.",
        "required": True,
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left of it, e.g. `"ip";r=0;t=12`: `r` requests within the'
        " next `t` seconds.",
        "required": True,
        "schema": {"type": "string"},
    },
}


_REQUEST_ID = {
    "description": "The request's id: the caller's `X-Request-ID` if it was 8-64 letters, digits,"
    " `.`, `_` or `-`, a new one otherwise. Problem bodies carry it as `request_id`; quote it"
    " when reporting a problem.",
    "required": True,
    "schema": {"type": "string", "examples": ["9a4ad645c03447c9985a3772364cc73f"]},
}
_REQUEST_ID_PARAMETER = {
    "name": REQUEST_ID_HEADER,
    "in": "header",
    "required": False,
    "description": "An id of the caller's for this request, echoed in the `X-Request-ID`"
    " response header and the logs; used only if it is 8-64 letters, digits, `.`, `_` or `-`,"
    " otherwise replaced by a new one, never refused.",
    "schema": {"type": "string"},
}


def _document_request_ids(document: dict[str, Any]) -> None:
    """`X-Request-ID` as an optional request header of every operation and a header of every
    response, as `RequestIdMiddleware` treats them."""
    components = document.setdefault("components", {})
    components.setdefault("headers", {})[REQUEST_ID_HEADER] = _REQUEST_ID
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            # Inline rather than a $ref, like every other parameter, for tools that read
            # parameters without resolving references.
            operation.setdefault("parameters", []).append(dict(_REQUEST_ID_PARAMETER))
            for response in operation.get("responses", {}).values():
                # A new mapping: declared headers may be shared by several responses.
                response["headers"] = {
                    **response.get("headers", {}),
                    REQUEST_ID_HEADER: {"$ref": f"#/components/headers/{REQUEST_ID_HEADER}"},
                }


def _document_public_security(document: dict[str, Any]) -> None:
    """An operation without an API key scheme is public: `security: []` says so explicitly."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            operation.setdefault("security", [])


def operation_id(route: APIRoute) -> str:
    """Stable snake_case operation ids, the endpoint function's name."""
    return route.name


def _problem_response(status: str) -> dict[str, Any]:
    schema = _VALIDATION_REF if status == "422" else _PROBLEM_REF
    return {
        "description": _DESCRIPTIONS.get(status, "Error."),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
    }


def _not_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional parameter is one left out, never one sent as `null`: HTTP has no null, and
    generated clients would otherwise offer to send one."""
    members = schema.get("anyOf", [])
    kept = [member for member in members if member.get("type") != "null"]
    if len(kept) != 1 or len(kept) == len(members):
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**kept[0], **rest}


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            webhooks=app.webhooks.routes,
            tags=app.openapi_tags,
            servers=[
                {
                    "url": get_settings().public_base_url.rstrip("/"),
                    "description": "This deployment (`PUBLIC_BASE_URL`).",
                }
            ],
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for model in (Problem, ValidationProblem):
            schema = model.model_json_schema(
                by_alias=True, ref_template="#/components/schemas/{model}"
            )
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                for param in operation.get("parameters", []):
                    param["schema"] = _not_nullable(param["schema"])
                responses = operation.setdefault("responses", {})
                statuses = {"429", "500"}
                if operation.get("parameters"):
                    statuses.add("422")
                if any(p["in"] == "path" for p in operation.get("parameters", [])):
                    statuses.add("404")
                # Unknown or repeated query parameters are refused (app/core/query_params.py).
                if any(p["in"] == "query" for p in operation.get("parameters", [])):
                    statuses.add("400")
                if "requestBody" in operation:
                    statuses |= {"400", "422"}
                statuses |= {code for code in responses if code[0] in "45"}
                for status in sorted(statuses):
                    # A page's error may be a page too, as a withdrawn card is.
                    declared = responses.get(status, {})
                    if "text/html" not in declared.get("content", {}):
                        # Headers an operation declares, such as WWW-Authenticate, are kept.
                        headers = {"headers": declared["headers"]} if "headers" in declared else {}
                        if status == "429":
                            headers = {"headers": dict(_RATE_LIMITED_HEADERS)}
                        responses[status] = {**_problem_response(status), **headers}
        document_sparse_fields(document)
        for path_item in document.get("webhooks", {}).values():
            for operation in path_item.values():
                # Requests this API sends: their responses are the receiver's, and a receiver
                # answers nothing the framework would add for a server's own validation. They
                # carry no credentials but a signature, which their headers document.
                operation["responses"].pop("422", None)
                operation.setdefault("security", [])
        _document_public_security(document)
        _document_request_ids(document)
        app.openapi_schema = document
        return document

    app.openapi = build  # type: ignore[method-assign]
