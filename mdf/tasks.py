"""Beat jobs of MDF, per tenant inside its scope (the work is in `mdf.beat`)."""

from celery import shared_task

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .beat import allocations_warn_low, claims_remind, requests_escalate, windows_announce


@shared_task(base=TenantTask)
def mdf_sweep_task(*, tenant_id: int) -> dict[str, int]:
    """Escalate overdue decisions, remind partners to claim, announce opened request windows,
    warn of allocations running low. Each step fires once per row and level, so running it
    again is harmless."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return {
        "escalated": requests_escalate(tenant=tenant),
        "reminded": claims_remind(tenant=tenant),
        "windows": windows_announce(tenant=tenant),
        "low": allocations_warn_low(tenant=tenant),
    }


@shared_task
def mdf_sweep_all_task() -> None:
    """Beat, every 15 minutes: sweep every active tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        mdf_sweep_task.delay(tenant_id=tenant_id)
