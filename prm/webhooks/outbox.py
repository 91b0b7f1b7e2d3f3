"""The outbox: a delivery row per subscribed endpoint, written in the event's transaction.

`on_event` listens to every event (`prm.notifications.events.listen_all`). An event no active
endpoint of its tenant subscribes to costs nothing: the tenant row it came with lists the
subscribed events (`subscriptions.py`); a subscribed one costs one indexed query for the
endpoints. Each row
is handed to Celery after commit; if the broker is away, the sweep sends it (tasks.py).
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from prm.notifications.events import Event
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Tenant

from . import payloads
from .models import WebhookDelivery, WebhookEndpoint
from .subscriptions import subscribed
from .tasks import webhook_deliver_task


def on_event(event: Event) -> None:
    """Write a delivery for each active endpoint of the event's tenant subscribed to it."""
    if not subscribed(event.tenant, event.name):
        return
    # The base manager, filtered on the event's tenant: an event may be emitted outside a tenant
    # scope (the operator creating a tenant), and the listener must not refuse it.
    endpoint_ids = list(
        WebhookEndpoint._base_manager.filter(
            tenant_id=event.tenant.pk, is_active=True, events__contains=[event.name]
        ).values_list("pk", flat=True)
    )
    if endpoint_ids:
        deliveries_write(
            tenant=event.tenant,
            endpoint_ids=endpoint_ids,
            event=event.name,
            data=payloads.event_data(event),
        )


def deliveries_write(
    *, tenant: Tenant, endpoint_ids: Iterable[int], event: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """One pending delivery per endpoint, due now, its body frozen; sent after commit."""
    now = timezone.now()
    rows = []
    for endpoint_id in endpoint_ids:
        delivery_id = uuid.uuid4()
        rows.append(
            WebhookDelivery(
                id=delivery_id,
                tenant=tenant,
                endpoint_id=endpoint_id,
                event=event,
                body=payloads.body(
                    delivery_id=delivery_id,
                    event=event,
                    created=now,
                    tenant=tenant.slug,
                    data=data,
                ),
                created_at=now,
                next_attempt_at=now,
            )
        )
    WebhookDelivery.objects.bulk_create(rows)
    for row in rows:
        enqueue_on_commit(webhook_deliver_task, tenant_id=tenant.pk, delivery_id=str(row.pk))
    return rows
