from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, WithJsonSchema, field_validator

from app.core.pagination import Page
from app.core.urls import Link
from app.evidence.schemas import InputModel
from app.evidence.vocabulary import ItemKind
from app.webhooks.events import DeliveryOutcome, EventType

_EXAMPLE_TIME = "2026-12-04T09:30:00Z"
_EXAMPLE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1RQpFnn2GzQ="
TargetUrl = Annotated[
    str,
    Field(
        max_length=2000,
        description="Where events are POSTed: an http or https URL whose host resolves to"
        " public addresses only. Redirects are not followed.",
        examples=["https://partner.example/hooks/gutbrain"],
    ),
    WithJsonSchema({"type": "string", "format": "uri", "maxLength": 2000}),
]


class WebhookEndpointCreate(InputModel):
    url: TargetUrl
    event_types: list[EventType] = Field(
        default_factory=lambda: list(EventType),
        min_length=1,
        description="The events to receive; every content event when left out.",
        examples=[["content.created", "content.withdrawn"]],
    )
    description: str | None = Field(
        default=None,
        max_length=200,
        description="A note for whoever reads the list of endpoints.",
        examples=["Partner site, production"],
    )

    @field_validator("event_types")
    @classmethod
    def each_once(cls, value: list[EventType]) -> list[EventType]:
        return list(dict.fromkeys(value))


class WebhookEndpointLinks(BaseModel):
    self: Link = Field(examples=["http://127.0.0.1:8000/v1/editor/webhooks/1"])
    deliveries: Link = Field(
        description="The attempts to deliver events to it, newest first.",
        examples=["http://127.0.0.1:8000/v1/editor/webhooks/1/deliveries"],
    )


class WebhookEndpointPublic(BaseModel):
    """A registered endpoint and where its deliveries stand; never its secret."""

    id: int = Field(examples=[1])
    url: Link = Field(examples=["https://partner.example/hooks/gutbrain"])
    description: str | None = Field(examples=["Partner site, production"])
    event_types: list[EventType] = Field(examples=[["content.created", "content.withdrawn"]])
    created_by: str = Field(description="Name of the API key that registered it.")
    created_at: datetime = Field(examples=[_EXAMPLE_TIME])
    enabled: bool = Field(description="False once repeated failure disabled it.")
    disabled_at: datetime | None = Field(examples=[None])
    disabled_reason: str | None = Field(
        description="Why it was disabled: the attempts made and the last one's error.",
        examples=[None],
    )
    delivered_through: int = Field(
        description="The change log id of the last event delivered (or skipped as not"
        " subscribed): the next event is the first after it.",
        examples=[42],
    )
    failed_attempts: int = Field(
        description="Failed attempts in a row at the next event; 0 when all is well.",
        examples=[0],
    )
    next_attempt_at: datetime = Field(
        description="When the next attempt may be made, after backoff.", examples=[_EXAMPLE_TIME]
    )
    links: WebhookEndpointLinks


class WebhookEndpointWithSecret(WebhookEndpointPublic):
    """An endpoint with its signing secret, shown this once: at registration and rotation."""

    secret: str = Field(
        description="The Standard Webhooks signing secret (`whsec_` and base64): verify every"
        " event's `webhook-signature` with it. It cannot be shown again; rotate it if lost.",
        examples=[_EXAMPLE_SECRET],
    )


class WebhookEndpointPage(Page[WebhookEndpointPublic]):
    pass


class WebhookDeliveryPublic(BaseModel):
    """One attempt to deliver one event, or a ping waiting to be sent."""

    id: int = Field(examples=[7])
    message_id: str = Field(
        description="The event's `webhook-id`, the same on every attempt.",
        examples=["msg_1_42"],
    )
    event_type: str = Field(examples=["content.updated"])
    change_id: int | None = Field(
        description="The change log id the event reports; null for a ping.", examples=[42]
    )
    attempt: int = Field(description="1 for the first attempt at this event.", examples=[1])
    outcome: DeliveryOutcome
    response_status: int | None = Field(
        description="The receiver's HTTP status; null if none came.", examples=[200]
    )
    error: str | None = Field(
        description="Why the attempt failed: the status, a timeout, a refused address...",
        examples=[None],
    )
    duration_ms: int | None = Field(examples=[84])
    created_at: datetime = Field(examples=[_EXAMPLE_TIME])
    attempted_at: datetime | None = Field(
        description="When it was sent; null while pending.", examples=[_EXAMPLE_TIME]
    )


class WebhookDeliveryPage(Page[WebhookDeliveryPublic]):
    pass


class ContentEventData(BaseModel):
    kind: ItemKind = Field(description="What kind of item changed.")
    slug: str = Field(examples=["breastfeed"])
    version: int = Field(description="The item's version after the change.", examples=[3])
    change_id: int = Field(
        description="The change's id in the change log: events to one endpoint come in this order.",
        examples=[42],
    )
    url: Link = Field(
        description="The item's URL; a withdrawn item's answers 410.",
        examples=["http://127.0.0.1:8000/v1/recommendations/breastfeed"],
    )


class ContentEvent(BaseModel):
    """A public change to one item: published, changed, its certainty changed, or withdrawn."""

    type: EventType
    timestamp: datetime = Field(
        description="When the change was committed.", examples=[_EXAMPLE_TIME]
    )
    data: ContentEventData


class PingEventData(BaseModel):
    endpoint_url: Link = Field(examples=["https://partner.example/hooks/gutbrain"])


class PingEvent(BaseModel):
    """A test event, sent when asked for with the ping operation."""

    type: Literal["ping"]
    timestamp: datetime = Field(description="When the ping was asked for.")
    data: PingEventData
