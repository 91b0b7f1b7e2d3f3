"""Jobs on real concurrent connections: a double click starts one job, and two workers handed
the same job run it once."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django_scopes import scope

from prm.jobs.models import Job
from prm.jobs.runner import run_job
from prm.jobs.services import job_start
from prm.tenancy.roles import Role
from tests.jobkinds import KIND, processed_items

ROUNDS = 4


def _race(world, calls: list[Callable[[], Any]]) -> list[str]:
    """Run every call at once, each in its own thread and database connection."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                outcomes.append(f"ok {call()}")
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_start_one_job(ours, monkeypatch):
    # The tests run tasks eagerly: the first start's job would run to its end as its
    # transaction commits, before the second start looks, and a finished job is rightly no
    # reason to refuse a new one. With a broker the job waits for a worker; so it does here.
    queued: list[dict] = []
    monkeypatch.setattr(
        "prm.jobs.services.enqueue_on_commit", lambda task, **kwargs: queued.append(kwargs)
    )
    ops, leader = ours.members[Role.PARTNER_OPS], ours.members[Role.PROGRAM_LEADER]
    for round_ in range(ROUNDS):
        params = {"items": ["a", "b"], "round": round_}

        def start(actor: Any, params: dict = params) -> int:
            return job_start(actor=actor, kind=KIND, params=params, label="Count").pk

        outcomes = _race(ours, [lambda: start(ops), lambda: start(leader)])
        with scope(tenant=ours.tenant):
            jobs = list(Job.objects.filter(kind=KIND, params=params))
        assert len(jobs) == 1
        assert outcomes == [f"ok {jobs[0].pk}"] * 2
    assert len(queued) == ROUNDS  # each round's one job was enqueued once


@pytest.mark.django_db(transaction=True)
def test_two_workers_handed_one_job_run_it_once(ours):
    for round_ in range(ROUNDS):
        with scope(tenant=ours.tenant):
            job = Job.objects.create(
                tenant=ours.tenant,
                kind=KIND,
                label="Count",
                params={"items": ["a", "b", "c"], "round": round_},
            )

        def work(pk: int = job.pk) -> str:
            return run_job(pk)

        outcomes = _race(ours, [work, work])
        assert outcomes == ["ok done", "ok skipped"]
        with scope(tenant=ours.tenant):
            assert sorted(processed_items(job)) == ["a", "b", "c"]
