"""Delivering the change log to webhook endpoints: at least once, in order per endpoint.

The change log is the outbox and each endpoint keeps its cursor, the id of the last change it
was sent, in the database. A worker claims an endpoint with a lease (a conditional UPDATE, so
that of two workers only one wins it on PostgreSQL and SQLite alike), sends the events after
the cursor one by one, and moves the cursor past each one only when the receiver answered 2xx;
every write it makes is fenced by the lease. A failure stops the endpoint's queue there and
retries the same event, with the same `webhook-id`, after a doubling wait up to a cap; after
`WEBHOOK_MAX_ATTEMPTS` failures in a row the endpoint is disabled with the reason. A worker that
dies mid-send leaves a lease that expires: the event is sent again, as a retry. No transaction
is open while a request is in flight.
"""

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.core.errors import database_reason, is_database_unavailable
from app.core.types import utcnow
from app.models import ContentChange, WebhookDelivery, WebhookEndpoint
from app.webhooks import secrets
from app.webhooks.events import (
    CHANGES_OF_EVENT,
    DeliveryOutcome,
    EventType,
    backoff_seconds,
    content_event,
    message_id,
    ping_event,
)
from app.webhooks.targets import RESOLVE_SECONDS, TargetRefused, resolve

logger = logging.getLogger("app.webhooks")

USER_AGENT = "gutbrain-webhooks/1.0"
# Events sent to one endpoint per claim, so that one busy endpoint does not starve the others.
EVENTS_PER_CLAIM = 50
ENDPOINTS_PER_ROUND = 100
# The history past WEBHOOK_HISTORY_DAYS is deleted this often per worker, a batch per
# transaction, so that pruning a large backlog never holds one long transaction.
PRUNE_EVERY_SECONDS = 3600.0
PRUNE_BATCH = 1000
_ERROR_LENGTH = 500

ItemUrl = Callable[[str, str], str]


@dataclass(frozen=True)
class Attempt:
    """What became of one request to a receiver."""

    succeeded: bool
    status: int | None
    error: str | None
    duration_ms: int
    at: datetime


