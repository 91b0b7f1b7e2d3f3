"""Tasks of the reporting app: the hourly alert sweep, one task per active tenant
(`reporting.beat`), and keeping a final QBR's PDF."""

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


@shared_task(base=TenantTask)
def qbr_pdf_store_task(*, tenant_id: int, snapshot_id: int) -> None:
    """Render and keep a final QBR's PDF once, so that its first download is instant
    (`qbr_pdf` renders it on demand otherwise). Nothing happens when it is kept already."""
    from .models import QbrSnapshot
    from .qbrs.services import qbr_pdf

    snapshot = (
        QbrSnapshot.objects.select_related("qbr__tenant", "qbr__partner")
        .filter(tenant_id=tenant_id, pk=snapshot_id, final=True)
        .first()
    )
    if snapshot is not None and not snapshot.pdf:
        qbr_pdf(qbr=snapshot.qbr, snapshot=snapshot)
