"""The bulk QBR export on a real Celery worker over real Redis (issue 18): a worker killed
mid-job (SIGKILL, nothing it could catch) and a new worker picking the job up through the beat
sweep end with one PDF per partner, each partner exported once; the progress moves while it
runs; cancelling stops it. The worker is a separate process on the test database
(transaction=True tests commit), with the start/stop helpers of tests/test_celery_worker.py.
"""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.tests.factories import PartnerFactory
from prm.jobs.models import Job
from prm.jobs.services import job_cancel
from prm.jobs.tasks import jobs_sweep_task
from prm.tenancy.roles import Role
from reporting.models import Qbr, QbrExportItem, QbrSnapshot
from reporting.qbrs import export as E
from reporting.qbrs.services import recent_quarters

from . import test_celery_worker as celery_worker
from .test_celery_worker import wait_for, worker_log

# The real worker's fixtures (a solo-pool worker on the test database, and the SMTP server it
# mails through), shared with tests/test_celery_worker.py.
smtp = celery_worker.smtp
start_worker = celery_worker.start_worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("redis"),
]

#: partners beyond the world's two: enough PDFs that the job is still running when it is killed
EXTRA_PARTNERS = 8


def items_done(job: Job) -> int:
    with scope(tenant=job.tenant):
        return QbrExportItem.objects.filter(job=job, done_at__isnull=False).count()


def items_of(job: Job) -> int:
    with scope(tenant=job.tenant):
        return QbrExportItem.objects.filter(job=job).count()


def read(job: Job) -> Job:
    with scope(tenant=job.tenant):
        job.refresh_from_db()
    return job


def watch(job: Job, until, seen: list[int]) -> bool:  # type: ignore[no-untyped-def]
    """Poll the job's row until `until(job)`, noting each `done` count seen on the way."""

    def check() -> bool:
        read(job)
        if not seen or seen[-1] != job.done:
            seen.append(job.done)
        return bool(until(job))

    return wait_for(check)


@pytest.fixture
def export(ours):
    """Start an export of every partner of ours for a quarter (0: this one, 1: the last)."""
    with scope(tenant=ours.tenant):
        for i in range(EXTRA_PARTNERS):
            PartnerFactory(tenant=ours.tenant, name=f"Worker partner {i:02d}")

    def start(back: int) -> Job:
        with scope(tenant=ours.tenant):
            quarter = recent_quarters(ours.tenant, timezone.localdate())[back]
            return E.qbr_export_start(
                actor=ours.members[Role.PARTNER_OPS], selection=E.Selection(quarter=quarter)
            )

    return start


def test_a_killed_worker_s_export_resumes_on_a_new_worker_with_one_pdf_per_partner(
    ours, export, start_worker, tmp_path
):
    worker = start_worker()
    job = export(1)
    total = items_of(job)
    assert total == EXTRA_PARTNERS + 2
    seen: list[int] = []

    # Killed once a couple of partners are done and before the last.
    assert watch(job, lambda j: j.done >= 2, seen), worker_log(tmp_path)
    worker.kill()
    worker.wait(timeout=30)
    read(job)
    assert job.status == Job.Status.RUNNING  # nobody recorded the end: the worker just died
    assert job.done < total, "the job ended before the worker was killed"
    assert 2 <= items_done(job) < total

    # A new worker; the sweep (beat, every minute) finds the job silent once its heartbeat is
    # two minutes old, here made so at once, and queues it again.
    start_worker()
    with scope(tenant=ours.tenant):
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    jobs_sweep_task.delay(tenant_id=ours.tenant.pk)
    assert watch(job, lambda j: j.is_finished, seen), worker_log(tmp_path)

    assert job.status == Job.Status.DONE, job.error
    assert (job.total, job.done, job.failed) == (total, total, 0)
    assert any(0 < done < total for done in seen), seen  # the bar moved during the run
    stored = tmp_path / "private" / job.result.name
    archive = zipfile.ZipFile(io.BytesIO(stored.read_bytes()))
    assert len(archive.namelist()) == total
    assert all(archive.read(n).startswith(b"%PDF-") for n in archive.namelist())
    with scope(tenant=ours.tenant):
        exported = QbrExportItem.objects.filter(job=job).values("qbr")
        qbrs = Qbr.objects.filter(tenant=ours.tenant, pk__in=exported)
        assert qbrs.count() == total
        # each partner's QBR was made once, with one snapshot: nothing twice after the kill
        assert QbrSnapshot.objects.filter(qbr__in=qbrs).count() == total


def test_cancelling_an_export_on_a_worker_stops_it(ours, export, start_worker, tmp_path):
    start_worker()
    job = export(0)
    total = items_of(job)
    seen: list[int] = []
    assert watch(job, lambda j: j.done >= 1, seen), worker_log(tmp_path)
    with scope(tenant=ours.tenant):
        job_cancel(actor=ours.members[Role.PARTNER_OPS], job=job)
    assert watch(job, lambda j: j.is_finished, seen), worker_log(tmp_path)

    assert job.status == Job.Status.CANCELLED
    assert job.done < total
    assert not job.result
    assert items_done(job) == job.done  # stopped after the partner it was on