class DeliveryWorker:
    """Sends due events to due endpoints. Several may run at once, in one process or many."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        item_url: ItemUrl,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.item_url = item_url
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self.pruned_at: float | None = None
        # Long enough for one request through every phase (connect, write, read) and the
        # address lookup, renewed after each event.
        self.lease = timedelta(seconds=30 + RESOLVE_SECONDS + 4 * settings.webhook_timeout_seconds)
        self.client = httpx.Client(
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self.client.close()

    def run(self, stop: threading.Event) -> None:
        """Delivers until `stop` is set, looking for work every `WEBHOOK_POLL_SECONDS`."""
        logger.info("webhook delivery started", extra={"worker": self.owner})
        try:
            while not stop.is_set():
                try:
                    sent = self.run_once(stop)
                except Exception as error:
                    # Keep the loop alive and try again later, as the leases let any worker do:
                    # an outage is one line per round, anything else a traceback.
                    if is_database_unavailable(error):
                        logger.warning("webhook delivery paused: %s", database_reason(error))
                    else:
                        logger.exception("webhook delivery round failed")
                    sent = 0
                if not sent:
                    stop.wait(self.settings.webhook_poll_seconds)
        finally:
            self.close()
            logger.info("webhook delivery stopped", extra={"worker": self.owner})

    def run_once(self, stop: threading.Event | None = None) -> int:
        """One round over the due endpoints, pruning the history first when it is time; the
        number of requests sent."""
        if self.pruned_at is None or time.monotonic() - self.pruned_at >= PRUNE_EVERY_SECONDS:
            self.prune_history()
            self.pruned_at = time.monotonic()
        sent = 0
        for endpoint_id in self._due():
            if stop is not None and stop.is_set():
                break
            if not self._claim(endpoint_id):
                continue
            try:
                sent += self._serve(endpoint_id, stop)
            finally:
                self._release(endpoint_id)
        return sent

    def prune_history(self) -> int:
        """Deletes the attempts made more than `WEBHOOK_HISTORY_DAYS` ago; a ping still waiting
        to be sent stays, whatever its age. Returns how many were deleted."""
        cutoff = utcnow() - timedelta(days=self.settings.webhook_history_days)
        expired = (
            select(col(WebhookDelivery.id))
            .where(
                col(WebhookDelivery.created_at) < cutoff,
                col(WebhookDelivery.outcome) != DeliveryOutcome.pending,
            )
            .limit(PRUNE_BATCH)
        )
        deleted = 0
        while True:
            with Session(self.engine) as session:
                ids = list(session.exec(expired))
                session.exec(sa.delete(WebhookDelivery).where(col(WebhookDelivery.id).in_(ids)))
                session.commit()
            deleted += len(ids)
            if len(ids) < PRUNE_BATCH:
                break
        if deleted:
            logger.info("webhook history pruned", extra={"deleted": deleted, "before": cutoff})
        return deleted

    def _due(self) -> list[int]:
        """Endpoints not leased with a ping waiting, or enabled, out of backoff and behind."""
        now = utcnow()
        latest = sa.select(sa.func.coalesce(sa.func.max(col(ContentChange.id)), 0))
        pending_ping = (
            sa.select(col(WebhookDelivery.id))
            .where(
                col(WebhookDelivery.endpoint_id) == col(WebhookEndpoint.id),
                col(WebhookDelivery.outcome) == DeliveryOutcome.pending,
            )
            .exists()
        )
        behind = sa.and_(
            col(WebhookEndpoint.disabled_at).is_(None),
            col(WebhookEndpoint.next_attempt_at) <= now,
            col(WebhookEndpoint.last_change_id) < latest.scalar_subquery(),
        )
        query = (
            select(col(WebhookEndpoint.id))
            .where(_lease_free(now), sa.or_(pending_ping, behind))
            .order_by(col(WebhookEndpoint.next_attempt_at))
            .limit(ENDPOINTS_PER_ROUND)
        )
        with Session(self.engine) as session:
            return [endpoint_id for endpoint_id in session.exec(query) if endpoint_id]

    def _claim(self, endpoint_id: int) -> bool:
        now = utcnow()
        with Session(self.engine) as session:
            claimed = session.exec(
                sa.update(WebhookEndpoint)
                .where(col(WebhookEndpoint.id) == endpoint_id, _lease_free(now))
                .values(lease_owner=self.owner, lease_until=now + self.lease)
            ).rowcount
            session.commit()
        return claimed == 1

    def _release(self, endpoint_id: int) -> None:
        with Session(self.engine) as session:
            session.exec(
                sa.update(WebhookEndpoint)
                .where(self._held(endpoint_id))
                .values(lease_owner=None, lease_until=None)
            )
            session.commit()

    def _held(self, endpoint_id: int) -> Any:
        return sa.and_(
            col(WebhookEndpoint.id) == endpoint_id, col(WebhookEndpoint.lease_owner) == self.owner
        )

    def _serve(self, endpoint_id: int, stop: threading.Event | None) -> int:
        with Session(self.engine, expire_on_commit=False) as session:
            endpoint = session.get(WebhookEndpoint, endpoint_id)
            pings = list(
                session.exec(
                    select(WebhookDelivery)
                    .where(
                        WebhookDelivery.endpoint_id == endpoint_id,
                        WebhookDelivery.outcome == DeliveryOutcome.pending,
                    )
                    .order_by(col(WebhookDelivery.id))
                )
            )
        if endpoint is None:
            return 0
        sent = 0
        for ping in pings:
            self._send_ping(endpoint, ping)
            sent += 1
        if endpoint.disabled_at is not None or endpoint.next_attempt_at > utcnow():
            return sent
        with Session(self.engine) as session:
            changes = list(
                session.exec(
                    select(ContentChange)
                    .where(col(ContentChange.id) > endpoint.last_change_id)
                    .order_by(col(ContentChange.id))
                    .limit(EVENTS_PER_CLAIM)
                )
            )
        failed, skipped_to = endpoint.failed_attempts, None
        for change in changes:
            assert change.id is not None
            if stop is not None and stop.is_set():
                break
            if not _subscribed(endpoint, change):
                skipped_to = change.id
                continue
            attempt = self._send_change(endpoint, change, failed + 1)
            sent += 1
            if not attempt.succeeded:
                return sent
            failed, skipped_to = 0, None
        if skipped_to is not None:
            # Past changes of types the endpoint does not take, so it is not due again for them.
            self._advance(endpoint_id, skipped_to)
        return sent

    def _send_change(
        self, endpoint: WebhookEndpoint, change: ContentChange, number: int
    ) -> Attempt:
        assert endpoint.id is not None
        assert change.id is not None
        event_id = message_id(endpoint.id, change.id)
        payload = content_event(
            change.change,
            change.at,
            kind=change.kind.value,
            slug=change.slug,
            version=change.version,
            change_id=change.id,
            url=self.item_url(change.kind.value, change.slug),
        )
        attempt = self._post(endpoint, event_id, payload)
        values: dict[str, Any] = {"lease_until": utcnow() + self.lease}
        if attempt.succeeded:
            values |= {"last_change_id": change.id, "failed_attempts": 0}
        else:
            wait = backoff_seconds(
                number,
                self.settings.webhook_backoff_base_seconds,
                self.settings.webhook_backoff_cap_seconds,
            )
            values |= {
                "failed_attempts": number,
                "next_attempt_at": attempt.at + timedelta(seconds=wait),
            }
            if number >= self.settings.webhook_max_attempts:
                values |= {
                    "disabled_at": attempt.at,
                    "disabled_reason": (
                        f"{number} attempts in a row failed to deliver {event_id};"
                        f" the last: {attempt.error}"
                    )[:_ERROR_LENGTH],
                }
        with Session(self.engine) as session:
            held = session.exec(
                sa.update(WebhookEndpoint).where(self._held(endpoint.id)).values(**values)
            ).rowcount
            if held != 1:
                # The lease ran out and another worker took the endpoint over: it sends this
                # event again, and records that attempt.
                session.rollback()
                logger.warning("webhook lease lost", extra={"endpoint": endpoint.id})
                return Attempt(False, attempt.status, "lease lost", attempt.duration_ms, attempt.at)
            session.add(
                _delivery(attempt, endpoint.id, event_id, str(payload["type"]), change.id, number)
            )
            session.commit()
        if "disabled_at" in values:
            logger.warning(
                "webhook endpoint disabled",
                extra={"endpoint": endpoint.id, "reason": values["disabled_reason"]},
            )
        return attempt

    def _send_ping(self, endpoint: WebhookEndpoint, ping: WebhookDelivery) -> None:
        attempt = self._post(endpoint, ping.message_id, ping_event(ping.created_at, endpoint.url))
        with Session(self.engine) as session:
            session.exec(
                sa.update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.id) == ping.id,
                    col(WebhookDelivery.outcome) == DeliveryOutcome.pending,
                )
                .values(
                    outcome=DeliveryOutcome.succeeded
                    if attempt.succeeded
                    else DeliveryOutcome.failed,
                    response_status=attempt.status,
                    error=attempt.error,
                    duration_ms=attempt.duration_ms,
                    attempted_at=attempt.at,
                )
            )
            session.commit()

    def _advance(self, endpoint_id: int, change_id: int) -> None:
        with Session(self.engine) as session:
            session.exec(
                sa.update(WebhookEndpoint)
                .where(self._held(endpoint_id), col(WebhookEndpoint.last_change_id) < change_id)
                .values(last_change_id=change_id)
            )
            session.commit()

    def _post(self, endpoint: WebhookEndpoint, event_id: str, payload: dict[str, Any]) -> Attempt:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        at = utcnow()
        started = time.monotonic()
        status = error = None
        try:
            target = resolve(
                endpoint.url, allow_private=self.settings.webhook_allow_private_targets
            )
            headers = {
                **target.request_headers(),
                "Content-Type": "application/json",
                "webhook-id": event_id,
                "webhook-timestamp": str(int(at.timestamp())),
                "webhook-signature": secrets.signature(
                    self._secrets(endpoint, at), event_id, at, body
                ),
            }
            # Streamed and closed unread: only the status matters, and a receiver's body is
            # never buffered.
            with self.client.stream(
                "POST",
                target.request_url(),
                content=body.encode(),
                headers=headers,
                extensions=target.extensions(),
            ) as response:
                status = response.status_code
        except TargetRefused as refused:
            error = f"refused: {refused}"
        except httpx.HTTPError as failure:
            error = (
                f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
            )
        duration_ms = round((time.monotonic() - started) * 1000)
        succeeded = status is not None and 200 <= status < 300
        if status is not None and not succeeded:
            error = f"the receiver answered {status}" + (
                ", a redirect, which is not followed" if 300 <= status < 400 else ""
            )
        return Attempt(succeeded, status, error and error[:_ERROR_LENGTH], duration_ms, at)

    def _secrets(self, endpoint: WebhookEndpoint, at: datetime) -> list[str]:
        key = self.settings.webhook_secret_key
        in_use = [secrets.decrypt(endpoint.secret, key)]
        if endpoint.previous_secret and (endpoint.previous_secret_until or at) > at:
            in_use.append(secrets.decrypt(endpoint.previous_secret, key))
        return in_use


def _lease_free(now: datetime) -> Any:
    return sa.or_(
        col(WebhookEndpoint.lease_until).is_(None), col(WebhookEndpoint.lease_until) < now
    )


def _subscribed(endpoint: WebhookEndpoint, change: ContentChange) -> bool:
    return any(
        CHANGES_OF_EVENT[EventType(event)] == change.change for event in endpoint.event_types
    )


def _delivery(
    attempt: Attempt,
    endpoint_id: int,
    event_id: str,
    event_type: str,
    change_id: int | None,
    number: int,
) -> WebhookDelivery:
    return WebhookDelivery(
        endpoint_id=endpoint_id,
        message_id=event_id,
        event_type=event_type,
        change_id=change_id,
        attempt=number,
        outcome=DeliveryOutcome.succeeded if attempt.succeeded else DeliveryOutcome.failed,
        response_status=attempt.status,
        error=attempt.error,
        duration_ms=attempt.duration_ms,
        attempted_at=attempt.at,
    )
