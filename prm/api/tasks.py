"""Beat: forget the answers kept for idempotent retries, tenant by tenant."""

from celery import shared_task

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def idempotency_forget_task(*, tenant_id: int) -> int:
    from .idempotency import forget_old

    return forget_old()


@shared_task
def idempotency_forget_all_task() -> None:
    """Beat, hourly: one task per tenant, each inside its own scope."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        idempotency_forget_task.delay(tenant_id=tenant_id)
