"""The events a webhook endpoint receives, and what became of each attempt: data and pure
functions, shared by the delivery worker, the API and its OpenAPI description."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from app.evidence.vocabulary import ChangeKind


class EventType(StrEnum):
    content_created = "content.created"
    content_updated = "content.updated"
    content_certainty_changed = "content.certainty_changed"
    content_withdrawn = "content.withdrawn"


PING = "ping"
# The logged changes an endpoint can subscribe to; "review overdue" is derived by the change
# feed at read time and never logged, so it is no event.
EVENT_OF_CHANGE = {
    ChangeKind.created: EventType.content_created,
    ChangeKind.updated: EventType.content_updated,
    ChangeKind.certainty_changed: EventType.content_certainty_changed,
    ChangeKind.withdrawn: EventType.content_withdrawn,
}
CHANGES_OF_EVENT = {event: change for change, event in EVENT_OF_CHANGE.items()}


class DeliveryOutcome(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


def backoff_seconds(failed_attempts: int, base: float, cap: float) -> float:
    """The wait after the `failed_attempts`-th failure in a row: base, doubled each time, capped."""
    return float(min(cap, base * 2 ** min(failed_attempts - 1, 62)))


def message_id(endpoint_id: int, change_id: int) -> str:
    """The `webhook-id` of a change's event to an endpoint: the same on every retry."""
    return f"msg_{endpoint_id}_{change_id}"


def ping_message_id(endpoint_id: int, delivery_id: int) -> str:
    return f"msg_{endpoint_id}_ping_{delivery_id}"


def content_event(
    change: ChangeKind,
    at: datetime,
    *,
    kind: str,
    slug: str,
    version: int,
    change_id: int,
    url: str,
) -> dict[str, Any]:
    """The body of a content event: the same bytes on every retry."""
    return {
        "type": EVENT_OF_CHANGE[change].value,
        "timestamp": _iso(at),
        "data": {
            "kind": kind,
            "slug": slug,
            "version": version,
            "change_id": change_id,
            "url": url,
        },
    }


def ping_event(at: datetime, endpoint_url: str) -> dict[str, Any]:
    return {"type": PING, "timestamp": _iso(at), "data": {"endpoint_url": endpoint_url}}


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
