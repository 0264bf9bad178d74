"""Registering, listing, rotating, pinging and removing webhook endpoints; services flush, never
commit."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.core.errors import NotFound
from app.core.types import utcnow
from app.models import ContentChange, WebhookDelivery, WebhookEndpoint
from app.webhooks import secrets
from app.webhooks.events import PING, DeliveryOutcome, EventType, ping_message_id
from app.webhooks.targets import resolve

# After a rotation, events are signed with the old secret too for this long, so that a receiver
# can switch over without dropping any.
PREVIOUS_SECRET_VALID = timedelta(hours=24)


@dataclass(frozen=True)
class EndpointWithSecret:
    """An endpoint's row and its secret, which exists in clear nowhere else once dropped."""

    row: WebhookEndpoint
    secret: str


def create_endpoint(
    session: Session,
    settings: Settings,
    url: str,
    event_types: list[EventType],
    description: str | None,
    created_by: str,
) -> EndpointWithSecret:
    """Registers an endpoint that will receive the changes committed from now on. Raises
    `TargetRefused` for a URL webhooks may not be sent to."""
    resolve(url, allow_private=settings.webhook_allow_private_targets)
    secret = secrets.new_secret()
    latest = session.exec(select(sa.func.max(col(ContentChange.id)))).one()
    row = WebhookEndpoint(
        url=url,
        description=description,
        event_types=[event.value for event in event_types],
        secret=secrets.encrypt(secret, settings.webhook_secret_key),
        created_by=created_by,
        last_change_id=latest or 0,
    )
    session.add(row)
    session.flush()
    return EndpointWithSecret(row, secret)


def list_endpoints(session: Session, after: str | None, limit: int) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).order_by(col(WebhookEndpoint.id)).limit(limit + 1)
    if after is not None:
        query = query.where(col(WebhookEndpoint.id) > int(after))
    return list(session.exec(query))


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None:
        raise NotFound(f"There is no webhook endpoint {endpoint_id}.")
    return row


def delete_endpoint(session: Session, endpoint_id: int) -> None:
    session.delete(get_endpoint(session, endpoint_id))
    session.flush()


def rotate_secret(session: Session, settings: Settings, endpoint_id: int) -> EndpointWithSecret:
    """A new secret; the old one keeps signing alongside it for `PREVIOUS_SECRET_VALID`."""
    row = get_endpoint(session, endpoint_id)
    secret = secrets.new_secret()
    row.previous_secret = row.secret
    row.previous_secret_until = utcnow() + PREVIOUS_SECRET_VALID
    row.secret = secrets.encrypt(secret, settings.webhook_secret_key)
    session.add(row)
    session.flush()
    return EndpointWithSecret(row, secret)


def enable_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    """Delivery resumes at once, from the first event not yet delivered."""
    row = get_endpoint(session, endpoint_id)
    row.disabled_at = row.disabled_reason = None
    row.failed_attempts = 0
    row.next_attempt_at = utcnow()
    session.add(row)
    session.flush()
    return row


def queue_ping(session: Session, endpoint_id: int) -> WebhookDelivery:
    """A ping for the delivery worker to send ahead of the endpoint's next event."""
    row = get_endpoint(session, endpoint_id)
    assert row.id is not None
    ping = WebhookDelivery(
        endpoint_id=row.id, message_id="", event_type=PING, outcome=DeliveryOutcome.pending
    )
    session.add(ping)
    session.flush()
    assert ping.id is not None
    ping.message_id = ping_message_id(row.id, ping.id)
    session.flush()
    return ping


def list_deliveries(
    session: Session, endpoint_id: int, after: str | None, limit: int
) -> list[WebhookDelivery]:
    """The endpoint's deliveries, newest first."""
    get_endpoint(session, endpoint_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(col(WebhookDelivery.id) < int(after))
    return list(session.exec(query))
