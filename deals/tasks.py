"""Beat jobs of deal registration, per tenant inside its scope."""

from celery import shared_task

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .services import deals_escalate, deals_expire, deals_warn_expiring, leads_expire


@shared_task(base=TenantTask)
def deals_sweep_task(*, tenant_id: int) -> dict[str, int]:
    """Escalate overdue decisions, warn before expiry, expire protection, return unanswered
    leads. Each step fires once per registration or lead, so running it again is harmless."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return {
        "escalated": deals_escalate(tenant=tenant),
        "warned": deals_warn_expiring(tenant=tenant),
        "expired": deals_expire(tenant=tenant),
        "leads_returned": leads_expire(tenant=tenant),
    }


@shared_task
def deals_sweep_all_task() -> None:
    """Beat, every 15 minutes: sweep every active tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        deals_sweep_task.delay(tenant_id=tenant_id)
