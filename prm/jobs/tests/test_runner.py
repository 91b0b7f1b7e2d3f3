"""Running jobs through the task: counts, failures, results, errors, cancelling, and resuming
the job of a killed worker without doing an item twice (prm/jobs/runner.py, tasks.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prm.jobs import progress as progress_module
from prm.jobs.models import Job
from prm.jobs.progress import Progress
from prm.jobs.services import job_cancel, job_start
from prm.jobs.tasks import job_run_task, jobs_sweep_task
from tests.jobkinds import KIND, processed_items

pytestmark = pytest.mark.django_db

S = Job.Status


def queued(actor, items, **params):
    return job_start(actor=actor, kind=KIND, params={"items": items, **params}, label="Count")


def run(job):
    job_run_task(tenant_id=job.tenant_id, job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_job_runs_to_the_end_with_its_counts_failures_and_result(in_ours, ops):
    job = run(queued(ops, ["a", "b", "c", "d"], fail=["c"], attach=True))
    assert job.status == S.DONE
    assert (job.total, job.done, job.failed) == (4, 3, 1)
    assert job.failures == [{"item": "c", "message": "Item c is refused"}]
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.result_name == "counted items.csv"
    with job.result.open("rb") as f:
        assert f.read() == b"item\na\nb\nc\nd\n"
    assert f"jobs/{job.tenant_id}/" in job.result.name
    assert sorted(processed_items(job)) == ["a", "b", "d"]


def test_an_exception_in_the_run_fails_the_job_with_a_sentence(in_ours, ops, caplog):
    with caplog.at_level("ERROR", logger="prm.jobs.runner"):
        job = run(queued(ops, ["a", "b", "c"], boom="b"))
    assert job.status == S.FAILED
    assert job.done == 1
    assert "unexpected error after 1 of 3 items" in job.error
    assert "item b exploded" in caplog.text  # the traceback is logged, not lost


def test_a_finished_job_is_left_alone_when_its_task_comes_again(in_ours, ops):
    job = run(queued(ops, ["a", "b"]))
    finished_at = job.finished_at
    job = run(job)
    assert job.status == S.DONE
    assert job.finished_at == finished_at
    assert sorted(processed_items(job)) == ["a", "b"]


def test_a_running_job_with_a_fresh_heartbeat_is_left_to_its_worker(in_ours, ops):
    job = queued(ops, ["a"])
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, heartbeat_at=timezone.now())
    job = run(job)
    assert job.status == S.RUNNING
    assert processed_items(job) == []
    assert jobs_sweep_task(tenant_id=job.tenant_id) == 0


def test_a_job_cancelled_while_queued_never_runs(in_ours, ops):
    job = queued(ops, ["a", "b"])
    job_cancel(actor=ops, job=job)
    job = run(job)
    assert job.status == S.CANCELLED
    assert processed_items(job) == []


def test_a_job_cancelled_mid_run_stops_after_the_item_it_is_on(in_ours, ops, on_item, monkeypatch):
    monkeypatch.setattr(progress_module, "CANCEL_EVERY", 0)  # look at every item

    def cancel_after_b(job, item):
        if item == "b":
            job_cancel(actor=ops, job=job)

    on_item(cancel_after_b)
    job = run(queued(ops, ["a", "b", "c", "d"]))
    assert job.status == S.CANCELLED
    assert job.done == 2
    assert sorted(processed_items(job)) == ["a", "b"]


class KilledWorker(BaseException):
    """A worker process dying (not an error the runner could catch and record)."""


def test_a_killed_workers_job_is_requeued_and_resumes_without_doing_an_item_twice(
    in_ours, ops, on_item, django_capture_on_commit_callbacks
):
    def die_after_b(job, item):
        if item == "b":
            raise KilledWorker

    on_item(die_after_b)
    job = queued(ops, ["a", "b", "c", "d"])
    with pytest.raises(KilledWorker):
        job_run_task(tenant_id=job.tenant_id, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == S.RUNNING
    assert sorted(processed_items(job)) == ["a", "b"]

    on_item(lambda job, item: None)
    # Its heartbeat is fresh: the sweep leaves it alone for now.
    assert jobs_sweep_task(tenant_id=job.tenant_id) == 0
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert jobs_sweep_task(tenant_id=job.tenant_id) == 1
    assert len(callbacks) == 1  # the requeued run
    job.refresh_from_db()
    assert job.status == S.DONE
    assert (job.total, job.done, job.failed) == (4, 4, 0)
    assert sorted(processed_items(job)) == ["a", "b", "c", "d"]  # each exactly once


def test_a_queued_job_no_worker_picked_up_is_requeued_by_the_sweep(
    in_ours, ops, django_capture_on_commit_callbacks
):
    job = queued(ops, ["a"])
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep_task(tenant_id=job.tenant_id) == 1
    job.refresh_from_db()
    assert job.status == S.DONE
    # Requeued once: the next sweep finds nothing to do.
    assert jobs_sweep_task(tenant_id=job.tenant_id) == 0


def test_the_counters_are_not_written_per_item(in_ours, ops):
    job = queued(ops, [str(i) for i in range(200)])
    with CaptureQueriesContext(connection) as ctx:
        job = run(job)
    assert job.status == S.DONE
    assert job.done == 200
    updates = [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "jobs_job"')]
    # the claim, the finish, a write every 0.5 s and the final flush: far fewer than 200
    assert len(updates) < 20


def test_progress_reads_the_cancel_flag_at_most_once_a_second(in_ours, ops):
    job = queued(ops, ["a"])
    now = [100.0]
    progress = Progress(job, clock=lambda: now[0])
    assert progress.cancelled is False
    Job.objects.filter(pk=job.pk).update(cancel_requested_at=timezone.now())
    with CaptureQueriesContext(connection) as ctx:
        assert progress.cancelled is False  # read less than a second ago
    assert len(ctx.captured_queries) == 0
    now[0] += 1.0
    assert progress.cancelled is True


def test_progress_writes_counters_every_half_second_and_on_flush(in_ours, ops):
    job = queued(ops, ["a"])
    now = [100.0]
    progress = Progress(job, clock=lambda: now[0])

    def stored():  # a copy: the job progress holds keeps its own counters
        row = Job.objects.get(pk=job.pk)
        return (row.total, row.done, row.failed)

    progress.set_total(10)
    progress.advance()
    progress.fail("x", "refused")
    assert stored() == (0, 0, 0)  # nothing written yet
    now[0] += 0.5
    progress.advance()
    assert stored() == (10, 2, 1)
    progress.advance()
    assert stored() == (10, 2, 1)
    progress.flush()
    assert stored() == (10, 3, 1)
    assert Job.objects.get(pk=job.pk).failures == [{"item": "x", "message": "refused"}]


def test_progress_keeps_at_most_500_failures(in_ours, ops):
    job = queued(ops, ["a"])
    progress = Progress(job)
    for i in range(600):
        progress.fail(str(i), "no")
    progress.flush()
    job.refresh_from_db()
    assert job.failed == 600
    assert len(job.failures) == 500
