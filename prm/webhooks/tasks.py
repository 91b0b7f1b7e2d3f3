"""Sending webhooks: one task per delivery, and the sweep that sends what is due. Thin: the
logic is in sending.py."""

from celery import shared_task
from django.utils import timezone

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .models import WebhookDelivery
from .sending import delivery_send

#: deliveries a tenant's sweep enqueues at most per run (the next run takes the rest)
SWEEP_BATCH = 1000


@shared_task(base=TenantTask, acks_late=True)
def webhook_deliver_task(*, tenant_id: int, delivery_id: str) -> str:
    """Make the due attempt of one delivery (a no-op when it is not due or already taken)."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(base=TenantTask)
def webhook_sweep_task(*, tenant_id: int) -> int:
    """Enqueue every pending delivery of the tenant whose attempt is due (never sent because
    the broker was away, or due for a retry), except those of disabled endpoints (they wait)."""
    due = list(
        WebhookDelivery.objects.filter(
            tenant_id=tenant_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for delivery_id in due:
        webhook_deliver_task.delay(tenant_id=tenant_id, delivery_id=str(delivery_id))
    return len(due)


@shared_task
def webhook_sweep_all_task() -> None:
    """Beat, every minute: fan the sweep out per tenant, each inside its own scope."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        webhook_sweep_task.delay(tenant_id=tenant_id)
