"""Tasks of the reporting app: the hourly alert sweep, one task per active tenant
(`reporting.beat`)."""

from celery import shared_task

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def alerts_sweep_task(*, tenant_id: int) -> int:
    """Sweep one tenant's alert rules (`sweep_tenant`); how many alerts fired."""
    from .alerts.sweep import sweep_tenant

    return len(sweep_tenant(Tenant.objects.get(pk=tenant_id)).fired)


@shared_task
def alerts_sweep_all_task() -> None:
    """Beat, hourly: a sweep per active tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        alerts_sweep_task.delay(tenant_id=tenant_id)
