"""The nightly tier evaluation, per tenant inside its scope."""

from celery import shared_task

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .tiers.services import tiers_evaluate


@shared_task(base=TenantTask)
def tiers_evaluate_task(*, tenant_id: int) -> dict[str, int]:
    return tiers_evaluate(tenant=Tenant.objects.get(pk=tenant_id))


@shared_task
def tiers_evaluate_all_task() -> None:
    """Beat, nightly: evaluate every active tenant's partners."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        tiers_evaluate_task.delay(tenant_id=tenant_id)


@shared_task(base=TenantTask)
def surveys_quarterly_task(*, tenant_id: int) -> int:
    from .surveys.services import quarterly_ask

    return quarterly_ask(tenant=Tenant.objects.get(pk=tenant_id))


@shared_task
def surveys_quarterly_all_task() -> None:
    """Beat, daily: the quarterly relationship survey of every active tenant (it asks only on
    the first days of a fiscal quarter, and each member once per quarter)."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        surveys_quarterly_task.delay(tenant_id=tenant_id)
