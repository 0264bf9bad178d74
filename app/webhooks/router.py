"""Webhook administration, `/v1/editor/webhooks`: every operation needs `webhooks:admin`; and the
events themselves, described as OpenAPI `webhooks`."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.exceptions import RequestValidationError

from app.core.config import get_settings
from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageParamsDep
from app.core.runtime import ThreadedRoute
from app.core.urls import public_url
from app.keys.auth import Editor, editor_router, requires
from app.keys.scopes import Scope
from app.models import WebhookDelivery, WebhookEndpoint
from app.webhooks import service
from app.webhooks.schemas import (
    ContentEvent,
    PingEvent,
    WebhookDeliveryPage,
    WebhookDeliveryPublic,
    WebhookEndpointCreate,
    WebhookEndpointLinks,
    WebhookEndpointPage,
    WebhookEndpointPublic,
    WebhookEndpointWithSecret,
)
from app.webhooks.targets import TargetRefused

router = editor_router(prefix="/webhooks", tags=["webhooks"])
Admin = Annotated[Editor, requires(Scope.webhooks_admin)]
EndpointIdPath = Annotated[
    int, Path(ge=1, le=2**31 - 1, description="The endpoint's id.", examples=[1])
]
LOCATION = {"Location": {"description": "The new endpoint's URL.", "schema": {"type": "string"}}}


def endpoint_public(request: Request, row: WebhookEndpoint) -> dict[str, Any]:
    assert row.id is not None
    return {
        "id": row.id,
        "url": row.url,
        "description": row.description,
        "event_types": row.event_types,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "enabled": row.disabled_at is None,
        "disabled_at": row.disabled_at,
        "disabled_reason": row.disabled_reason,
        "delivered_through": row.last_change_id,
        "failed_attempts": row.failed_attempts,
        "next_attempt_at": row.next_attempt_at,
        "links": WebhookEndpointLinks(
            self=public_url(request.app.url_path_for("get_webhook_endpoint", endpoint_id=row.id)),
            deliveries=public_url(
                request.app.url_path_for("list_webhook_deliveries", endpoint_id=row.id)
            ),
        ),
    }


def delivery_public(row: WebhookDelivery) -> WebhookDeliveryPublic:
    assert row.id is not None
    return WebhookDeliveryPublic(
        id=row.id,
        message_id=row.message_id,
        event_type=row.event_type,
        change_id=row.change_id,
        attempt=row.attempt,
        outcome=row.outcome,
        response_status=row.response_status,
        error=row.error,
        duration_ms=row.duration_ms,
        created_at=row.created_at,
        attempted_at=row.attempted_at,
    )


@router.get(
    "",
    name="list_webhook_endpoints",
    summary="List webhook endpoints",
    description="Every registered endpoint, oldest first, with where its deliveries stand;"
    " never a secret.",
)
def list_webhook_endpoints(
    _admin: Admin, session: ReadSession, page: PageParamsDep, request: Request
) -> WebhookEndpointPage:
    rows = service.list_endpoints(session, page.after, page.limit)
    return WebhookEndpointPage(
        **page.page(
            rows,
            lambda row: WebhookEndpointPublic(**endpoint_public(request, row)),
            position=lambda row: str(row.id),
        )
    )


@router.post(
    "",
    name="create_webhook_endpoint",
    status_code=201,
    summary="Register a webhook endpoint",
    description="The endpoint receives every public change committed from now on, of the"
    " event types it names, as a POST signed per the Standard Webhooks specification (see"
    " `webhooks` in this document). The answer holds the signing secret, this once: store it."
    " `422` when the URL is not http or https, or its host does not resolve, or resolves to a"
    " private, loopback or link-local address.",
    responses={201: {"headers": LOCATION}},
)
def create_webhook_endpoint(
    admin: Admin,
    session: WriteSession,
    body: WebhookEndpointCreate,
    request: Request,
    response: Response,
) -> WebhookEndpointWithSecret:
    try:
        created = service.create_endpoint(
            session, get_settings(), body.url, body.event_types, body.description, admin.name
        )
    except TargetRefused as refused:
        raise RequestValidationError(
            [{"loc": ("body", "url"), "msg": str(refused), "type": "webhook_target"}]
        ) from refused
    fields = endpoint_public(request, created.row)
    response.headers["Location"] = fields["links"].self
    return WebhookEndpointWithSecret(**fields, secret=created.secret)


@router.get("/{endpoint_id}", name="get_webhook_endpoint", summary="Get one webhook endpoint")
def get_webhook_endpoint(
    _admin: Admin, session: ReadSession, endpoint_id: EndpointIdPath, request: Request
) -> WebhookEndpointPublic:
    return WebhookEndpointPublic(
        **endpoint_public(request, service.get_endpoint(session, endpoint_id))
    )


@router.delete(
    "/{endpoint_id}",
    name="delete_webhook_endpoint",
    status_code=204,
    summary="Remove a webhook endpoint",
    description="No more events are sent to it; its deliveries are removed with it.",
)
def delete_webhook_endpoint(
    _admin: Admin, session: WriteSession, endpoint_id: EndpointIdPath
) -> None:
    service.delete_endpoint(session, endpoint_id)


@router.post(
    "/{endpoint_id}/secret",
    name="rotate_webhook_secret",
    summary="Rotate an endpoint's signing secret",
    description="A new secret, shown this once. For 24 hours events carry two signatures, one"
    " per secret, so the receiver can switch to the new one without missing an event.",
)
def rotate_webhook_secret(
    _admin: Admin, session: WriteSession, endpoint_id: EndpointIdPath, request: Request
) -> WebhookEndpointWithSecret:
    rotated = service.rotate_secret(session, get_settings(), endpoint_id)
    return WebhookEndpointWithSecret(**endpoint_public(request, rotated.row), secret=rotated.secret)


@router.post(
    "/{endpoint_id}/enable",
    name="enable_webhook_endpoint",
    summary="Re-enable a disabled endpoint",
    description="Delivery resumes at once with the first event not yet delivered: nothing"
    " that happened while it was disabled is lost.",
)
def enable_webhook_endpoint(
    _admin: Admin, session: WriteSession, endpoint_id: EndpointIdPath, request: Request
) -> WebhookEndpointPublic:
    return WebhookEndpointPublic(
        **endpoint_public(request, service.enable_endpoint(session, endpoint_id))
    )


@router.post(
    "/{endpoint_id}/ping",
    name="ping_webhook_endpoint",
    status_code=202,
    summary="Send a test event",
    description="Queues a `ping` event (see `webhooks`), signed like every other, which the"
    " delivery worker sends within seconds, ahead of the endpoint's other events and even while"
    " it backs off or is disabled; its outcome is listed with the deliveries.",
)
def ping_webhook_endpoint(
    _admin: Admin, session: WriteSession, endpoint_id: EndpointIdPath
) -> WebhookDeliveryPublic:
    return delivery_public(service.queue_ping(session, endpoint_id))


@router.get(
    "/{endpoint_id}/deliveries",
    name="list_webhook_deliveries",
    summary="List an endpoint's deliveries",
    description="Every attempt to deliver an event to the endpoint, and pings waiting to be"
    " sent, newest first: a retry is a new entry with the same `message_id`. Attempts are kept"
    " for `WEBHOOK_HISTORY_DAYS` (30 by default).",
)
def list_webhook_deliveries(
    _admin: Admin, session: ReadSession, endpoint_id: EndpointIdPath, page: PageParamsDep
) -> WebhookDeliveryPage:
    rows = service.list_deliveries(session, endpoint_id, page.after, page.limit)
    return WebhookDeliveryPage(**page.page(rows, delivery_public, position=lambda row: str(row.id)))


# The events, as OpenAPI 3.1 `webhooks`: requests this API makes to a registered endpoint.
events = APIRouter(route_class=ThreadedRoute)
SIGNATURE_HEADERS = {
    "webhook_id": "The event's id, the same on every retry of it: use it to drop duplicates.",
    "webhook_timestamp": "When this attempt was sent, in seconds since the Unix epoch: refuse"
    " an event more than 5 minutes old or ahead, so a captured one cannot be replayed.",
    "webhook_signature": "`v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>`"
    " under the endpoint's secret, space-separated when a rotated secret still signs too."
    " Verify it with a Standard Webhooks library before trusting the body.",
}
RECEIVER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Any 2xx within the timeout acknowledges the event. Anything else, a"
        " redirect included (never followed), or no answer in time is a failure: the same"
        " event is sent again after a doubling wait, and repeated failure disables the"
        " endpoint."
    },
}


def _signature_header(name: str) -> Any:
    return Header(alias=name.replace("_", "-"), description=SIGNATURE_HEADERS[name])


@events.post(
    "content-event",
    operation_id="content_event",
    summary="An item was published, changed, re-graded or withdrawn",
    description="Sent for each public change of the event types the endpoint subscribed to, in"
    " the change log's order: an event is sent only once the one before it was acknowledged.",
    responses=RECEIVER_RESPONSES,
    response_class=Response,
)
def content_event(
    body: ContentEvent,
    webhook_id: Annotated[str, _signature_header("webhook_id")],
    webhook_timestamp: Annotated[str, _signature_header("webhook_timestamp")],
    webhook_signature: Annotated[str, _signature_header("webhook_signature")],
) -> None:
    """Documentation only: the API sends this request, it does not serve it."""


@events.post(
    "ping",
    operation_id="ping_event",
    summary="A test event",
    description="Sent when the ping operation asks for it, signed like every other event.",
    responses=RECEIVER_RESPONSES,
    response_class=Response,
)
def ping_event(
    body: PingEvent,
    webhook_id: Annotated[str, _signature_header("webhook_id")],
    webhook_timestamp: Annotated[str, _signature_header("webhook_timestamp")],
    webhook_signature: Annotated[str, _signature_header("webhook_signature")],
) -> None:
    """Documentation only: the API sends this request, it does not serve it."""
