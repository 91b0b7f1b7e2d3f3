"""The job pages cost the same number of queries whatever the number of jobs."""

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.jobs.models import Job
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back
from tests.jobkinds import KIND, RESTRICTED_KIND

SMALL, LARGE = 3, 40
pytestmark = pytest.mark.xdist_group("budgets-jobs")


def grow(world, start: int, stop: int) -> None:
    """Finished jobs of both kinds, by different members, some with failures."""
    with scope(tenant=world.tenant):
        for i in range(start, stop):
            Job.objects.create(
                tenant=world.tenant,
                kind=KIND if i % 2 else RESTRICTED_KIND,
                label=f"Grown job {i}",
                status=Job.Status.DONE if i % 3 else Job.Status.FAILED,
                params={"n": i},
                total=10,
                done=9,
                failed=1,
                failures=[{"item": f"{i}-{k}", "message": "refused"} for k in range(i % 5)],
                created_by=world.members[Role.PROGRAM_LEADER if i % 2 else Role.PARTNER_OPS].user,
                started_at=timezone.now(),
                finished_at=timezone.now(),
            )


PAGES = [
    ("/admin/jobs/", Role.PARTNER_OPS, 8),
    ("/admin/jobs/", Role.CAM, 8),
    ("/admin/jobs/?page=2", Role.PROGRAM_LEADER, 8),
    (f"/admin/jobs/?kind={KIND}&status=done", Role.PARTNER_OPS, 8),
    ("/admin/jobs/{job}/", Role.PARTNER_OPS, 6),
    ("/admin/jobs/{job}/progress/", Role.PARTNER_OPS, 6),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def measure() -> dict:
            return count_all(
                [(url, role) for url, role, _budget in PAGES],
                lambda p: page_queries(clients[p[1]], p[0].format(job=world.job.pk)),
            )

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_job_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
