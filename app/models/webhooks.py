"""Webhook endpoints that partners register, and each attempt to deliver an event to one."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow
from app.webhooks.events import DeliveryOutcome


class WebhookEndpoint(SQLModel, table=True):
    """A subscriber: where to send which events, the secret to sign them with (encrypted), and
    the delivery state: the last change delivered (the cursor into the change log), the failed
    attempts at the next one, and the lease a delivery worker holds while it sends."""

    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=200)
    event_types: list[str] = Field(sa_type=sa.JSON)
    secret: str = Field(sa_type=Text, description="The signing secret, encrypted.")
    previous_secret: str | None = Field(
        default=None, sa_type=Text, description="The secret before the last rotation, encrypted."
    )
    previous_secret_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_change_id: int = Field(default=0, ge=0)
    failed_attempts: int = Field(default=0, ge=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_reason: str | None = Field(default=None, max_length=500)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver one event to one endpoint, or a ping waiting to be sent."""

    __tablename__ = "webhook_delivery"

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", ondelete="CASCADE", index=True)
    message_id: str = Field(max_length=100)
    event_type: str = Field(max_length=40)
    change_id: int | None = Field(default=None)
    attempt: int = Field(default=1, ge=1)
    outcome: DeliveryOutcome = Field(sa_type=enum_column(DeliveryOutcome))
    response_status: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    attempted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
