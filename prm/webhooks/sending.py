"""Sending a delivery: one attempt, its log, the retry schedule and the endpoint's health.

Retries: after the n-th failed attempt the next comes `backoff(n)` later: 30 s, 1, 2, 4, 8, 16,
32 minutes, then every hour, each within ±10 % (jitter, so that many deliveries failing
together do not come back together), never more than an hour apart, until 24 hours after the
delivery was created; the last attempt is at that mark, and if it fails the delivery is failed
for good (a person may still redeliver it).

An endpoint's `failing_since` is set at its first failed attempt and cleared by any success.
An endpoint failing for 24 hours is disabled and the program leaders are told (the event
`webhooks.endpoint.disabled`, once: the change is made under the endpoint's row lock).

Two workers never send the same attempt: a worker takes one with a conditional update that
moves `next_attempt_at` forward by `LEASE` (longer than a request can take), so a second worker
(a redelivered task, the sweep) finds nothing due. A worker that dies mid-send leaves the
delivery due again when the lease ends.
"""

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.dates import format_moment
from prm.notifications.events import emit

from . import transport
from .events import ENDPOINT_DISABLED
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .subscriptions import subscriptions_refresh

logger = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
LEASE = timedelta(minutes=2)


def backoff(attempts: int, jitter: Callable[[], float] = random.random) -> timedelta:
    """How long after the `attempts`-th failed attempt the next one comes."""
    exponent = min(max(attempts - 1, 0), 20)
    delay = min(RETRY_BASE * 2**exponent, RETRY_CAP)
    return min(delay * (0.9 + 0.2 * jitter()), RETRY_CAP)


def give_up_at(delivery: WebhookDelivery) -> datetime:
    return delivery.created_at + GIVE_UP_AFTER


def delivery_send(*, delivery_id: str, now: datetime | None = None) -> str:
    """Make the due attempt of one delivery, if it is still due and nobody else is making it.

    Returns what happened: "delivered", "retry", "failed", or "skipped" (not found, not pending,
    not due, its endpoint disabled, or another worker took the attempt). Never raises for the
    receiver's sake: every failure is logged as an attempt.
    """
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "tenant").filter(pk=delivery_id).first()
    )
    if (
        delivery is None
        or delivery.status != WebhookDelivery.Status.PENDING
        or delivery.next_attempt_at is None
        or delivery.next_attempt_at > now
        or not delivery.endpoint.is_active
    ):
        return "skipped"
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=WebhookDelivery.Status.PENDING,
        attempts=delivery.attempts,
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1, last_attempt_at=now)
    if not taken:
        return "skipped"
    endpoint = delivery.endpoint
    result = transport.deliver(
        endpoint.url,
        body=delivery.body.encode(),
        event=delivery.event,
        delivery_id=str(delivery.pk),
        secret=endpoint.secret,
    )
    return _record(
        delivery, result, at=now, too_large=len(delivery.body.encode()) > transport.MAX_REQUEST
    )


def _record(
    delivery: WebhookDelivery, result: transport.Result, *, at: datetime, too_large: bool
) -> str:
    finished = at + timedelta(milliseconds=result.duration_ms)
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        WebhookAttempt.objects.create(
            tenant_id=row.tenant_id,
            delivery=row,
            at=at,
            request_headers=result.request_headers,
            request_body=row.body,
            response_status=result.status,
            response_headers=result.headers,
            response_body=result.body,
            error=result.error,
            duration_ms=result.duration_ms,
            ok=result.ok,
        )
        row.last_attempt_at = at
        row.last_status_code = result.status
        if result.ok:
            outcome = "delivered"
            row.status = WebhookDelivery.Status.DELIVERED
            row.delivered_at = finished
            row.next_attempt_at = None
            row.last_error = ""
        else:
            row.last_error = result.error or _("The receiver answered %(status)s.") % {
                "status": result.status
            }
            deadline = give_up_at(row)
            if too_large or finished >= deadline:
                outcome = "failed"
                row.status = WebhookDelivery.Status.FAILED
                row.next_attempt_at = None
            else:
                outcome = "retry"
                row.next_attempt_at = min(finished + backoff(row.attempts), deadline)
        row.save()
        if not too_large:  # an oversized payload is no fault of the receiver's
            _endpoint_health(row.endpoint_id, ok=result.ok, at=finished)
    logger.info("Webhook %s to endpoint %s: %s", row.pk, row.endpoint_id, outcome)
    return outcome


def _endpoint_health(endpoint_id: int, *, ok: bool, at: datetime) -> None:
    endpoint = (
        WebhookEndpoint.objects.select_for_update().select_related("tenant").get(pk=endpoint_id)
    )
    if ok:
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
        return
    if endpoint.failing_since is None:
        endpoint.failing_since = at
        endpoint.save(update_fields=["failing_since"])
        return
    if endpoint.is_active and at - endpoint.failing_since >= DISABLE_AFTER:
        since = format_moment(endpoint.failing_since)
        endpoint.is_active = False
        endpoint.disabled_at = at
        endpoint.disabled_by = None
        endpoint.disabled_reason = _(
            "Every delivery failed for 24 hours (since %(since)s): disabled automatically."
        ) % {"since": since}
        endpoint.save(update_fields=["is_active", "disabled_at", "disabled_by", "disabled_reason"])
        subscriptions_refresh(endpoint.tenant)
        audit_record(
            tenant=endpoint.tenant,
            actor=None,
            action="webhooks.endpoint.disabled",
            obj=endpoint,
            before={"status": "active"},
            after={"status": "disabled"},
            reason=endpoint.disabled_reason,
        )
        emit(
            ENDPOINT_DISABLED.name,
            tenant=endpoint.tenant,
            subject=endpoint,
            data={"url": endpoint.url, "since": since},
        )
