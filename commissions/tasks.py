"""Tasks of the commissions app, per tenant inside its scope (the work is in the services):
the daily close of the last period (`commissions.beat`), storing a statement's PDF after its
approval or payment commits, and the tier bonuses of the period that just ended."""

from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils import timezone

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .beat import statements_draft_due
from .models import Statement

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


@shared_task(base=TenantTask)
def statement_pdf_store_task(*, tenant_id: int, statement_id: int) -> bool:
    """Store the PDF of an approved or paid statement (`statement_pdf_store`; a statement
    that has one already, or is gone, is left alone)."""
    from .services.statement_pdf import statement_pdf_store

    statement = (
        Statement.objects.filter(tenant_id=tenant_id, pk=statement_id)
        .select_related("partner", "tenant")
        .first()
    )
    return statement is not None and statement_pdf_store(statement)


@shared_task(base=TenantTask)
def statements_draft_task(*, tenant_id: int) -> int:
    """Draft the tenant's statements of the last ended period (`commissions.beat`)."""
    return statements_draft_due(tenant=Tenant.objects.get(pk=tenant_id))


@shared_task
def statements_draft_all_task() -> None:
    """Beat, daily: draft the last period's statements of every active tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        statements_draft_task.delay(tenant_id=tenant_id)
