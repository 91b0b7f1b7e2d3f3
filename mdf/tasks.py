"""Beat jobs of MDF, per tenant inside its scope (the work is in `mdf.beat`)."""

from celery import shared_task

from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .beat import (
    allocation_warn_if_low,
    allocations_warn_low,
    claims_remind,
    requests_escalate,
    windows_announce,
)
from .models import Allocation


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


@shared_task(base=TenantTask)
def allocation_warn_if_low_task(*, tenant_id: int, allocation_id: int) -> bool:
    """Tell the partner once if the allocation runs low (`mdf.beat.allocation_warn_if_low`)."""
    allocation = Allocation.objects.filter(tenant_id=tenant_id, pk=allocation_id).first()
    return allocation is not None and allocation_warn_if_low(allocation)


def allocation_check_after_commit(allocation: Allocation) -> None:
    """For services that spend an allocation (an approval): check whether it runs low once
    their transaction commits, in a task inside the tenant's scope (the warning reads the
    committed balances; a service called outside a request, such as the demo's seeder, has no
    scope left by then). Without a broker the beat sweep warns instead."""
    enqueue_on_commit(
        allocation_warn_if_low_task, tenant_id=allocation.tenant_id, allocation_id=allocation.pk
    )
