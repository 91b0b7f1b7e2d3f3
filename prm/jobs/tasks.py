"""The worker side of background jobs: run one, and the beat sweep that requeues the jobs of a
killed worker (`runner` holds the logic; these stay thin)."""

from celery import shared_task

from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .runner import jobs_requeue_stale, run_job


@shared_task(base=TenantTask)
def job_run_task(*, tenant_id: int, job_id: int) -> str:
    """Run the job (idempotent: a finished job, or one another worker runs, is left alone)."""
    return run_job(job_id)


@shared_task(base=TenantTask)
def jobs_sweep_task(*, tenant_id: int) -> int:
    """Requeue the tenant's silent jobs (see `runner.jobs_requeue_stale`)."""
    return jobs_requeue_stale(Tenant.objects.get(pk=tenant_id))


@shared_task
def jobs_sweep_all_task() -> None:
    """Beat, every minute: sweep every active tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        jobs_sweep_task.delay(tenant_id=tenant_id)
