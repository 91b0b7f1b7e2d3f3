"""Which events a tenant's active endpoints subscribe to, kept on the tenant row.

The outbox listens to every event of every tenant; reading the endpoints for each would cost a
query per emitted event (a sweep emitting hundreds would pay hundreds). The union of the active
endpoints' events is kept in `Tenant.webhook_events` instead, refreshed in the transaction of
every change to an endpoint's events or activity, under a lock on the tenant row so that two
changes at once cannot lose each other's events.
"""

from django.db import transaction

from prm.tenancy.models import Tenant

from .models import WebhookEndpoint


def subscriptions_refresh(tenant: Tenant) -> list[str]:
    """Recompute the tenant's subscribed events (call inside the changing transaction: it is
    then a savepoint of it)."""
    with transaction.atomic():
        Tenant.objects.select_for_update(no_key=True).filter(pk=tenant.pk).first()
        events: set[str] = set()
        for chosen in WebhookEndpoint._base_manager.filter(
            tenant_id=tenant.pk, is_active=True
        ).values_list("events", flat=True):
            events.update(chosen)
        names = sorted(events)
        Tenant.objects.filter(pk=tenant.pk).update(webhook_events=names)
    tenant.webhook_events = names
    return names


def subscribed(tenant: Tenant, event: str) -> bool:
    return event in (tenant.webhook_events or ())
