"""Starting and cancelling jobs (prm/jobs/services.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from prm.audit.models import AuditEvent
from prm.jobs.models import Job
from prm.jobs.services import job_cancel, job_start
from prm.tenancy.roles import Role
from tests.jobkinds import KIND, RESTRICTED_KIND

pytestmark = pytest.mark.django_db


def start(actor, items=("a", "b"), kind=KIND, **params):
    return job_start(actor=actor, kind=kind, params={"items": list(items), **params}, label="Count")


def test_job_start_queues_a_job_and_audits_it(in_ours, ops):
    job = start(ops)
    assert job.status == Job.Status.QUEUED
    assert job.created_by == ops.user
    assert job.tenant == in_ours.tenant
    assert AuditEvent.objects.filter(action="jobs.job.started", object_id=str(job.pk)).count() == 1


def test_job_start_runs_the_job_once_the_transaction_commits(
    in_ours, ops, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start(ops)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_a_double_start_returns_the_unfinished_job_instead_of_a_second(in_ours, ops):
    first = start(ops)
    second = start(in_ours.members[Role.PROGRAM_LEADER])
    assert second.pk == first.pk
    assert Job.objects.filter(kind=KIND, params=first.params).count() == 1
    assert (
        AuditEvent.objects.filter(action="jobs.job.started", object_id=str(first.pk)).count() == 1
    )


def test_other_params_or_a_finished_job_do_not_block_a_start(in_ours, ops):
    first = start(ops)
    assert start(ops, items=("c",)).pk != first.pk
    Job.objects.filter(pk=first.pk).update(status=Job.Status.DONE)
    assert start(ops).pk != first.pk


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_REP])
def test_partner_users_may_not_start_a_job(in_ours, role):
    with pytest.raises(PermissionDenied):
        start(in_ours.members[role])


def test_a_member_without_the_kinds_capability_may_not_start_it(in_ours):
    with pytest.raises(PermissionDenied):
        start(in_ours.members[Role.CAM], kind=RESTRICTED_KIND)
    assert not Job.objects.filter(kind=RESTRICTED_KIND).exists()


def test_an_unknown_kind_is_refused(in_ours, ops):
    with pytest.raises(LookupError):
        start(ops, kind="tests.nobody")


def test_cancelling_a_queued_job_cancels_it_at_once(in_ours, ops):
    job = job_cancel(actor=ops, job=start(ops))
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.finished_at is not None
    assert AuditEvent.objects.filter(action="jobs.job.cancelled", object_id=str(job.pk)).exists()


def test_cancelling_a_running_job_asks_it_to_stop(in_ours, ops):
    job = start(ops)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job = job_cancel(actor=ops, job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.cancel_requested_at is not None
    assert AuditEvent.objects.filter(
        action="jobs.job.cancel_requested", object_id=str(job.pk)
    ).exists()


def test_cancelling_a_finished_job_changes_nothing(in_ours, ops):
    job = job_cancel(actor=ops, job=in_ours.job)
    assert job.status == Job.Status.DONE
    assert job.cancel_requested_at is None


def test_a_member_without_the_kinds_capability_may_not_cancel(in_ours, ops):
    job = start(ops, kind=RESTRICTED_KIND)
    with pytest.raises(PermissionDenied):
        job_cancel(actor=in_ours.members[Role.CAM], job=job)
