"""A real Celery worker over real Redis delivers the outbox: once, with retries, after outages;
renders a PDF into the private storage (prm.pdf, a task only CELERY_IMPORTS registers); and
sends a webhook from its outbox to a real receiver, signed.

The worker is a separate process on the test database (transaction=True tests commit); the
emails go to a small real SMTP server in this process (tests/smtp_server.py).
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_scopes import scope

from prm import celery_app
from prm.accounts import services
from prm.jobs.models import Job
from prm.jobs.services import job_start
from prm.notifications.models import EmailOutbox
from prm.notifications.tasks import outbox_send_task, outbox_sweep_task
from prm.pdf import store_pdf_task
from prm.tenancy.roles import Role

from . import jobkinds
from .smtp_server import SMTPServer

# One Redis for the whole run, and one test stops it: under pytest-xdist these tests share a
# worker (xdist_group), so no other test's Celery worker is on the broker at the same time.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("redis"),
]


# A worker starts in about 10 s on an idle machine, but past 30 s while the rest of the suite
# (and other work on a shared machine) keeps both cores busy: the wait allows for that.
def wait_for(condition: Callable[[], bool], timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def start_worker(tmp_path, smtp) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a solo-pool worker on the test database that mails through `smtp`; `start(*args)`
    adds arguments to the worker's command line."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prm.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}",
        "PGHOST": db["HOST"] or os.environ.get("PGHOST", ""),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    started: list[subprocess.Popen] = []
    log_path = tmp_path / "worker.log"

    def start(*args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "prm", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=info",
             *args],
            env=env, stdout=log_path.open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)
        return process

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = eager
        for process in started:
            process.terminate()
            process.wait(timeout=30)


def worker_log(tmp_path: Path) -> str:
    path = tmp_path / "worker.log"
    return path.read_text()[-4000:] if path.exists() else ""


def invite(world, email: str):
    with scope(tenant=world.tenant):
        return services.invitation_create(
            actor=world.members[Role.PARTNER_ADMIN],
            email=email,
            role=Role.PARTNER_REP,
            partner=world.partner,
        )


def outbox_row(world, email: str) -> EmailOutbox:
    with scope(tenant=world.tenant):
        return EmailOutbox.objects.get(to_email=email)


def test_each_outbox_row_is_sent_exactly_once_also_when_delivered_twice(
    ours, smtp, start_worker, tmp_path
):
    start_worker()
    invite(ours, "once@example.test")
    assert wait_for(lambda: outbox_row(ours, "once@example.test").status == "sent"), worker_log(
        tmp_path
    )
    row = outbox_row(ours, "once@example.test")
    assert "http://ours.localhost:8000/invitations/" in smtp.mailbox.messages[0]

    # The same task delivered twice more (a broker redelivery, a sweep racing the first send).
    outbox_send_task.delay(tenant_id=ours.tenant.pk, outbox_id=row.pk)
    outbox_send_task.delay(tenant_id=ours.tenant.pk, outbox_id=row.pk)
    invite(ours, "barrier@example.test")  # the solo worker handles tasks in order
    assert wait_for(lambda: outbox_row(ours, "barrier@example.test").status == "sent")
    once = [m for m in smtp.mailbox.messages if "To: once@example.test" in m]
    assert len(once) == 1
    assert outbox_row(ours, "once@example.test").attempts == 1


def test_a_worker_renders_a_pdf_and_stores_it_in_the_private_storage(ours, start_worker, tmp_path):
    start_worker()
    store_pdf_task.delay(
        tenant_id=ours.tenant.pk, template="pdf/base.html", context={}, name="worker.pdf"
    )
    stored = tmp_path / "private" / "pdfs" / ours.tenant.slug / "worker.pdf"
    assert wait_for(stored.exists), worker_log(tmp_path)
    assert wait_for(lambda: stored.read_bytes().endswith(b"%%EOF\n")), worker_log(tmp_path)
    text = subprocess.run(
        ["pdftotext", str(stored), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert ours.tenant.portal_title in text


def test_a_worker_runs_a_background_job_to_the_end_with_its_result(ours, start_worker, tmp_path):
    # The job kind of the tests lives in a tests module: the worker imports it too.
    start_worker("--include=tests.jobkinds")
    with scope(tenant=ours.tenant):
        job = job_start(
            actor=ours.members[Role.PARTNER_OPS],
            kind=jobkinds.KIND,
            params={"items": ["a", "b", "c"], "fail": ["b"], "attach": True},
            label="Count three items on a real worker",
        )

    def finished() -> bool:
        with scope(tenant=ours.tenant):
            job.refresh_from_db()
        return job.is_finished

    assert wait_for(finished), worker_log(tmp_path)
    assert job.status == Job.Status.DONE, job.error
    assert (job.total, job.done, job.failed) == (3, 2, 1)
    assert (tmp_path / "private" / job.result.name).read_bytes() == b"item\na\nb\nc\n"


def test_a_transient_smtp_failure_is_retried_and_then_succeeds(ours, smtp, start_worker, tmp_path):
    smtp.mailbox.fail_first = 1
    start_worker()
    invite(ours, "retry@example.test")
    assert wait_for(lambda: outbox_row(ours, "retry@example.test").status == "sent"), worker_log(
        tmp_path
    )
    row = outbox_row(ours, "retry@example.test")
    assert row.attempts == 2
    assert row.last_error == ""
    assert smtp.mailbox.attempts == 2
    assert len(smtp.mailbox.messages) == 1


def test_a_request_succeeds_with_redis_down_and_the_email_follows_when_it_returns(
    ours, smtp, start_worker, host_client, tmp_path, caplog
):
    redis_dir = str(Path(settings.CELERY_BROKER_URL.removeprefix("redis+socket://")).parent)
    services_sh = str(Path(settings.BASE_DIR) / "scripts" / "services.sh")
    subprocess.run([services_sh, "redis-stop", redis_dir], check=True, capture_output=True)
    try:
        client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
        began = time.monotonic()
        with caplog.at_level("WARNING", logger="prm.tenancy.enqueue"):
            response = client.post(
                "/team/", {"email": "outage@example.test", "role": Role.PARTNER_REP}
            )
        took = time.monotonic() - began
        assert "Broker unreachable" in caplog.text  # Redis really was down for this request
        assert response.status_code == 302
        assert took < 2  # the publish fails fast; nobody waits on a dead broker
        assert outbox_row(ours, "outage@example.test").status == "pending"
    finally:
        subprocess.run([services_sh, "redis-start", redis_dir], check=True, capture_output=True)

    start_worker()
    outbox_sweep_task.delay(tenant_id=ours.tenant.pk)  # what beat does every minute
    assert wait_for(lambda: outbox_row(ours, "outage@example.test").status == "sent"), worker_log(
        tmp_path
    )
    assert any("To: outage@example.test" in m for m in smtp.mailbox.messages)


def test_a_worker_delivers_a_webhook_from_the_outbox_signed(ours, start_worker, tmp_path):
    # The worker runs the development settings, which let webhooks reach this machine.
    from prm.notifications.events import emit
    from prm.webhooks.models import WebhookDelivery, WebhookEndpoint
    from prm.webhooks.subscriptions import subscriptions_refresh
    from prm.webhooks.tests.receiver import Receiver
    from prm.webhooks.transport import verify

    receiver = Receiver().start()
    try:
        start_worker()
        with scope(tenant=ours.tenant):
            endpoint = WebhookEndpoint.objects.create(
                tenant=ours.tenant,
                url=receiver.url,
                events=["partners.partner.changed"],
                secret="whsec_worker-test",
            )
            subscriptions_refresh(ours.tenant)
            with transaction.atomic():
                emit("partners.partner.changed", tenant=ours.tenant, subject=ours.partner)

        def delivered() -> bool:
            with scope(tenant=ours.tenant):
                row = WebhookDelivery.objects.get(endpoint=endpoint)
            return row.status == WebhookDelivery.Status.DELIVERED

        assert wait_for(delivered), worker_log(tmp_path)
        (request,) = receiver.requests
        assert request.headers["PRM-Event"] == "partners.partner.changed"
        assert verify("whsec_worker-test", request.headers["PRM-Signature"], request.body)
        assert json.loads(request.body)["data"]["object"]["name"] == ours.partner.name
    finally:
        receiver.stop()
