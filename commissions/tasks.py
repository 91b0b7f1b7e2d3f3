"""Beat jobs of commissions, per tenant inside its scope."""

from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils import timezone

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

# C: incentives -- tier bonuses for the period that ended


@shared_task(base=TenantTask)
def tier_bonuses_task(*, tenant_id: int) -> int:
    """Pay the tier bonuses of the quarter or year that just ended (idempotent by the lines'
    keys: running it again pays nothing twice)."""
    from .incentives.bonuses import bonuses_run_due

    tenant = Tenant.objects.get(pk=tenant_id)
    today = timezone.localdate(timezone=ZoneInfo(tenant.time_zone))  # the tenant's day
    return bonuses_run_due(tenant=tenant, today=today)


@shared_task
def tier_bonuses_all_task() -> None:
    """Beat, daily: every active tenant's tier bonuses."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        tier_bonuses_task.delay(tenant_id=tenant_id)
