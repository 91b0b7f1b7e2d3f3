"""A real Celery worker, over real Redis, runs a tenant-scoped task against the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_scopes import scope

from prm import celery_app
from prm.accounts import services
from prm.accounts.models import Invitation
from prm.accounts.tasks import invitation_send_task
from prm.tenancy.roles import Role


def wait_for(condition, timeout=30.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def worker(tmp_path, settings):
    """A solo-pool worker process on the test database; emails land as files in tmp_path."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prm.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}",
        "PGHOST": db["HOST"] or os.environ.get("PGHOST", ""),
        "EMAIL_FILE_PATH": str(tmp_path),
        "TENANT_URL_TEMPLATE": "http://{host}:8000",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "prm",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=info",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield tmp_path
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_inside_the_tenant_scope(worker, ours):
    actor = ours.members[Role.PARTNER_ADMIN]
    with scope(tenant=ours.tenant):
        invitation = services.invitation_create(
            actor=actor,
            email="worker.test@example.test",
            role=Role.PARTNER_REP,
            partner=ours.partner,
        )

    def sent():
        with scope(tenant=ours.tenant):
            return Invitation.objects.get(pk=invitation.pk).sent_at is not None

    assert wait_for(sent), (worker / "worker.log").read_text()[-3000:]
    mails = [p for p in Path(worker).glob("*.log") if p.name != "worker.log"]
    assert len(mails) == 1
    body = mails[0].read_text()
    assert "worker.test@example.test" in body
    assert ours.tenant.portal_title in body
    assert f"http://{ours.host}:8000/invitations/" in body

    # Delivered twice (a redelivery): the second run finds it sent and sends nothing.
    invitation_send_task.delay(tenant_id=ours.tenant.pk, invitation_id=invitation.pk)
    with scope(tenant=ours.tenant):
        barrier = services.invitation_create(
            actor=actor, email="barrier@example.test", role=Role.PARTNER_REP, partner=ours.partner
        )

    def barrier_sent():
        with scope(tenant=ours.tenant):
            return Invitation.objects.get(pk=barrier.pk).sent_at is not None

    assert wait_for(barrier_sent)
    bodies = [p.read_text() for p in Path(worker).glob("*.log") if p.name != "worker.log"]
    assert sum("worker.test@example.test" in b for b in bodies) == 1
