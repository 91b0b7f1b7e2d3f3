"""Running a job (called by `tasks.job_run_task`) and requeueing the jobs of a killed worker
(called by the beat sweep). Both are safe to call again: a task delivered twice, or a sweep that
requeues a job a worker still runs, never runs one job twice at once."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Tenant

from .models import Job
from .progress import Progress
from .registry import job_kind

logger = logging.getLogger(__name__)

S = Job.Status

#: a running job whose heartbeat is older is taken for the job of a killed worker
STALE_AFTER = timedelta(minutes=2)


def _claim(job_id: int) -> Job | None:
    """Mark the job running for this worker, or None when it is not this worker's to run:
    finished, or running with a fresh heartbeat (another worker has it), or locked by another
    worker claiming it this instant. A queued job someone asked to cancel is cancelled here."""
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if job.status == S.RUNNING and job.heartbeat_at and now - job.heartbeat_at < STALE_AFTER:
            return None
        if job.cancel_requested_at is not None:
            job.status, job.finished_at = S.CANCELLED, now
            job.save(update_fields=["status", "finished_at"])
            return None
        # A resumed run reports again what it finds done: the counters start over.
        job.status = S.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.done = job.failed = 0
        job.failures = []
        job.error = ""
        job.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "done",
                "failed",
                "failures",
                "error",
            ]
        )
        return job


def _finish(job: Job, status: str, *, error: str = "") -> None:
    """Close the run: the final status, unless another worker took the job over meanwhile."""
    with transaction.atomic():
        closed = Job.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=status, finished_at=timezone.now(), error=error
        )
        if closed:
            job.status, job.error = status, error
            actions: dict[str, str] = {S.DONE: "jobs.job.finished", S.FAILED: "jobs.job.failed"}
            action = actions.get(status, "jobs.job.cancelled")
            audit_record(
                tenant=job.tenant,
                actor=None,
                action=action,
                obj=job,
                after={"done": job.done, "failed": job.failed, "total": job.total},
                reason=error,
            )


def run_job(job_id: int) -> str:
    """Run the job's kind once, to the end, to a cancellation or to an error; return the
    job's status afterwards (or "skipped" when it was not this worker's to run).

    An exception in the kind's `run` fails the job with a sentence in `error` (the traceback
    goes to the log): a job never stops silently.
    """
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        kind = job_kind(job.kind)
    except LookupError:
        _finish(job, S.FAILED, error=_("This kind of job is no longer available."))
        return job.status
    progress = Progress(job)
    try:
        kind.run(job, progress)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        progress.flush()
        _finish(
            job,
            S.FAILED,
            error=_(
                "The job stopped on an unexpected error after %(done)s of %(total)s items. "
                "The error is logged for the product team; start the job again to finish "
                "the rest."
            )
            % {"done": job.done, "total": job.total},
        )
        return job.status
    progress.flush()
    # Cancelled only if the run stopped early for it: a request that came after the last
    # item changes nothing.
    finished_all = job.total and job.done + job.failed >= job.total
    stopped = progress.cancelled and not finished_all
    _finish(job, S.CANCELLED if stopped else S.DONE)
    return job.status


def jobs_requeue_stale(tenant: Tenant) -> int:
    """Queue again the tenant's jobs whose worker went silent (killed, restarted) and the
    queued jobs no worker picked up, each at most once per `STALE_AFTER`; return how many.

    A requeued job is marked queued with a fresh heartbeat: the next sweep leaves it alone for
    a while, and the worker that picks it up claims it as any queued job (`_claim`)."""
    from .tasks import job_run_task  # the task module imports this one

    now = timezone.now()
    stale = now - STALE_AFTER
    silent = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    with transaction.atomic():
        rows = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(silent, tenant=tenant, status__in=Job.UNFINISHED)
            .values_list("pk", flat=True)
        )
        if rows:
            Job.objects.filter(pk__in=rows).update(status=S.QUEUED, heartbeat_at=now)
            for pk in rows:
                logger.warning("Job %s requeued: no sign of its worker", pk)
                enqueue_on_commit(job_run_task, tenant_id=tenant.pk, job_id=pk)
    return len(rows)
