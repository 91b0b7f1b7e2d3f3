"""Starting and cancelling background jobs (the runner is `prm.jobs.runner`)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from prm.audit.services import audit_record
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Membership

from .models import Job
from .registry import job_kind

S = Job.Status


def job_start(*, actor: Membership, kind: str, params: dict[str, Any], label: str) -> Job:
    """Queue a job of `kind` about `params`, labelled `label`, and enqueue its run.

    Vendor staff holding the kind's capability only (`PermissionDenied` otherwise; `LookupError`
    for a kind nobody registered). An unfinished job of the same kind and params in the tenant
    is returned instead of a second one: a double click, or two people at once, start one job
    (the partial unique constraint `jobs_job_one_unfinished` settles a race). Audited as
    `jobs.job.started`; the run is enqueued once the transaction commits (if the broker is down,
    the sweep enqueues it later).
    """
    job_kind_ = job_kind(kind)
    if not (actor.is_vendor_staff and actor.can(job_kind_.capability)):
        raise PermissionDenied
    tenant = actor.tenant
    unfinished = Job.objects.filter(
        tenant=tenant, kind=kind, params=params, status__in=Job.UNFINISHED
    )
    with transaction.atomic():
        running = unfinished.first()
        if running is not None:
            return running
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    tenant=tenant,
                    kind=kind,
                    label=label[:200],
                    params=params,
                    created_by=actor.user,
                )
        except IntegrityError:
            # Another request started the same job between our look and our insert (it may
            # even have finished since): that one is the job.
            existing = (
                Job.objects.filter(tenant=tenant, kind=kind, params=params)
                .order_by("-created_at", "-pk")
                .first()
            )
            if existing is None:
                raise
            return existing
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="jobs.job.started",
            obj=job,
            after={"kind": kind, "params": params},
        )
        from .tasks import job_run_task  # the task module imports the runner, which imports us

        enqueue_on_commit(job_run_task, tenant_id=tenant.pk, job_id=job.pk)
    return job


def job_cancel(*, actor: Membership, job: Job) -> Job:
    """Ask `job` to stop: a queued job is cancelled at once; a running one stops when its run
    next looks (`Progress.cancelled`, within about a second of its next item).

    The actor must hold the kind's capability (`PermissionDenied`). A finished job is returned
    as it is. Audited as `jobs.job.cancelled` or `jobs.job.cancel_requested`.
    """
    kind = job_kind(job.kind)
    if not (actor.is_vendor_staff and actor.can(kind.capability)):
        raise PermissionDenied
    if actor.tenant_id != job.tenant_id:
        raise PermissionDenied
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_finished or job.cancel_requested_at is not None:
            return job
        now = timezone.now()
        job.cancel_requested_at = now
        fields = ["cancel_requested_at"]
        action = "jobs.job.cancel_requested"
        if job.status == S.QUEUED:
            job.status = S.CANCELLED
            job.finished_at = now
            fields += ["status", "finished_at"]
            action = "jobs.job.cancelled"
        job.save(update_fields=fields)
        audit_record(tenant=actor.tenant, actor=actor.user, action=action, obj=job)
    return job
