"""Managing webhook endpoints and deliveries: add, change, rotate the secret, disable, enable,
send a test event, redeliver. Each checks `integrations.manage` and the tenant, writes, audits,
and enqueues after commit. Sending itself is in sending.py, the outbox in outbox.py."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.notifications.events import all_event_types
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Membership

from . import outbox, payloads
from .addresses import validate_url
from .events import PING
from .models import WebhookDelivery, WebhookEndpoint
from .subscriptions import subscriptions_refresh
from .tasks import webhook_deliver_task, webhook_sweep_task

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """`whsec_` + 32 random bytes, urlsafe base64."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _authorise(actor: Membership, endpoint: WebhookEndpoint | None = None) -> None:
    if not actor.can("integrations.manage"):
        raise PermissionDenied
    if endpoint is not None and endpoint.tenant_id != actor.tenant_id:
        raise PermissionDenied


def _clean(
    *, actor: Membership, url: str, description: str, events: Iterable[str], pk: int | None
) -> tuple[str, str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        url = validate_url(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    else:
        taken = WebhookEndpoint.objects.filter(tenant_id=actor.tenant_id, url=url)
        if pk is not None:
            taken = taken.exclude(pk=pk)
        if taken.exists():
            errors["url"] = [_("An endpoint with this URL exists already: edit that one.")]
    description = (description or "").strip()
    if len(description) > 200:
        errors["description"] = [_("Keep the description under 200 characters.")]
    known = {t.name for t in all_event_types()}
    chosen = sorted(set(events))
    if not chosen:
        errors["events"] = [_("Choose at least one event to send to this endpoint.")]
    elif set(chosen) - known:
        errors["events"] = [_("Choose among the events offered.")]
    if errors:
        raise ValidationError(errors)
    return url, description, chosen


def endpoint_create(
    *, actor: Membership, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Add an endpoint receiving `events` at `url` (checked: http(s), public), with a new
    secret. Active at once: the next subscribed event is delivered to it. Raises
    `ValidationError` by field, `PermissionDenied` without `integrations.manage`."""
    _authorise(actor)
    url, description, chosen = _clean(
        actor=actor, url=url, description=description, events=events, pk=None
    )
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            tenant=actor.tenant,
            url=url,
            description=description,
            events=chosen,
            secret=new_secret(),
            created_by=actor.user,
        )
        subscriptions_refresh(actor.tenant)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.endpoint.created",
            obj=endpoint,
            after={"url": url, "description": description, "events": chosen},
        )
    return endpoint


def endpoint_update(
    *,
    actor: Membership,
    endpoint: WebhookEndpoint,
    url: str,
    events: Iterable[str],
    description: str = "",
) -> WebhookEndpoint:
    """Change an endpoint's URL, description and events. Deliveries already written keep going
    to the endpoint (at its new URL); the new events apply from the next event on."""
    _authorise(actor, endpoint)
    url, description, chosen = _clean(
        actor=actor, url=url, description=description, events=events, pk=endpoint.pk
    )
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
        }
        after = {"url": url, "description": description, "events": chosen}
        if before == after:
            return endpoint
        endpoint.url, endpoint.description, endpoint.events = url, description, chosen
        endpoint.save(update_fields=["url", "description", "events"])
        subscriptions_refresh(actor.tenant)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.endpoint.changed",
            obj=endpoint,
            before={k: v for k, v in before.items() if v != after[k]},
            after={k: v for k, v in after.items() if v != before[k]},
        )
    return endpoint


def endpoint_secret_rotate(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give the endpoint a new secret: every attempt from now on is signed with it (the old one
    stops verifying at once). The secret itself is not audited."""
    _authorise(actor, endpoint)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secret = new_secret()
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["secret", "secret_rotated_at"])
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.endpoint.secret_rotated",
            obj=endpoint,
        )
    return endpoint


def endpoint_disable(
    *, actor: Membership, endpoint: WebhookEndpoint, reason: str
) -> WebhookEndpoint:
    """Stop sending to the endpoint: no new deliveries are written for it, and its pending ones
    wait until it is enabled again. Disabling a disabled endpoint changes nothing."""
    _authorise(actor, endpoint)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for whoever enables it again.")})
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not endpoint.is_active:
            return endpoint
        endpoint.is_active = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_by = actor.user
        endpoint.disabled_reason = reason
        endpoint.save(update_fields=["is_active", "disabled_at", "disabled_by", "disabled_reason"])
        subscriptions_refresh(actor.tenant)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.endpoint.disabled",
            obj=endpoint,
            before={"status": "active"},
            after={"status": "disabled"},
            reason=reason,
        )
    return endpoint


def endpoint_enable(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to the endpoint again: its health starts afresh, and its pending deliveries (those
    that waited while it was disabled) are due now and go out after commit."""
    _authorise(actor, endpoint)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if endpoint.is_active:
            return endpoint
        now = timezone.now()
        endpoint.is_active = True
        endpoint.failing_since = None
        endpoint.disabled_at = None
        endpoint.disabled_by = None
        endpoint.disabled_reason = ""
        endpoint.save(
            update_fields=[
                "is_active", "failing_since", "disabled_at", "disabled_by", "disabled_reason",
            ]
        )  # fmt: skip
        subscriptions_refresh(actor.tenant)
        WebhookDelivery.objects.filter(
            tenant_id=endpoint.tenant_id,
            endpoint=endpoint,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__gt=now,
        ).update(next_attempt_at=now)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.endpoint.enabled",
            obj=endpoint,
            before={"status": "disabled"},
            after={"status": "active"},
        )
        enqueue_on_commit(webhook_sweep_task, tenant_id=endpoint.tenant_id)
    return endpoint


def endpoint_ping(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `webhooks.ping` delivery to the endpoint (whatever its events), sent after
    commit like any delivery: to check the receiver and its signature check."""
    _authorise(actor, endpoint)
    with transaction.atomic():
        data = payloads.subject_data(
            None, {"message": "A test event from the PRM.", "endpoint_id": endpoint.pk}
        )
        [delivery] = outbox.deliveries_write(
            tenant=actor.tenant, endpoint_ids=[endpoint.pk], event=PING, data=data
        )
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.endpoint.pinged",
            obj=endpoint,
            after={"delivery": str(delivery.pk)},
        )
    return delivery


def delivery_redeliver(*, actor: Membership, delivery: WebhookDelivery) -> WebhookDelivery:
    """A new attempt of the same delivery (same id, same body) now, whatever its status, even
    failed for good. If that attempt fails past the delivery's day it is failed again; while
    its endpoint is disabled it waits like any pending delivery."""
    _authorise(actor, delivery.endpoint)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        before = delivery.status
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="webhooks.delivery.redelivered",
            obj=delivery,
            before={"status": before},
            after={"status": delivery.status},
        )
        enqueue_on_commit(
            webhook_deliver_task, tenant_id=delivery.tenant_id, delivery_id=str(delivery.pk)
        )
    return delivery
