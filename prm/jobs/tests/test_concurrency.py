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
def test_two_starts_at_once_start_one_job(ours):
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
